"""The synthetic CUR's small DuckDB tables: accounts and resources (`gen_accounts`,
`gen_resources`), the line item types with their cost factors (`gen_types`), and the shaping
tables of a demo (`gen_wanted`, `gen_spikes`, `gen_factors`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

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
LINE_ITEM_TYPES: tuple[
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

ACCOUNT_STRIDE = 738_219_475_321  # odd and not a multiple of 5: a bijection modulo 10**12


def sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def pick(values: tuple[str, ...], salt_sql: str) -> str:
    """SQL picking one of `values` by a hash: `values[1 + hash(...) % n]`."""
    return f"{sql_list(values)}[(1 + hash({salt_sql}) % {len(values)})::BIGINT]"


def create_shaping(
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


def create_dimensions(
    con: duckdb.DuckDBPyConnection, *, accounts: int, resources: int, seed: int
) -> None:
    """Accounts and resources are small tables; line items join to them by index."""
    s = int(seed)
    con.execute(
        f"""
        CREATE TABLE gen_accounts AS
        SELECT a AS account_idx,
               lpad(((a * {ACCOUNT_STRIDE} + hash({s}, 'acct-offset') % 100000000000)
                     % 1000000000000)::VARCHAR, 12, '0') AS account_id,
               {pick(TEAMS, f"{s}, a, 'team'")} || '-'
                 || {pick(ENVIRONMENTS, f"{s}, a, 'env'")}
                 || '-' || lpad(a::VARCHAR, 4, '0') AS account_name
        FROM range({int(accounts)}) t(a)
        """
    )
    services = sql_list(SERVICES)
    regions = sql_list(REGIONS)
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
                         {pick(COST_CENTERS, f"{s}, b.resource_idx, 'cc'")}}}
                 ELSE MAP {{
                     'user_cost_center':
                         {pick(COST_CENTERS, f"{s}, b.resource_idx, 'cc'")},
                     'user_environment':
                         {pick(ENVIRONMENTS, f"{s}, b.resource_idx, 'env'")},
                     'user_name': 'res-' || lpad(b.resource_idx::VARCHAR, 7, '0')}}
               END AS resource_tags,
               MAP {{'region': b.region, 'servicecode': b.service}} AS product
        FROM base b JOIN gen_accounts a USING (account_idx)
        """
    )


def create_line_item_types(con: duckdb.DuckDBPyConnection) -> None:
    """gen_types maps k = hash % 1000 to a line item type and its cost factors."""
    assert sum(t[1] for t in LINE_ITEM_TYPES) == 1000
    rows = []
    low = 0
    for name, share, *factors, has_resource, month_start in LINE_ITEM_TYPES:
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
