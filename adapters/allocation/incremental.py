"""Incremental re-allocation: after a rule change, allocate again only the daily rows the
change touches (`domain/allocation/changes.py`) and patch the period's summary.

The new summary is the old one, less the touched rows' part allocated under the old rules,
plus their part under the new rules. A full run also writes `summary_counts.parquet` (the
summary with each row's number of lines), and the patch carries the counts along, so a row
is dropped exactly when a full run would no longer have it: its count falls to zero (an amount
falling to zero is not enough; a full run keeps rows that sum to zero). The result is the full
run's summary, the same rows to the last 1E-10, written the same way.

What makes it cheap (a change is applied while a user waits for the dashboard to show it):
- the change is found by hashing the rules as tuples (`rule_changes`), and only the touched
  accounts' split lines and claims become rule tables;
- the touched rows are read with a filter on their accounts, which the parquet reader checks
  against each row group's bounds: the CUR store writes the daily aggregates sorted by account
  (`adapters/cur/summaries.py`), so a few row groups are read, not the period;
- the period's own sums (its spend and credits, whether it carries a CUR discount line), which
  no rule changes, are read once per daily file and remembered (`_period_sums`).

Returns None when it cannot answer (the negotiated discounts changed, or the folder has no
counts from a full run): the caller then allocates in full.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from adapters.allocation.engine import (
    _ROW_ID,
    COUNTS_FILE,
    SUMMARY_FILE,
    AllocationError,
    AllocationResult,
    DuckDBAllocationEngine,
    _fsync,
)
from adapters.allocation.sql import (
    SUMMARY_COLUMNS,
    SUMMARY_ORDER,
    TOTAL,
    allocation_sql,
    in_list,
    literal,
    path_list,
    rule_tables,
    summary_sql,
)
from domain.allocation.changes import RuleChanges, rule_changes
from domain.allocation.rules import (
    CUR_DISCOUNT_TYPES,
    EXCLUDED_TYPES,
    NEGOTIATED_DISCOUNT,
    AllocationRules,
    CostBasis,
)
from domain.spend.models import DailyCostSource

_KEYS = "dimension, budget_id, usage_date, account_id, service, line_item_type"


def _touched_rules(rules: AllocationRules, changes: RuleChanges) -> AllocationRules:
    """The rules the touched rows can meet: their accounts' splits, their claims. One set
    lookup per rule first (the touched accounts), the finer test on the few that pass."""
    accounts = set(changes.accounts) | {a for a, _ in changes.resources}
    whole, resources = changes.accounts, changes.resources
    return AllocationRules(
        [s for s in rules.splits if s.account_id in accounts],
        [
            c
            for c in [c for c in rules.claims if c.account_id in accounts]
            if c.account_id in whole or (c.account_id, c.resource_id) in resources
        ],
        rules.discounts,
    )


def reallocate(
    engine: DuckDBAllocationEngine,
    source: DailyCostSource,
    old: AllocationRules,
    new: AllocationRules,
    *,
    basis: CostBasis,
    out_dir: Path,
) -> AllocationResult | None:
    """Patch `out_dir`'s summary (allocated by `old`) to what `new` allocates; None when the
    change needs a full run. On any failure the files in `out_dir` are left as they were."""
    new.validate()
    basis = CostBasis(basis)
    counts = out_dir / COUNTS_FILE
    changes = rule_changes(old, new)
    if changes.full or not counts.is_file() or not source.daily_paths:
        return None
    daily_paths = sorted(source.daily_paths)
    token = uuid.uuid4().hex[:12]
    summary_tmp = out_dir / f".{SUMMARY_FILE}.{token}.tmp"
    counts_tmp = out_dir / f".{COUNTS_FILE}.{token}.tmp"
    tables = [f"part_old_{token}", f"part_new_{token}", f"patched_{token}"]
    touched_rows = f"touched_rows_{token}"
    try:
        with engine._connection(None) as con:
            sums = _period_sums(con, daily_paths, basis)
            con.register(
                f"touched_accounts_{token}",
                pa.table(
                    {
                        "account_id": pa.array(list(changes.accounts), pa.string()),
                        "from_day": pa.array(list(changes.accounts.values()), pa.date32()),
                    }
                ),
            )
            con.register(
                f"touched_resources_{token}",
                pa.table(
                    {
                        "account_id": pa.array([a for a, _ in changes.resources], pa.string()),
                        "resource_id": pa.array([r for _, r in changes.resources], pa.string()),
                        "from_day": pa.array(list(changes.resources.values()), pa.date32()),
                    }
                ),
            )
            row_id = _ROW_ID if engine._method == "window" else "CAST(0 AS BIGINT)"
            accounts = frozenset(changes.accounts) | {a for a, _ in changes.resources}
            # the account filter is a constant list, so the parquet reader skips every row
            # group whose account bounds miss it; the hash joins on the small touched tables
            # (one row per account, per resource) then keep a row when either says its day
            # is touched. Read once into a table: both rule sets allocate the same rows.
            con.execute(
                f"""
                CREATE TEMP TABLE {touched_rows} AS
                SELECT {row_id} AS src_id, d.*
                FROM read_parquet({path_list(daily_paths)}) d
                LEFT JOIN touched_accounts_{token} t ON t.account_id = d.account_id
                LEFT JOIN touched_resources_{token} r
                       ON r.account_id = d.account_id AND r.resource_id = d.resource_id
                WHERE d.account_id IN ({in_list(accounts) if accounts else "NULL"})
                  AND (d.usage_date >= t.from_day OR d.usage_date >= r.from_day)
                """
            )
            touched = f"{touched_rows} src"
            # whether the period carries a CUR discount line (then no negotiated discount
            # applies) is a property of the whole period: remembered, not read again
            period = (
                f"(SELECT {literal(sorted(CUR_DISCOUNT_TYPES)[0])} AS line_item_type "
                f"WHERE {'true' if sums.cur_discount else 'false'})"
            )
            for table, rules in zip(tables, (old, new), strict=False):
                for name, rule_table in rule_tables(_touched_rules(rules, changes)).items():
                    con.register(name, rule_table)
                sql = allocation_sql(
                    touched,
                    basis=basis,
                    with_discounts=bool(rules.discounts),
                    method=engine._method,
                    period_source=period,
                )
                lines = summary_sql(f"({sql}) lines", with_count=True)
                con.execute(f"CREATE TEMP TABLE {table} AS {lines}")
            old_part, new_part, patched = tables
            con.execute(
                f"""
                CREATE TEMP TABLE {patched} AS
                SELECT {_KEYS}, CAST(SUM(amount) AS {TOTAL}) AS amount,
                       CAST(SUM(line_count) AS BIGINT) AS line_count
                FROM (
                    SELECT {_KEYS}, amount, line_count FROM read_parquet({literal(str(counts))})
                    UNION ALL
                    SELECT {_KEYS}, -amount, -line_count FROM {old_part}
                    UNION ALL
                    SELECT {_KEYS}, amount, line_count FROM {new_part}
                ) patch
                GROUP BY {_KEYS}
                HAVING SUM(line_count) > 0
                """
            )
            con.execute(
                f"COPY (SELECT {', '.join(SUMMARY_COLUMNS)} FROM {patched} "
                f"ORDER BY {SUMMARY_ORDER}) TO {literal(str(summary_tmp))} (FORMAT parquet)"
            )
            con.execute(f"COPY {patched} TO {literal(str(counts_tmp))} (FORMAT parquet)")
            figures = _figures(con, patched, sums)
            for table in (*tables, touched_rows):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        result = AllocationResult(
            period=source.period,
            basis=basis,
            path=None,
            summary_path=out_dir / SUMMARY_FILE,
            **figures,
        )
        if result.allocated + result.unallocated != result.total:
            raise AllocationError(
                f"incremental allocation of {source.period} does not conserve spend"
            )
        for tmp in (summary_tmp, counts_tmp):
            _fsync(tmp)
        os.replace(summary_tmp, result.summary_path)
        os.replace(counts_tmp, counts)
        _fsync(out_dir)
        return result
    finally:
        for tmp in (summary_tmp, counts_tmp):
            tmp.unlink(missing_ok=True)


class _PeriodSums:
    """What no rule change alters: the period's budget spend and excluded credits (summed
    from the daily files), and whether it carries a CUR discount line."""

    __slots__ = ("cur_discount", "excluded", "spend")

    def __init__(self, spend: Decimal, excluded: Decimal, cur_discount: bool) -> None:
        self.spend = spend
        self.excluded = excluded
        self.cur_discount = cur_discount


# by daily files (path, inode, size, mtime) and basis: a new delivery writes new files
_SUMS: OrderedDict[tuple[Any, ...], _PeriodSums] = OrderedDict()
_SUMS_LOCK = threading.Lock()
_SUMS_KEPT = 64


def _period_sums(
    con: duckdb.DuckDBPyConnection, daily_paths: list[str], basis: CostBasis
) -> _PeriodSums:
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
    sums = _PeriodSums(Decimal(row[0]), Decimal(row[1]), bool(row[2]))
    with _SUMS_LOCK:
        _SUMS[key] = sums
        while len(_SUMS) > _SUMS_KEPT:
            _SUMS.popitem(last=False)
    return sums


def _figures(con: duckdb.DuckDBPyConnection, summary: str, sums: _PeriodSums) -> dict[str, Any]:
    """The run's totals from `summary` (the patched rows with their numbers of lines) and the
    period's sums: the total is the daily files' spend plus the discount lines the run added,
    so the conservation check compares independent sums, as a full run's does."""
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
    allocated, unallocated, negotiated = (Decimal(v) for v in row[:3])
    return {
        "total": sums.spend + negotiated,
        "allocated": allocated,
        "unallocated": unallocated,
        "excluded": sums.excluded,
        "negotiated_discount": negotiated,
        "rows": int(row[3]),
    }
