"""Synthetic CUR 2.0 (Data Exports) parquet, generated inside DuckDB.

Every value is a hash of (seed, row number, salt), so a seed always gives the same rows and
10 million rows take seconds: no Python loop runs per row. The shape follows CUR 2.0: snake_case
columns, costs as DOUBLE, account ids as 12-digit text (some with leading zeros),
`resource_tags` / `product` / `cost_category` as MAP(VARCHAR, VARCHAR), and the Data Exports
layout `data/BILLING_PERIOD=YYYY-MM/part-N.parquet`. The invoice id is only set on finalized
months, as AWS does.

For a demo the spend can be shaped: usage can stop on a given day (`until`: the last month is
then partial), each account's monthly budget spend can be set (`monthly_spend`: the month's
rows of the account are scaled so that their unblended cost, credits and refunds aside, sums
to it) and single days can spike (`spikes`: an amount an account spends on a day, on top).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import duckdb

SERVICES: tuple[str, ...] = (
    "AmazonEC2",
    "AmazonEC2",
    "AmazonEC2",
    "AmazonRDS",
    "AmazonRDS",
    "AmazonS3",
    "AmazonS3",
    "AWSLambda",
    "AmazonDynamoDB",
    "AmazonCloudWatch",
    "AmazonEKS",
    "AmazonElastiCache",
    "AmazonVPC",
    "AWSGlue",
    "AmazonSNS",
    "AmazonSQS",
)
REGIONS: tuple[str, ...] = (
    "us-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
)
TEAMS: tuple[str, ...] = (
    "payments",
    "checkout",
    "search",
    "identity",
    "data-platform",
    "ml",
    "web",
    "mobile",
    "logistics",
    "billing",
    "security",
    "shared-services",
)
ENVIRONMENTS: tuple[str, ...] = ("prod", "staging", "dev", "sandbox", "test")
COST_CENTERS: tuple[str, ...] = tuple(f"CC{n:03d}" for n in range(1, 41))

# Line item types, each with its share (per mille) of the rows and, per cost column, its factor
# on the row's base cost. Usage dominates as in real bills; credits, refunds and discounts are
# negative; RI-covered usage has no unblended cost (the RIFee carries it).
# (type, per mille, unblended, net unblended, public on-demand, RI effective,
#  RI unused upfront, RI unused recurring, SP effective, SP commitment to date, SP used,
#  has a resource id, dated the 1st of the month)
_LINE_ITEM_TYPES: tuple[
    tuple[str, int, float, float, float, float, float, float, float, float, float, bool, bool], ...
] = (
    ("Usage", 800, 1.0, 0.97, 1.1, 0, 0, 0, 0, 0, 0, True, False),
    ("DiscountedUsage", 50, 0.0, 0.0, 1.1, 0.6, 0, 0, 0, 0, 0, True, False),
    ("SavingsPlanCoveredUsage", 70, 1.0, 0.97, 1.1, 0, 0, 0, 0.7, 0, 0, True, False),
    ("Tax", 15, 0.08, 0.08, 0, 0, 0, 0, 0, 0, 0, False, True),
    ("Credit", 10, -1.0, -1.0, 0, 0, 0, 0, 0, 0, 0, False, False),
    ("Refund", 5, -0.5, -0.5, 0, 0, 0, 0, 0, 0, 0, False, False),
    ("EdpDiscount", 40, -0.03, 0.0, 0, 0, 0, 0, 0, 0, 0, True, False),
    ("RIFee", 5, 10.0, 9.7, 0, 0, 0.5, 0.2, 0, 0, 0, False, True),
    ("SavingsPlanNegation", 3, -1.0, -0.97, 0, 0, 0, 0, 0, 0, 0, True, False),
    ("SavingsPlanRecurringFee", 2, 5.0, 4.85, 0, 0, 0, 0, 0, 5.0, 4.0, False, True),
)

_ACCOUNT_STRIDE = 738_219_475_321  # odd and not a multiple of 5: a bijection modulo 10**12


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _pick(values: tuple[str, ...], salt_sql: str) -> str:
    """SQL picking one of `values` by a hash: `values[1 + hash(...) % n]`."""
    return f"{_sql_list(values)}[(1 + hash({salt_sql}) % {len(values)})::BIGINT]"


def _month_starts(start: str, months: int) -> list[date]:
    year, month = (int(p) for p in start.split("-"))
    out = []
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _next_month(d: date) -> date:
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def generate_cur(
    out_dir: Path,
    *,
    rows: int,
    accounts: int,
    resources: int,
    months: int,
    seed: int = 42,
    start: str = "2026-01",
    final_months: int | None = None,
    rows_per_file: int = 2_000_000,
    threads: int | None = None,
    until: date | None = None,
    monthly_spend: Mapping[tuple[str, str], float] | None = None,
    spikes: Mapping[tuple[str, date], float] | None = None,
) -> list[Path]:
    """Write `rows` CUR 2.0 line items spread evenly over `months` months from `start`.

    `final_months` is how many of the first months carry an invoice id (finalized); by default
    every month but the last. Returns the parquet files written, in period and part order.
    `threads` bounds how many files are written at once (default: the CPU count).

    `until` is the last usage day (in the last month; default its last day): the last month
    then holds usage of its first days only, and the rows are spread over the days covered.
    `monthly_spend` maps (account id, 'YYYY-MM') to the budget spend the account shows that
    month (unblended, credits and refunds aside); `spikes` maps (account id, usage day) to an
    extra amount spent that day, on top of the month's spend.
    """
    if rows < 0 or accounts < 1 or resources < 1 or months < 1:
        raise ValueError("rows >= 0, accounts >= 1, resources >= 1 and months >= 1 are required")
    finals = months - 1 if final_months is None else final_months
    out_dir = Path(out_dir)
    starts = _month_starts(start, months)
    covered = [(_next_month(m) - m).days for m in starts]
    if until is not None:
        if not starts[-1] <= until < _next_month(starts[-1]):
            raise ValueError(f"until must fall in the last month, {starts[-1]:%Y-%m}")
        covered[-1] = until.day
    con = duckdb.connect()
    try:
        _create_dimensions(con, accounts=accounts, resources=resources, seed=seed)
        _create_line_item_types(con)
        shaped = monthly_spend is not None or spikes is not None
        if shaped:
            _create_shaping(con, monthly_spend or {}, spikes or {})
        payer_row = con.execute(
            "SELECT account_id FROM gen_accounts WHERE account_idx = 0"
        ).fetchone()
        assert payer_row is not None
        payer = str(payer_row[0])
        jobs: list[tuple[Path, str]] = []
        offset = 0
        for index, (month_start, month_rows) in enumerate(
            zip(starts, _rows_per_month(rows, covered, even=until is None), strict=True)
        ):
            days = covered[index]
            if shaped:
                _scale_month(
                    con,
                    first=offset,
                    last=offset + month_rows,
                    seed=seed,
                    resources=resources,
                    month_start=month_start,
                    days=days,
                )
            folder = out_dir / "data" / f"BILLING_PERIOD={month_start:%Y-%m}"
            folder.mkdir(parents=True, exist_ok=True)
            invoice = ""
            if index < finals:
                invoice = str(100_000_000 + _hash_int(con, seed, index) % 900_000_000)
            for part, lo in enumerate(range(0, max(month_rows, 1), rows_per_file)):
                sql = _rows_sql(
                    first=offset + lo,
                    last=offset + min(lo + rows_per_file, month_rows),
                    seed=seed,
                    resources=resources,
                    month_start=month_start,
                    payer=payer,
                    invoice=invoice,
                    days=days,
                    shaped=shaped,
                )
                jobs.append((folder / f"part-{part}.parquet", sql))
            offset += month_rows

        def write(job: tuple[Path, str]) -> Path:
            # One cursor per file: DuckDB's parquet writer keeps about one core busy, so files
            # are written side by side. Each file keeps insertion order, so bytes are stable.
            path, sql = job
            cursor = con.cursor()
            try:
                cursor.execute(f"COPY ({sql}) TO '{_q(path)}' (FORMAT parquet)")
            finally:
                cursor.close()
            return path

        workers = threads or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(write, jobs))
    finally:
        con.close()


def _rows_per_month(rows: int, covered: list[int], *, even: bool) -> list[int]:
    """The rows of each month: evenly, or in proportion to the days each covers."""
    weights = [1] * len(covered) if even else covered
    total = sum(weights)
    out = [rows * w // total for w in weights]
    for i in range(rows - sum(out)):
        out[i % len(out)] += 1
    return out


def account_ids(accounts: int, seed: int = 42) -> list[str]:
    """The usage account ids `generate_cur` gives `accounts` accounts with `seed`, in index
    order (so a caller can shape the spend of each)."""
    con = duckdb.connect()
    try:
        _create_dimensions(con, accounts=accounts, resources=1, seed=seed)
        rows = con.execute("SELECT account_id FROM gen_accounts ORDER BY account_idx").fetchall()
        return [str(r[0]) for r in rows]
    finally:
        con.close()


def _create_shaping(
    con: duckdb.DuckDBPyConnection,
    monthly_spend: Mapping[tuple[str, str], float],
    spikes: Mapping[tuple[str, date], float],
) -> None:
    """The wanted spend per account and month, the spikes, and (filled month by month) the
    factor that scales each account-month's rows to its wanted spend."""
    con.execute("CREATE TABLE gen_wanted (account_id VARCHAR, period VARCHAR, spend DOUBLE)")
    con.execute(
        "CREATE TABLE gen_spikes (account_id VARCHAR, day DATE, extra DOUBLE, factor DOUBLE)"
    )
    con.execute("CREATE TABLE gen_factors (account_id VARCHAR, period VARCHAR, factor DOUBLE)")
    if monthly_spend:
        con.executemany(
            "INSERT INTO gen_wanted VALUES (?, ?, ?)",
            [[a, p, float(v)] for (a, p), v in monthly_spend.items()],
        )
    if spikes:
        con.executemany(
            "INSERT INTO gen_spikes VALUES (?, ?, ?, 1.0)",
            [[a, d, float(v)] for (a, d), v in spikes.items()],
        )


