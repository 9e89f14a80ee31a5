"""What each account adds to each invoice of a period (the month close's accounts-payable
input), read back from the store, and the fallback for a period materialized before the store
kept `invoices.parquet`."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from adapters.cur.generator import generate_cur
from adapters.cur.store import CurStore


def raw_totals(folder) -> dict[tuple[str, str], Decimal]:
    con = duckdb.connect()
    try:
        found = con.execute(
            f"""
            SELECT bill_invoice_id, line_item_usage_account_id,
                   SUM(CAST(line_item_unblended_cost AS DECIMAL(20,10)))
            FROM read_parquet('{folder}/**/*.parquet', union_by_name=true)
            WHERE strftime(bill_billing_period_start_date, '%Y-%m') = '2026-03'
            GROUP BY ALL
            """
        ).fetchall()
    finally:
        con.close()
    return {(i, a): Decimal(t) for i, a, t in found}


def test_invoice_amounts_match_the_raw_cur_with_and_without_the_file(tmp_path):
    cur = tmp_path / "cur"
    generate_cur(cur, rows=2_000, accounts=3, resources=10, months=2, start="2026-03", seed=3)
    with CurStore(tmp_path / "store") as store:
        store.refresh(str(cur))
        found = store.invoice_amounts("2026-03")
        expected = raw_totals(cur)
        assert {(i, a): x for i, a, _, x in found} == expected
        assert {c for *_, c, _ in found} == {"USD"}
        for path in (tmp_path / "store").rglob("invoices.parquet"):
            if "2026-03" in str(path):
                path.unlink()
        again = store.invoice_amounts("2026-03")
        assert sorted((i, a, x) for i, a, _, x in again) == sorted(
            (i, a, x) for (i, a), x in expected.items()
        )
