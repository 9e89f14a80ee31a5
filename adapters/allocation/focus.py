"""The FOCUS 1.2 export on DuckDB: the period allocated once more with its lines kept, joined to
the CUR store's account and resource files and to the budgets, and written in one COPY.

Nothing is done row by row in Python: the budgets and the small mapping tables (charge category,
service category) are registered as Arrow tables, and one SELECT writes the file. BilledCost is
the unblended cost (the invoice's basis) whatever the dashboards' cost basis: the allocation
runs on it here, so the lines sum exactly to the CUR total with the credits and refunds added.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from adapters import duck
from adapters.allocation.materialized import AllocatedSpend, without_clashing_claims
from adapters.allocation.sql import MONEY, in_list, literal
from domain.allocation.rules import EXCLUDED_TYPES, NEGOTIATED_DISCOUNT, AllocationRules, CostBasis
from domain.errors import RuleViolation
from domain.exports.focus import (
    CHARGE,
    CUSTOM,
    DEFAULT_CHARGE,
    EXPORTED,
    SERVICE_CATEGORY,
    BudgetLabel,
    FocusRequest,
)
from domain.periods import parse_period

PROVIDER = "AWS"
INVOICE_ISSUER = "Amazon Web Services, Inc."
_FORMULA = "('=', '+', '-', '@', chr(9), chr(13))"


def _tables(budgets: Sequence[BudgetLabel]) -> dict[str, pa.Table]:
    return {
        "focus_budgets": pa.table(
            {
                "budget_id": pa.array([b.budget_id for b in budgets], pa.int64()),
                "label": pa.array([b.label for b in budgets], pa.string()),
                "business_unit": pa.array([b.business_unit for b in budgets], pa.string()),
                "department": pa.array([b.department for b in budgets], pa.string()),
                "portfolio": pa.array([b.portfolio for b in budgets], pa.string()),
                "product": pa.array([b.product for b in budgets], pa.string()),
            }
        ),
        "focus_charges": pa.table(
            {
                "line_item_type": pa.array(list(CHARGE), pa.string()),
                "category": pa.array([c for c, _ in CHARGE.values()], pa.string()),
                "frequency": pa.array([f for _, f in CHARGE.values()], pa.string()),
            }
        ),
        "focus_services": pa.table(
            {
                "service": pa.array(list(SERVICE_CATEGORY), pa.string()),
                "category": pa.array(list(SERVICE_CATEGORY.values()), pa.string()),
            }
        ),
    }


def focus_sql(request: FocusRequest, lines: str, daily: str, folder: Path) -> str:
    """The export's SELECT over the allocated `lines` and the period's `daily` rows."""
    start = parse_period(request.period)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    excluded = in_list(EXCLUDED_TYPES)
    money = f"CAST(amount AS {MONEY})"
    negotiated = literal(NEGOTIATED_DISCOUNT)
    resources = literal(str(folder / "resources.parquet"))
    accounts = literal(str(folder / "accounts.parquet"))
    text = "VARCHAR"

    def opt(value: str | None) -> str:
        return "CAST(NULL AS VARCHAR)" if value is None else literal(value)

    return f"""
    WITH all_lines AS (
        SELECT usage_date, account_id, resource_id, service, line_item_type,
               budget_id, workload_id, {money} AS amount
        FROM {lines}
        UNION ALL
        -- credits and refunds: on the invoice, not budget spend
        SELECT usage_date, account_id, resource_id, service, line_item_type,
               CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(unblended_cost AS {MONEY})
        FROM {daily}
        WHERE line_item_type IN ({excluded}) AND unblended_cost IS NOT NULL
    ),
    regions AS (
        SELECT account_id, resource_id, max(region) AS region
        FROM read_parquet({resources}) GROUP BY ALL
    ),
    names AS (
        SELECT account_id, max(account_name) AS account_name
        FROM read_parquet({accounts}) GROUP BY ALL
    )
    SELECT
        CASE WHEN l.line_item_type = {negotiated} THEN CAST(0 AS {MONEY}) ELSE l.amount END
            AS BilledCost,
        {literal(request.billing_account_id)} AS BillingAccountId,
        {opt(request.billing_account_name)} AS BillingAccountName,
        {literal(request.currency)} AS BillingCurrency,
        TIMESTAMPTZ {literal(end.isoformat() + " 00:00:00+00")} AS BillingPeriodEnd,
        TIMESTAMPTZ {literal(start.isoformat() + " 00:00:00+00")} AS BillingPeriodStart,
        COALESCE(c.category, {literal(DEFAULT_CHARGE[0])}) AS ChargeCategory,
        CAST(NULL AS {text}) AS ChargeClass,
        CASE WHEN l.line_item_type = {negotiated}
             THEN 'Negotiated discount (configured in FinOps Center)'
             ELSE concat_ws(' ', l.service, l.line_item_type) END AS ChargeDescription,
        COALESCE(c.frequency, {literal(DEFAULT_CHARGE[1])}) AS ChargeFrequency,
        CAST(l.usage_date AS TIMESTAMPTZ) + INTERVAL 1 DAY AS ChargePeriodEnd,
        CAST(l.usage_date AS TIMESTAMPTZ) AS ChargePeriodStart,
        l.amount AS ContractedCost,
        l.amount AS EffectiveCost,
        {opt(request.invoice_id)} AS InvoiceId,
        {literal(INVOICE_ISSUER)} AS InvoiceIssuerName,
        CASE WHEN l.line_item_type = {negotiated} THEN CAST(0 AS {MONEY}) ELSE l.amount END
            AS ListCost,
        CAST(NULL AS DECIMAL(20,10)) AS PricingQuantity,
        CAST(NULL AS {text}) AS PricingUnit,
        {literal(PROVIDER)} AS ProviderName,
        {literal(PROVIDER)} AS PublisherName,
        r.region AS RegionId,
        NULLIF(l.resource_id, '') AS ResourceId,
        COALESCE(s.category, 'Other') AS ServiceCategory,
        COALESCE(l.service, 'Unknown') AS ServiceName,
        l.account_id AS SubAccountId,
        n.account_name AS SubAccountName,
        b.label AS x_Budget,
        l.budget_id AS x_BudgetId,
        b.business_unit AS x_BusinessUnit,
        b.department AS x_Department,
        b.portfolio AS x_Portfolio,
        b.product AS x_Product,
        l.workload_id AS x_WorkloadId,
        l.line_item_type AS x_LineItemType
    FROM all_lines l
    LEFT JOIN focus_budgets b ON b.budget_id = l.budget_id
    LEFT JOIN focus_charges c ON c.line_item_type = l.line_item_type
    LEFT JOIN focus_services s ON s.service = l.service
    LEFT JOIN regions r ON r.account_id = l.account_id AND r.resource_id = l.resource_id
    LEFT JOIN names n ON n.account_id = l.account_id
    ORDER BY ChargePeriodStart, SubAccountId, ResourceId NULLS FIRST, ServiceName,
             x_LineItemType, x_BudgetId NULLS FIRST
    """


def _escaped(columns: Sequence[str], text_columns: set[str]) -> str:
    """The columns, text ones made inert for a spreadsheet (CSV only)."""
    out = []
    for name in columns:
        if name in text_columns:
            out.append(
                f"CASE WHEN left({name}, 1) IN {_FORMULA} THEN '''' || {name} "
                f"ELSE {name} END AS {name}"
            )
        else:
            out.append(name)
    return ", ".join(out)


class FocusExport:
    """The `FocusExporter` port over the allocation engine's DuckDB."""

    def __init__(self, allocated: AllocatedSpend) -> None:
        self.allocated = allocated

    async def export(
        self,
        request: FocusRequest,
        rules: AllocationRules,
        budgets: Sequence[BudgetLabel],
        out: Path,
    ) -> int:
        return await asyncio.to_thread(self._export, request, rules, budgets, out)

    def _export(
        self,
        request: FocusRequest,
        rules: AllocationRules,
        budgets: Sequence[BudgetLabel],
        out: Path,
    ) -> int:
        source = self.allocated.cur.daily_costs(request.period)
        try:
            rules.validate()
        except RuleViolation as exc:
            # as the dashboards: a resource claimed twice follows its account split until the
            # clash is resolved (a split problem still refuses the export)
            rules = without_clashing_claims(rules, exc)
        folder = Path(source.daily_paths[0]).parent
        (self.allocated.root / ".tmp").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.allocated.root / ".tmp") as tmp:
            result = self.allocated.engine.allocate(
                source, rules, basis=CostBasis.UNBLENDED, out_dir=Path(tmp), keep_lines=True
            )
            assert result.path is not None
            con = duck.connect()
            try:
                con.execute("SET TimeZone = 'UTC'")
                for name, table in _tables(budgets).items():
                    con.register(name, table)
                daily = f"read_parquet({literal(source.daily_paths[0])})"
                sql = focus_sql(
                    request, f"read_parquet({literal(str(result.path))})", daily, folder
                )
                con.execute(f"CREATE TEMP TABLE focus AS {sql}")
                columns = (*EXPORTED, *CUSTOM)
                if request.format == "csv":
                    types = dict(
                        con.execute("SELECT name, type FROM pragma_table_info('focus')").fetchall()
                    )
                    texts = {c for c in columns if types[c] == "VARCHAR"}
                    select = _escaped(columns, texts)
                    options = "FORMAT csv, HEADER true"
                else:
                    select = ", ".join(columns)
                    options = "FORMAT parquet"
                con.execute(f"COPY (SELECT {select} FROM focus) TO {literal(str(out))} ({options})")
                row = con.execute("SELECT count(*) FROM focus").fetchone()
                return int(row[0]) if row else 0
            finally:
                con.close()
