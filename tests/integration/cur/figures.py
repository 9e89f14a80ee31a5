"""What the CUR store tests compare: the raw CUR's figures, a store's periods and files, and a
period's daily sums."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from adapters.cur.store import CurStore
from domain.spend.models import BillingPeriod

PERIODS = ["2026-01", "2026-02", "2026-03"]


def raw_figures(source: Path) -> dict[str, tuple[int, Decimal, tuple[str, ...]]]:
    """Rows, exact unblended total and invoice ids per period, straight from the raw parquet."""
    con = duckdb.connect()
    rows = con.execute(
        f"""
        SELECT strftime(bill_billing_period_start_date, '%Y-%m'), count(*),
               sum(line_item_unblended_cost::DECIMAL(20,10)),
               list_sort(list(DISTINCT bill_invoice_id) FILTER (WHERE bill_invoice_id <> ''))
        FROM read_parquet('{source}/data/*/*.parquet', hive_partitioning = false)
        GROUP BY 1
        """
    ).fetchall()
    return {r[0]: (r[1], r[2], tuple(r[3] or ())) for r in rows}


def comparable(periods: list[BillingPeriod]) -> list[tuple[object, ...]]:
    return [
        (p.period, p.finalized, p.invoice_ids, p.rows, p.total_unblended_cost, p.currency, p.format)
        for p in periods
    ]


def store_files(store_dir: Path) -> set[str]:
    return {str(p.relative_to(store_dir)) for p in store_dir.rglob("*") if p.is_file()}


def daily_sums(store: CurStore, period: str) -> tuple[Decimal, Decimal, Decimal, int]:
    source = store.daily_costs(period)
    row = duckdb.execute(
        "SELECT sum(unblended_cost), sum(net_unblended_cost), sum(amortized_cost), "
        f"sum(line_items) FROM read_parquet({list(source.daily_paths)})"
    ).fetchone()
    assert row is not None
    return row[0], row[1], row[2], row[3]
