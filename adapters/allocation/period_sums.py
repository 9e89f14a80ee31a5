"""What an incremental re-allocation needs of the whole period besides the touched rows:
the sums no rule change alters (kept per set of daily files), and the run's figures (kept per
summary state: a change adds its own to its state's)."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from adapters.allocation.sql import TOTAL, in_list, path_list
from domain.allocation.rules import (
    CUR_DISCOUNT_TYPES,
    EXCLUDED_TYPES,
    NEGOTIATED_DISCOUNT,
    CostBasis,
)


class PeriodSums:
    """What no rule change alters: the period's budget spend and excluded credits (summed
    from the daily files), and whether it carries a CUR discount line."""

    __slots__ = ("cur_discount", "excluded", "spend")

    def __init__(self, spend: Decimal, excluded: Decimal, cur_discount: bool) -> None:
        self.spend = spend
        self.excluded = excluded
        self.cur_discount = cur_discount


# by daily files (path, inode, size, mtime) and basis: a new delivery writes new files
_SUMS: OrderedDict[tuple[Any, ...], PeriodSums] = OrderedDict()
_SUMS_LOCK = threading.Lock()
_SUMS_KEPT = 64


def period_sums(
    con: duckdb.DuckDBPyConnection, daily_paths: list[str], basis: CostBasis
) -> PeriodSums:
    stats = []
    for path in daily_paths:
        st = os.stat(path)
        stats.append((path, st.st_ino, st.st_size, st.st_mtime_ns))
    key = (basis.value, *stats)
    with _SUMS_LOCK:
        if key in _SUMS:
            _SUMS.move_to_end(key)
            return _SUMS[key]
    cost = f"CAST({basis.column} AS {TOTAL})"
    excluded = in_list(EXCLUDED_TYPES)
    row = con.execute(
        f"""
        SELECT CAST(COALESCE(SUM({cost}) FILTER (
                   WHERE COALESCE(line_item_type, '') NOT IN ({excluded})), 0) AS {TOTAL}),
               CAST(COALESCE(SUM({cost}) FILTER (
                   WHERE line_item_type IN ({excluded})), 0) AS {TOTAL}),
               COALESCE(bool_or(line_item_type IN ({in_list(CUR_DISCOUNT_TYPES)})), false)
        FROM read_parquet({path_list(daily_paths)})
        """
    ).fetchall()[0]
    sums = PeriodSums(Decimal(row[0]), Decimal(row[1]), bool(row[2]))
    with _SUMS_LOCK:
        _SUMS[key] = sums
        while len(_SUMS) > _SUMS_KEPT:
            _SUMS.popitem(last=False)
    return sums


class Figures(NamedTuple):
    """What the summary's `type` rows sum to: the allocated and unallocated spend, the
    negotiated discount lines, the number of lines."""

    allocated: Decimal
    unallocated: Decimal
    negotiated: Decimal
    rows: int

    def plus(self, change: Figures) -> Figures:
        return Figures(
            self.allocated + change.allocated,
            self.unallocated + change.unallocated,
            self.negotiated + change.negotiated,
            self.rows + change.rows,
        )


def summed_figures(con: duckdb.DuckDBPyConnection, summary: str) -> Figures:
    """`summary`'s figures (a relation of summary rows with `line_count`)."""
    row = con.execute(
        f"""
        SELECT CAST(COALESCE(SUM(amount) FILTER (WHERE budget_id IS NOT NULL), 0) AS {TOTAL}),
               CAST(COALESCE(SUM(amount) FILTER (WHERE budget_id IS NULL), 0) AS {TOTAL}),
               CAST(COALESCE(SUM(amount) FILTER (WHERE line_item_type = ?), 0) AS {TOTAL}),
               COALESCE(SUM(line_count), 0)
        FROM {summary}
        WHERE dimension = 'type'
        """,
        [NEGOTIATED_DISCOUNT],
    ).fetchall()[0]
    return Figures(Decimal(row[0]), Decimal(row[1]), Decimal(row[2]), int(row[3]))


def result_fields(figures: Figures, sums: PeriodSums) -> dict[str, Any]:
    """The run's totals (`AllocationResult`'s fields) from the summary's figures and the
    period's sums: the total is the daily files' spend plus the discount lines the run added,
    so the conservation check compares independent sums, as a full run's does."""
    return {
        "total": sums.spend + figures.negotiated,
        "allocated": figures.allocated,
        "unallocated": figures.unallocated,
        "excluded": sums.excluded,
        "negotiated_discount": figures.negotiated,
        "rows": figures.rows,
    }


# the figures of a summary as it stands, by its files (counts and delta: path, inode, size,
# mtime): a change's figures are then its state's plus the change's, not a sum over the period
_FIGURES: OrderedDict[tuple[Any, ...], Figures] = OrderedDict()
_FIGURES_LOCK = threading.Lock()


def summary_state(counts: Path, delta: Path | None) -> tuple[Any, ...]:
    """Which files a summary stands in (a delta's name follows its base's size and mtime)."""
    state: list[Any] = []
    for path in (counts, delta):
        if path is None:
            state.append(None)
        else:
            st = os.stat(path)
            state.append((str(path), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(state)


def known_figures(state: tuple[Any, ...]) -> Figures | None:
    with _FIGURES_LOCK:
        return _FIGURES.get(state)


def remember_figures(state: tuple[Any, ...], figures: Figures) -> None:
    with _FIGURES_LOCK:
        _FIGURES[state] = figures
        _FIGURES.move_to_end(state)
        while len(_FIGURES) > _SUMS_KEPT:
            _FIGURES.popitem(last=False)
