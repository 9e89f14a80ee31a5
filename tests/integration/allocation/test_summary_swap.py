"""A read of the allocated summary while a full run or a compaction swaps its files: the
answer comes from one base and the delta made for it, never the old delta over the new base,
and a delta removed under the read is read again, not an error (`read_consistently`)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from adapters.allocation.summary_files import delta_path, read_consistently
from domain.errors import Unavailable

ROW = (
    "SELECT 'type' AS dimension, {budget} AS budget_id, DATE '2026-03-01' AS usage_date, "
    "NULL::VARCHAR AS account_id, NULL::VARCHAR AS service, 'Usage' AS line_item_type, "
    "CAST({amount} AS DECIMAL(38, 10)) AS amount"
)


def write(path: Path, rows: list[tuple[int, str]], *, count: int | None = None) -> None:
    sql = " UNION ALL ".join(ROW.format(budget=b, amount=a) for b, a in rows)
    if count is not None:
        sql = f"SELECT *, {count} AS line_count FROM ({sql})"
    tmp = path.with_suffix(".tmp")
    duckdb.sql(f"COPY ({sql}) TO '{tmp}' (FORMAT parquet)")
    os.replace(tmp, path)  # as the engine swaps files: a new inode


def total(rows: str) -> Decimal:
    ((amount,),) = duckdb.sql(f"SELECT SUM(amount) FROM {rows}").fetchall()
    return Decimal(amount)


def test_the_old_delta_is_never_read_over_a_new_base(tmp_path: Path) -> None:
    summary = tmp_path / "summary.parquet"
    write(summary, [(1, "100"), (2, "50")])
    old_delta = delta_path(summary)
    assert old_delta is not None
    write(old_delta, [(1, "70")], count=3)  # an incremental change: budget 1 now 70
    assert read_consistently([summary], total) == Decimal("120")
    calls: list[Decimal] = []

    def read_during_a_full_run(rows: str) -> Decimal:
        if not calls:
            # the query named the old base and delta; a full run replaces the base (budget 2
            # now 10) before DuckDB opens the files, and has not yet removed the old delta
            write(summary, [(1, "100"), (2, "10")])
        calls.append(total(rows))
        return calls[-1]

    answer = read_consistently([summary], read_during_a_full_run)
    # the first read mixed the old delta (70) with the new base (10): 80, from no run at all
    assert calls[0] == Decimal("80")
    assert answer == Decimal("110")  # the new base alone: the old delta is not its delta
    assert len(calls) == 2


def test_a_delta_removed_under_the_read_is_read_again(tmp_path: Path) -> None:
    summary = tmp_path / "summary.parquet"
    write(summary, [(1, "100")])
    delta = delta_path(summary)
    assert delta is not None
    write(delta, [(1, "40")], count=1)
    attempts: list[str] = []

    def read_during_a_compaction(rows: str) -> Decimal:
        attempts.append(rows)
        if len(attempts) == 1:
            write(summary, [(1, "40")])  # the compacted base
            delta.unlink()  # and its delta dropped, after the query named it
        return total(rows)

    assert read_consistently([summary], read_during_a_compaction) == Decimal("40")
    assert len(attempts) == 2
    assert "summary_delta_" in attempts[0]
    assert "summary_delta_" not in attempts[1]


def test_a_missing_file_that_did_not_move_is_still_an_error(tmp_path: Path) -> None:
    summary = tmp_path / "summary.parquet"
    write(summary, [(1, "100")])
    absent = str(tmp_path / "absent.parquet")
    with pytest.raises(duckdb.IOException):
        read_consistently([summary], lambda rows: total(rows.replace(str(summary), absent)))


def test_files_that_keep_moving_answer_unavailable(tmp_path: Path) -> None:
    summary = tmp_path / "summary.parquet"
    write(summary, [(1, "100")])
    rewrites = iter(range(1, 100))

    def read_while_rewritten(rows: str) -> Decimal:
        write(summary, [(1, str(next(rewrites)))])
        return total(rows)

    with pytest.raises(Unavailable, match="being rewritten"):
        read_consistently([summary], read_while_rewritten)