def _scale_month(
    con: duckdb.DuckDBPyConnection,
    *,
    first: int,
    last: int,
    seed: int,
    resources: int,
    month_start: date,
    days: int,
) -> None:
    """One pass over a month's rows before they are written: the factor per account that makes
    its budget spend (unblended, credits and refunds aside) the wanted one, and the factor on a
    spike day's rows that adds the spike's amount."""
    costed = _costed_sql(
        first=first, last=last, seed=seed, resources=resources, month_start=month_start, days=days
    )
    period = f"{month_start:%Y-%m}"
    con.execute(
        f"""
        INSERT INTO gen_factors
        WITH {costed}, raw AS (
            SELECT account_id, SUM(base * f_unblended) AS spend
            FROM costed WHERE name NOT IN ('Credit', 'Refund') GROUP BY account_id
        )
        SELECT raw.account_id, '{period}', w.spend / raw.spend
        FROM raw JOIN gen_wanted w ON w.account_id = raw.account_id AND w.period = '{period}'
        WHERE raw.spend <> 0
        """
    )
    con.execute(
        f"""
        UPDATE gen_spikes SET factor = 1 + gen_spikes.extra / d.spend
        FROM (
            WITH {costed}
            SELECT c.account_id, CAST(c.usage_start AS DATE) AS day,
                   SUM(c.base * c.f_unblended * COALESCE(f.factor, 1.0)) AS spend
            FROM costed c
            LEFT JOIN gen_factors f ON f.account_id = c.account_id AND f.period = '{period}'
            WHERE c.name NOT IN ('Credit', 'Refund')
            GROUP BY ALL
        ) d
        WHERE d.account_id = gen_spikes.account_id AND d.day = gen_spikes.day AND d.spend > 0
        """
    )


