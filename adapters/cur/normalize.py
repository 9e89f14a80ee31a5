"""The normalized line items: every format read as one relation with typed columns (see
`NORMALIZED_COLUMNS`, then one VARCHAR `tag_<key>` column per tag key).

This is what `keep_line_items` writes; the refresh's own pass (`aggregate.py`) shares the
amortized cost and the FOCUS columns defined here.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.cur.columns import MONEY, Columns, coalesce, required
from adapters.cur.formats import FileGroup, SourceFile, only_aws
from adapters.cur.sql import ident, literal
from adapters.cur.tags import tag_sources

# name -> DuckDB type of the normalized line items (tag_<key> VARCHAR columns follow).
NORMALIZED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("billing_period", "VARCHAR"),
    ("usage_date", "DATE"),
    ("account_id", "VARCHAR"),
    ("account_name", "VARCHAR"),
    ("resource_id", "VARCHAR"),
    ("service", "VARCHAR"),
    ("region", "VARCHAR"),
    ("line_item_type", "VARCHAR"),
    ("unblended_cost", MONEY),
    ("net_unblended_cost", MONEY),
    ("amortized_cost", MONEY),
    ("invoice_id", "VARCHAR"),
    ("currency", "VARCHAR"),
)


def normalized_select(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None = None,
    period: str | None = None,
    tag_columns: Sequence[str] = (),
) -> str:
    """SELECT producing the normalized line items of `files` (default: the whole group).

    With `period`, the billing period is that literal (the Data Exports path names it);
    otherwise it is read from the billing period start column of each row.
    """
    if group.format.startswith("focus"):
        return _focus_select(group, files=files, period=period, tag_columns=tag_columns)
    return _cur_select(group, files=files, period=period, tag_columns=tag_columns)


def _render(values: dict[str, str | None], tags: Sequence[str], source: str) -> str:
    """Every normalized column, cast to its declared type, then the tag columns."""
    assert set(values) == {name for name, _ in NORMALIZED_COLUMNS}
    columns = [f"CAST({values[n] or 'NULL'} AS {t}) AS {n}" for n, t in NORMALIZED_COLUMNS]
    return f"SELECT {', '.join([*columns, *tags])} FROM {source}"


def _tag_select(group: FileGroup, tag_columns: Sequence[str]) -> list[str]:
    sources = tag_sources(group)
    return [f"{coalesce(*sources.get(c, []))}::VARCHAR AS {ident(c)}" for c in tag_columns]


def _cur_select(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None,
    period: str | None,
    tag_columns: Sequence[str],
) -> str:
    c = Columns(group.columns)
    required(group, c, CUR_REQUIRED)
    lit = c.text("line_item_line_item_type")
    unblended = c.money("line_item_unblended_cost")
    assert lit is not None
    assert unblended is not None
    usage_date = c.day("line_item_usage_start_date")
    billing_period = (
        literal(period)
        if period
        else coalesce(c.month("bill_billing_period_start_date"), f"strftime({usage_date}, '%Y-%m')")
    )
    region = coalesce(c.text("product_region_code"), c.text("product_region"))
    product = c.find("product")
    if region == "NULL" and product and c.type_of(product).startswith("MAP"):
        # only when no top-level column has it: decoding the whole product map is costly
        region = f"NULLIF({ident(product)}['region'], '')"

    # AWS Cloud Intelligence Dashboards' amortized cost; a basis whose columns the file lacks
    # falls back to the unblended cost.
    amortized = cur_amortized(c, lit, unblended, otherwise=unblended)
    net = c.money("line_item_net_unblended_cost")
    values: dict[str, str | None] = {
        "billing_period": billing_period,
        "usage_date": usage_date,
        "account_id": c.account("line_item_usage_account_id"),
        "account_name": coalesce(c.text("line_item_usage_account_name")),
        "resource_id": coalesce(c.text("line_item_resource_id")),
        "service": coalesce(c.text("line_item_product_code"), c.text("product_servicecode")),
        "region": region,
        "line_item_type": lit,
        "unblended_cost": unblended,
        "net_unblended_cost": f"COALESCE({net}, {unblended})" if net else unblended,
        "amortized_cost": amortized,
        "invoice_id": coalesce(c.text("bill_invoice_id")),
        "currency": coalesce(c.text("line_item_currency_code"), literal("USD")),
    }
    return _render(values, _tag_select(group, tag_columns), group.scan(files))


# Line item types whose amortized cost is not simply the unblended cost (see `cur_amortized`).
AMORTIZED_TYPES: tuple[str, ...] = (
    "SavingsPlanCoveredUsage",
    "SavingsPlanRecurringFee",
    "SavingsPlanNegation",
    "SavingsPlanUpfrontFee",
    "DiscountedUsage",
    "RIFee",
)


def cur_amortized(c: Columns, lit: str, unblended: str, *, otherwise: str | None) -> str:
    """AWS Cloud Intelligence Dashboards' amortized cost of one CUR line item, as MONEY.

    A basis whose columns the file lacks (or leaves empty) falls back to the unblended cost.
    `otherwise` is the value of every other line item type (None: NULL, for the aggregate,
    which takes the summed unblended cost for those types instead of one value per row).
    """

    def unless_missing(expr: str | None) -> str:
        return f"COALESCE({expr}, {unblended})" if expr else unblended

    sp_effective = c.money("savings_plan_savings_plan_effective_cost")
    sp_commit = c.money("savings_plan_total_commitment_to_date")
    sp_used = c.money("savings_plan_used_commitment")
    ri_effective = c.money("reservation_effective_cost")
    ri_upfront = c.money("reservation_unused_amortized_upfront_fee_for_billing_period")
    ri_recurring = c.money("reservation_unused_recurring_fee")
    ri_arn = c.text("reservation_reservation_a_r_n", "reservation_reservation_arn")
    sp_fee = f"{sp_commit} - {sp_used}" if sp_commit and sp_used else None
    ri_fee = f"{ri_upfront} + {ri_recurring}" if ri_upfront and ri_recurring else None
    fee = (
        f"WHEN 'Fee' THEN CASE WHEN {ri_arn} IS NOT NULL THEN 0 ELSE {unblended} END "
        if ri_arn
        else ""
    )
    rest = f"ELSE {otherwise} " if otherwise else ""
    return (
        f"CAST(CASE {lit} "
        f"WHEN 'SavingsPlanCoveredUsage' THEN {unless_missing(sp_effective)} "
        f"WHEN 'SavingsPlanRecurringFee' THEN {unless_missing(sp_fee)} "
        f"WHEN 'SavingsPlanNegation' THEN 0 "
        f"WHEN 'SavingsPlanUpfrontFee' THEN 0 "
        f"WHEN 'DiscountedUsage' THEN {unless_missing(ri_effective)} "
        f"WHEN 'RIFee' THEN {unless_missing(ri_fee)} "
        f"{fee}{rest}END AS {MONEY})"
    )


def cur_amortized_types(c: Columns) -> tuple[str, ...]:
    has_arn = c.find("reservation_reservation_a_r_n", "reservation_reservation_arn") is not None
    return (*AMORTIZED_TYPES, "Fee") if has_arn else AMORTIZED_TYPES


def _focus_select(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None,
    period: str | None,
    tag_columns: Sequence[str],
) -> str:
    values = focus_values(group, period)
    source = group.scan(files) + only_aws(group)
    return _render(values, _tag_select(group, tag_columns), source)


def focus_values(group: FileGroup, period: str | None) -> dict[str, str | None]:
    """The normalized columns of a FOCUS row (see `NORMALIZED_COLUMNS`)."""
    c = Columns(group.columns)
    required(
        group,
        c,
        {
            "BilledCost": ("BilledCost",),
            "ChargePeriodStart": ("ChargePeriodStart",),
            "SubAccountId": ("SubAccountId", "BillingAccountId"),
        },
    )
    billed = c.money("BilledCost")
    effective = c.money("EffectiveCost")
    assert billed is not None
    category = coalesce(c.text("ChargeCategory"), literal("Usage"))
    status = c.text("CommitmentDiscountStatus")
    commitment_type = c.text("CommitmentDiscountType")
    line_item_type = category
    if status and commitment_type:
        # FOCUS has no line item type; usage a commitment covered maps to CUR's names
        line_item_type = (
            f"CASE WHEN {category} = 'Usage' AND {status} = 'Used' THEN "
            f"CASE WHEN lower({commitment_type}) LIKE '%savings%' "
            f"THEN 'SavingsPlanCoveredUsage' ELSE 'DiscountedUsage' END ELSE {category} END"
        )
    usage_date = c.day("ChargePeriodStart")
    billing_period = (
        literal(period)
        if period
        else coalesce(c.month("BillingPeriodStart"), f"strftime({usage_date}, '%Y-%m')")
    )
    return {
        "billing_period": billing_period,
        "usage_date": usage_date,
        "account_id": coalesce(c.account("SubAccountId"), c.account("BillingAccountId")),
        "account_name": coalesce(c.text("SubAccountName")),
        "resource_id": coalesce(c.text("ResourceId")),
        "service": coalesce(c.text("x_ServiceCode"), c.text("ServiceName")),
        "region": coalesce(c.text("RegionId")),
        "line_item_type": line_item_type,
        "unblended_cost": billed,
        "net_unblended_cost": billed,
        "amortized_cost": f"COALESCE({effective}, {billed})" if effective else billed,
        "invoice_id": coalesce(c.text("InvoiceId")),
        "currency": coalesce(c.text("BillingCurrency"), literal("USD")),
    }


CUR_REQUIRED: dict[str, tuple[str, ...]] = {
    "lineItem/UsageAccountId": ("line_item_usage_account_id",),
    "lineItem/LineItemType": ("line_item_line_item_type",),
    "lineItem/UnblendedCost": ("line_item_unblended_cost",),
    "lineItem/UsageStartDate": ("line_item_usage_start_date",),
}
