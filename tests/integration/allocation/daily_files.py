"""Daily cost files for engine tests: reference rows written in the CUR store's daily schema."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from domain.allocation.reference import AllocatedLine, CostRow
from domain.spend.models import DailyCostSource

PERIOD = "2026-03"
MONEY = pa.decimal128(20, 10)
DAILY_SCHEMA = pa.schema(
    [
        ("billing_period", pa.string()),
        ("usage_date", pa.date32()),
        ("account_id", pa.string()),
        ("resource_id", pa.string()),
        ("service", pa.string()),
        ("line_item_type", pa.string()),
        ("unblended_cost", MONEY),
        ("net_unblended_cost", MONEY),
        ("amortized_cost", MONEY),
        ("line_items", pa.int64()),
    ]
)

Line = tuple[object, ...]


def write_daily(path: Path, rows: Sequence[CostRow], *, period: str = PERIOD) -> Path:
    table = pa.table(
        {
            "billing_period": [period] * len(rows),
            "usage_date": [r.usage_date for r in rows],
            "account_id": [r.account_id for r in rows],
            "resource_id": [r.resource_id for r in rows],
            "service": [r.service for r in rows],
            "line_item_type": [r.line_item_type for r in rows],
            "unblended_cost": [r.unblended_cost for r in rows],
            "net_unblended_cost": [r.net_unblended_cost for r in rows],
            "amortized_cost": [r.amortized_cost for r in rows],
            "line_items": [1] * len(rows),
        },
        schema=DAILY_SCHEMA,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def daily_source(
    folder: Path, rows: Sequence[CostRow], *, files: int = 1, period: str = PERIOD
) -> DailyCostSource:
    """The rows written round-robin into `files` daily files."""
    paths = tuple(
        str(write_daily(folder / f"daily-{i}.parquet", rows[i::files], period=period))
        for i in range(files)
    )
    return DailyCostSource(period=period, daily_paths=paths, line_item_paths=())


def as_line(line: AllocatedLine) -> Line:
    return (
        line.usage_date,
        line.account_id,
        line.resource_id,
        line.service,
        line.line_item_type,
        line.budget_id,
        line.workload_id,
        line.amount,
    )


def read_lines(path: Path) -> list[Line]:
    """The allocated lines of an engine run, in file order."""
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT usage_date, account_id, resource_id, service, line_item_type, budget_id, "
            f"workload_id, amount FROM read_parquet('{path}')"
        ).fetchall()
    finally:
        con.close()
    return [tuple(r) for r in rows]


def multiset(lines: Sequence[Line]) -> Counter[Line]:
    # Decimal('1.50') and Decimal('1.5') hash alike, so amounts compare by value
    return Counter(lines)


def total(lines: Sequence[Line]) -> Decimal:
    return sum((Decimal(str(line[-1])) for line in lines), Decimal(0))