def _q(path: Path) -> str:
    return str(path).replace("'", "''")


def _hash_int(con: duckdb.DuckDBPyConnection, seed: int, salt: int) -> int:
    row = con.execute("SELECT hash(?::BIGINT, ?::BIGINT, 'invoice')", [seed, salt]).fetchone()
    assert row is not None
    return int(row[0])


def _create_dimensions(
    con: duckdb.DuckDBPyConnection, *, accounts: int, resources: int, seed: int
) -> None:
    """Accounts and resources are small tables; line items join to them by index."""
    s = int(seed)
    con.execute(
        f"""
        CREATE TABLE gen_accounts AS
        SELECT a AS account_idx,
               lpad(((a * {_ACCOUNT_STRIDE} + hash({s}, 'acct-offset') % 100000000000)
                     % 1000000000000)::VARCHAR, 12, '0') AS account_id,
               {_pick(TEAMS, f"{s}, a, 'team'")} || '-'
                 || {_pick(ENVIRONMENTS, f"{s}, a, 'env'")}
                 || '-' || lpad(a::VARCHAR, 4, '0') AS account_name
        FROM range({int(accounts)}) t(a)
        """
    )
    services = _sql_list(SERVICES)
    regions = _sql_list(REGIONS)
    con.execute(
        f"""
        CREATE TABLE gen_resources AS
        WITH base AS (
            SELECT r AS resource_idx,
                   hash({s}, r, 'account') % {int(accounts)} AS account_idx,
                   {services}[(1 + hash({s}, r, 'service') % {len(SERVICES)})::BIGINT] AS service,
                   {regions}[(1 + hash({s}, r, 'region') % {len(REGIONS)})::BIGINT] AS region,
                   printf('%017x', hash({s}, r, 'rid')) AS hex,
                   -- a heavy-tailed cost scale per resource: few big spenders, many small
                   pow(10, (hash({s}, r, 'scale') % 1000000) / 1000000.0 * 4 - 3) AS scale,
                   hash({s}, r, 'tagged') % 100 AS tagged
            FROM range({int(resources)}) t(r)
        )
        SELECT b.resource_idx, b.account_idx, a.account_id, a.account_name, b.service,
               b.region, b.scale,
               CASE b.service
                 WHEN 'AmazonEC2' THEN 'i-' || b.hex
                 WHEN 'AmazonS3' THEN 'finops-' || a.account_id || '-bucket-' || b.resource_idx
                 WHEN 'AmazonRDS' THEN 'arn:aws:rds:' || b.region || ':' || a.account_id
                      || ':db:db-' || b.resource_idx
                 WHEN 'AWSLambda' THEN 'arn:aws:lambda:' || b.region || ':' || a.account_id
                      || ':function:fn-' || b.resource_idx
                 WHEN 'AmazonDynamoDB' THEN 'arn:aws:dynamodb:' || b.region || ':'
                      || a.account_id || ':table/table-' || b.resource_idx
                 ELSE 'arn:aws:' || lower(replace(b.service, 'Amazon', '')) || ':' || b.region
                      || ':' || a.account_id || ':resource/r-' || b.hex
               END AS resource_id,
               CASE
                 WHEN b.tagged < 20 THEN MAP {{}}::MAP(VARCHAR, VARCHAR)
                 WHEN b.tagged < 35 THEN MAP {{
                     'user_cost_center':
                         {_pick(COST_CENTERS, f"{s}, b.resource_idx, 'cc'")}}}
                 ELSE MAP {{
                     'user_cost_center':
                         {_pick(COST_CENTERS, f"{s}, b.resource_idx, 'cc'")},
                     'user_environment':
                         {_pick(ENVIRONMENTS, f"{s}, b.resource_idx, 'env'")},
                     'user_name': 'res-' || lpad(b.resource_idx::VARCHAR, 7, '0')}}
               END AS resource_tags,
               MAP {{'region': b.region, 'servicecode': b.service}} AS product
        FROM base b JOIN gen_accounts a USING (account_idx)
        """
    )


