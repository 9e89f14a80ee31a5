"""The synthetic CUR's line items as DuckDB SQL: each row's resource, type, day and base cost
(`costed_sql`), the CUR 2.0 columns (`rows_sql`), and the per-month pass that scales a demo's
accounts to their wanted spend and adds its spikes (`scale_month`)."""

from __future__ import annotations

from datetime import date

import duckdb


def next_month(d: date) -> date:
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def scale_month(
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
    costed = costed_sql(
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


def costed_sql(
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


def rows_sql(
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
    costed = costed_sql(
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
        TIMESTAMP '{next_month(month_start)}' AS bill_billing_period_end_date,
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
