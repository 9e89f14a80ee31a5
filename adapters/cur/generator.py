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

from adapters.cur.generator_rows import next_month, rows_sql, scale_month
from adapters.cur.generator_tables import (
    create_dimensions,
    create_line_item_types,
    create_shaping,
)


def _month_starts(start: str, months: int) -> list[date]:
    year, month = (int(p) for p in start.split("-"))
    out = []
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


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
    covered = [(next_month(m) - m).days for m in starts]
    if until is not None:
        if not starts[-1] <= until < next_month(starts[-1]):
            raise ValueError(f"until must fall in the last month, {starts[-1]:%Y-%m}")
        covered[-1] = until.day
    con = duckdb.connect()
    try:
        create_dimensions(con, accounts=accounts, resources=resources, seed=seed)
        create_line_item_types(con)
        shaped = monthly_spend is not None or spikes is not None
        if shaped:
            create_shaping(con, monthly_spend or {}, spikes or {})
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
                scale_month(
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
                sql = rows_sql(
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
        create_dimensions(con, accounts=accounts, resources=1, seed=seed)
        rows = con.execute("SELECT account_id FROM gen_accounts ORDER BY account_idx").fetchall()
        return [str(r[0]) for r in rows]
    finally:
        con.close()


def _q(path: Path) -> str:
    return str(path).replace("'", "''")


def _hash_int(con: duckdb.DuckDBPyConnection, seed: int, salt: int) -> int:
    row = con.execute("SELECT hash(?::BIGINT, ?::BIGINT, 'invoice')", [seed, salt]).fetchone()
    assert row is not None
    return int(row[0])