def _create_line_item_types(con: duckdb.DuckDBPyConnection) -> None:
    """gen_types maps k = hash % 1000 to a line item type and its cost factors."""
    assert sum(t[1] for t in _LINE_ITEM_TYPES) == 1000
    rows = []
    low = 0
    for name, share, *factors, has_resource, month_start in _LINE_ITEM_TYPES:
        values = ", ".join(f"{float(f)!r}::DOUBLE" for f in factors)
        rows.append(
            f"SELECT k, '{name}' AS name, {values}, {has_resource} AS has_resource, "
            f"{month_start} AS at_month_start FROM range({low}, {low + share}) t(k)"
        )
        low += share
    columns = "k, name, f_unblended, f_net, f_public, f_ri_effective, f_ri_unused_upfront, "
    columns += "f_ri_unused_recurring, f_sp_effective, f_sp_commitment, f_sp_used"
    con.execute(
        f"CREATE TABLE gen_types AS SELECT * FROM ({' UNION ALL '.join(rows)}) "
        f"t({columns}, has_resource, at_month_start)"
    )


def _costed_sql(
    *, first: int, last: int, seed: int, resources: int, month_start: date, days: int
) -> str:
    """The `li` and `costed` CTEs: each row's resource, line item type, day and base cost."""
    s = int(seed)
    month = f"TIMESTAMP '{month_start}'"
    return f"""
    li AS (
        -- rows come in hourly series, as in a real CUR: the 24 hours of one day of one
        -- resource's usage of one line item type share everything but the hour and the cost
        SELECT i,
               (hash({s}, i // 24, 'res') % {int(resources)})::BIGINT AS resource_idx,
               (hash({s}, i // 24, 'type') % 1000)::BIGINT AS k,
               hash({s}, i // 24, 'no-rid') % 100 < 8 AS no_rid,
               (hash({s}, i // 24, 'day') % {int(days)})::INTEGER AS day,
               (i % 24)::INTEGER AS hour,
               (hash({s}, i, 'u') % 1000000007) / 1000000007.0 AS u
        FROM range({int(first)}, {int(last)}) t(i)
    ), costed AS (
        SELECT li.i, li.u, li.day, t.*, r.account_id, r.account_name, r.service, r.region,
               r.resource_id, r.resource_tags, r.product,
               r.scale * (0.05 + li.u * li.u) AS base,
               CASE WHEN t.at_month_start THEN {month}
                    ELSE {month} + to_days(li.day) + to_hours(li.hour) END AS usage_start,
               t.has_resource AND NOT (t.name = 'Usage' AND li.no_rid) AS with_resource
        FROM li
        JOIN gen_types t USING (k)
        JOIN gen_resources r USING (resource_idx)
    )"""


