"""What an allocation run leaves behind: its file names, its result and the figures it is checked
by (computed the same way by the full run and the incremental patch), and the flush that makes
the files durable before they are renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from adapters.allocation.sql import TOTAL, literal, path_list
from domain.allocation.rules import EXCLUDED_TYPES, NEGOTIATED_DISCOUNT, CostBasis

ALLOCATED_FILE = "allocated.parquet"
SUMMARY_FILE = "summary.parquet"
# the summary with each row's number of lines: what an incremental run patches
COUNTS_FILE = "summary_counts.parquet"


class AllocationError(RuntimeError):
    """The engine broke its own invariant (allocated + unallocated != total): a bug, not input."""


@dataclass(frozen=True)
class AllocationResult:
    """What one allocation run wrote, and its totals (exact Decimals at 1E-10).

    `total` is the period's budget spend (every daily row but credits and refunds, negotiated
    discount included) and equals `allocated + unallocated` exactly; `excluded` is the credits
    and refunds left out; `negotiated_discount` the (negative) discount lines added; `rows` the
    number of allocated lines (written to `path` when the run kept them). `path` is the
    `allocated.parquet` of the lines, None when the run did not keep them; `summary_path` the
    `summary.parquet` that `spend` reads.
    """

    period: str
    basis: CostBasis
    total: Decimal
    allocated: Decimal
    unallocated: Decimal
    excluded: Decimal
    negotiated_discount: Decimal
    rows: int
    path: Path | None
    summary_path: Path


def _figures(
    con: duckdb.DuckDBPyConnection,
    daily_paths: Sequence[str],
    basis: CostBasis,
    summary: str,
) -> dict[str, Any]:
    """The run's totals from `summary` (a table of the summary's rows with their numbers of
    lines). The total is summed straight from the daily files (plus the
    negotiated discount lines the run added), so the conservation check compares independent
    sums."""
    excluded = ", ".join(literal(t) for t in sorted(EXCLUDED_TYPES))
    cost = f"CAST({basis.column} AS {TOTAL})"
    row = con.execute(
        f"""
        WITH lines AS (
            SELECT SUM(amount) FILTER (WHERE budget_id IS NOT NULL) AS allocated,
                   SUM(line_count) AS n,
                   SUM(amount) FILTER (WHERE budget_id IS NULL) AS unallocated,
                   SUM(amount) FILTER (WHERE line_item_type = ?) AS negotiated
            FROM {summary}
            WHERE dimension = 'type'
        ),
        costs AS (
            SELECT SUM({cost}) FILTER (WHERE COALESCE(line_item_type, '') NOT IN ({excluded}))
                       AS spend,
                   SUM({cost}) FILTER (WHERE line_item_type IN ({excluded})) AS excluded
            FROM read_parquet({path_list(daily_paths)})
        ),
        SELECT CAST(COALESCE(allocated, 0) AS {TOTAL}), CAST(COALESCE(unallocated, 0) AS {TOTAL}),
               CAST(COALESCE(negotiated, 0) AS {TOTAL}), CAST(COALESCE(spend, 0) AS {TOTAL}),
               CAST(COALESCE(excluded, 0) AS {TOTAL}), COALESCE(n, 0)
        FROM lines, costs
        """,
        [NEGOTIATED_DISCOUNT],
    ).fetchone()
    assert row is not None
    allocated_sum, unallocated_sum, negotiated, spend, excluded_sum = (Decimal(v) for v in row[:5])
    return {
        "total": spend + negotiated,
        "allocated": allocated_sum,
        "unallocated": unallocated_sum,
        "excluded": excluded_sum,
        "negotiated_discount": negotiated,
        "rows": int(row[5]),
    }


def _summary_path(path: Path) -> Path:
    folder = path.parent if path.suffix == ".parquet" else path
    return folder / SUMMARY_FILE


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
