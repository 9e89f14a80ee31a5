"""Incremental re-allocation: after a rule change, allocate again only the daily rows the
change touches (`domain/allocation/changes.py`) and patch the period's summary.

The new summary is the old one, less the touched rows' part allocated under the old rules,
plus their part under the new rules. A full run also writes `summary_counts.parquet` (the
summary with each row's number of lines), and the patch carries the counts along, so a row
is dropped exactly when a full run would no longer have it: its count falls to zero (an amount
falling to zero is not enough; a full run keeps rows that sum to zero). The result is the full
run's summary, the same rows to the last 1E-10, written the same way.

Returns None when it cannot answer (the negotiated discounts changed, or the folder has no
counts from a full run): the caller then allocates in full.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyarrow as pa

from adapters.allocation.engine import (
    _ROW_ID,
    COUNTS_FILE,
    SUMMARY_FILE,
    AllocationError,
    AllocationResult,
    DuckDBAllocationEngine,
    _figures,
    _fsync,
)
from adapters.allocation.sql import (
    SUMMARY_COLUMNS,
    SUMMARY_ORDER,
    TOTAL,
    allocation_sql,
    literal,
    path_list,
    rule_tables,
    summary_sql,
)
from domain.allocation.changes import RuleChanges, rule_changes
from domain.allocation.rules import AllocationRules, CostBasis
from domain.spend.models import DailyCostSource

_KEYS = "dimension, budget_id, usage_date, account_id, service, line_item_type"


def _touched_rules(rules: AllocationRules, changes: RuleChanges) -> AllocationRules:
    """The rules the touched rows can meet: their accounts' splits, their claims."""
    accounts = set(changes.accounts) | {a for a, _ in changes.resources}
    return AllocationRules(
        [s for s in rules.splits if s.account_id in accounts],
        [
            c
            for c in rules.claims
            if c.account_id in changes.accounts
            or (c.account_id, c.resource_id) in changes.resources
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
            # hash joins on the small touched tables (one row per account, per resource):
            # no row is repeated, and a row is kept when either says its day is touched.
            # Read once into a table: both rule sets allocate the same rows.
            con.execute(
                f"""
                CREATE TEMP TABLE {touched_rows} AS
                SELECT {row_id} AS src_id, d.*
                FROM read_parquet({path_list(daily_paths)}) d
                LEFT JOIN touched_accounts_{token} t ON t.account_id = d.account_id
                LEFT JOIN touched_resources_{token} r
                       ON r.account_id = d.account_id AND r.resource_id = d.resource_id
                WHERE d.usage_date >= t.from_day OR d.usage_date >= r.from_day
                """
            )
            touched = f"{touched_rows} src"
            period = f"read_parquet({path_list(daily_paths)})"
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
            figures = _figures(con, daily_paths, basis, patched)
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