def _rows_sql(
    *,
    first: int,
    last: int,
    seed: int,
    resources: int,
    month_start: date,
    invoice: str,
    payer: str,
    days: int,
    shaped: bool = False,
) -> str:
    s = int(seed)
    month = f"TIMESTAMP '{month_start}'"
    costed = _costed_sql(
        first=first, last=last, seed=seed, resources=resources, month_start=month_start, days=days
    )
    source = "costed"
    if shaped:
        # the account-month's factor, times the spike of the row's usage day
        source = f"""(
        SELECT c.* REPLACE (
                   c.base * COALESCE(f.factor, 1.0) * COALESCE(x.factor, 1.0) AS base)
        FROM costed c
        LEFT JOIN gen_factors f ON f.account_id = c.account_id AND f.period = '{month_start:%Y-%m}'
        LEFT JOIN gen_spikes x ON x.account_id = c.account_id
             AND x.day = CAST(c.usage_start AS DATE)
    )"""
    return f"""
    WITH {costed}
    SELECT
        printf('%016x', hash({s}, i, 'id')) AS identity_line_item_id,
        '{invoice}' AS bill_invoice_id,
        'AWS' AS bill_billing_entity,
        'Anniversary' AS bill_bill_type,
        '{payer}' AS bill_payer_account_id,
        {month} AS bill_billing_period_start_date,
        TIMESTAMP '{_next_month(month_start)}' AS bill_billing_period_end_date,
        account_id AS line_item_usage_account_id,
        account_name AS line_item_usage_account_name,
        name AS line_item_line_item_type,
        usage_start AS line_item_usage_start_date,
        usage_start + INTERVAL 1 HOUR AS line_item_usage_end_date,
        CASE WHEN name = 'Tax' THEN 'AWS' ELSE service END AS line_item_product_code,
        CASE WHEN with_resource THEN resource_id ELSE '' END AS line_item_resource_id,
        CASE WHEN name = 'Tax' THEN 'VAT' ELSE '' END AS line_item_tax_type,
        u * 100 AS line_item_usage_amount,
        'USD' AS line_item_currency_code,
        base * f_unblended AS line_item_unblended_cost,
        base * f_net AS line_item_net_unblended_cost,
        base * f_public AS pricing_public_on_demand_cost,
        base * f_ri_effective AS reservation_effective_cost,
        base * f_ri_unused_upfront AS reservation_unused_amortized_upfront_fee_for_billing_period,
        base * f_ri_unused_recurring AS reservation_unused_recurring_fee,
        base * f_sp_effective AS savings_plan_savings_plan_effective_cost,
        base * f_sp_commitment AS savings_plan_total_commitment_to_date,
        base * f_sp_used AS savings_plan_used_commitment,
        region AS product_region_code,
        product,
        CASE WHEN with_resource THEN resource_tags ELSE MAP {{}}::MAP(VARCHAR, VARCHAR) END
            AS resource_tags,
        MAP {{}}::MAP(VARCHAR, VARCHAR) AS cost_category
    FROM {source}
    """
