"""Incremental re-allocation: after a rule change, allocate again only the daily rows the
change touches (`domain/allocation/changes.py`) and patch the period's summary.

The new summary is the old one, less the touched rows' part allocated under the old rules,
plus their part under the new rules. A full run also writes `summary_counts.parquet` (the
summary with each row's number of lines), and the patch carries the counts along, so a row
is dropped exactly when a full run would no longer have it: its count falls to zero (an amount
falling to zero is not enough; a full run keeps rows that sum to zero). The result is the full
run's summary, the same rows to the last 1E-10, written the same way.

What makes it cheap (a change is applied while a user waits for the dashboard to show it):
- the change is found by hashing the rules, named tuples (`rule_changes`), and only the
  touched accounts' split lines and claims become rule tables, looked up in the rules' index
  by account (kept with the applied set, carried over to the new one);
- the touched rows are read with a filter on their accounts, which the parquet reader checks
  against each row group's bounds: the CUR store writes the daily aggregates sorted by account
  (`adapters/cur/summaries.py`), so a few row groups are read, not the period; and only the
  columns the allocation reads;
- the old and the new rules allocate them in one statement, their lines counted -1 and +1 and
  summed by summary row in one aggregate (`_diff_sql`): with a few thousand lines, planning and
  each operator's fixed cost are most of the time;
- the base's rows are looked up in the counts table the engine kept when it wrote them
  (`kept_counts.py`), else in the file;
- the period's own sums (its spend and credits, whether it carries a CUR discount line), which
  no rule changes, are read once per daily file and remembered (`period_sums`);
- the run's figures are the summary state's (remembered after the full run and each change)
  plus the change's own, summed from the difference, not from the period's summary.

Returns None when it cannot answer (the negotiated discounts changed, or the folder has no
counts from a full run): the caller then allocates in full.
"""

from __future__ import annotations

import os
import uuid
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
from adapters.allocation.period_sums import (
    Figures,
    known_figures,
    period_sums,
    remember_figures,
    result_fields,
    summary_state,
    summed_figures,
)
from adapters.allocation.sql import (
    OUTPUT_COLUMNS,
    SUMMARY_COLUMNS,
    SUMMARY_ORDER,
    TOTAL,
    allocation_sql,
    in_list,
    literal,
    path_list,
    rule_tables,
)
from adapters.allocation.summary_files import (
    current_delta,
    delta_path,
    key_match,
    merged,
    remove_deltas,
)
from domain.allocation.changes import RuleChanges, rule_changes
from domain.allocation.rules import (
    CUR_DISCOUNT_TYPES,
    AllocationRules,
    CostBasis,
)
from domain.spend.models import DailyCostSource

_KEYS = "dimension, budget_id, usage_date, account_id, service, line_item_type"
_COUNT_COLUMNS = (*SUMMARY_COLUMNS, "line_count")
# the delta is compacted into the base when it holds more rows than this share of the base's
# (reading it at every dashboard query costs more than it saves), and this many at least
COMPACT_SHARE = 0.1
COMPACT_MIN_ROWS = 5_000


def _touched_rules(rules: AllocationRules, changes: RuleChanges) -> AllocationRules:
    """The rules the touched rows can meet: their accounts' splits, their claims (from the
    rules' index by account, kept with the applied set and carried over to the new one)."""
    index = rules.by_account()
    accounts = set(changes.accounts) | {a for a, _ in changes.resources}
    whole, resources = changes.accounts, changes.resources
    touched = [index[a] for a in accounts if a in index]
    return AllocationRules(
        [s for entry in touched for s in entry.splits],
        [
            c
            for entry in touched
            for c in entry.claims
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
    delta_tmp = out_dir / f".summary_delta.{token}.tmp"
    summary = out_dir / SUMMARY_FILE
    diff = f"diff_{token}"
    touched_rows = f"touched_rows_{token}"
    try:
        # every table is the cursor's (temporary): they go with it, closed on leaving the block
        with engine._connection(None) as con:
            sums = period_sums(con, daily_paths, basis)
            # one row per touched account (no resource) and per touched resource
            whole, resources = changes.accounts, changes.resources
            con.register(
                f"touched_{token}",
                pa.table(
                    {
                        "account_id": pa.array([*whole, *(a for a, _ in resources)], pa.string()),
                        "resource_id": pa.array(
                            [*(None for _ in whole), *(r for _, r in resources)], pa.string()
                        ),
                        "from_day": pa.array([*whole.values(), *resources.values()], pa.date32()),
                    }
                ),
            )
            row_id = _ROW_ID if engine._method == "window" else "CAST(0 AS BIGINT)"
            accounts = frozenset(changes.accounts) | {a for a, _ in changes.resources}
            # the account filter is a constant list, so the parquet reader skips every row
            # group whose account bounds miss it; the semi join on the small touched table
            # then keeps a row when its account's or its resource's entry says its day is
            # touched. Read once into a table: both rule sets allocate the same rows. Only the
            # columns the allocation reads (the cost of the basis only)
            read = ", ".join(
                f"d.{c}"
                for c in (
                    "usage_date",
                    "account_id",
                    "resource_id",
                    "service",
                    "line_item_type",
                    basis.column,
                )
            )
            con.execute(
                f"""
                CREATE TEMP TABLE {touched_rows} AS
                SELECT {row_id} AS src_id, {read}
                FROM read_parquet({path_list(daily_paths)}) d
                SEMI JOIN touched_{token} t
                       ON t.account_id = d.account_id
                      AND (t.resource_id IS NULL OR t.resource_id = d.resource_id)
                      AND d.usage_date >= t.from_day
                WHERE d.account_id IN ({in_list(accounts) if accounts else "NULL"})
                """
            )
            # whether the period carries a CUR discount line (then no negotiated discount
            # applies) is a property of the whole period: remembered, not read again
            period = (
                f"(SELECT {literal(sorted(CUR_DISCOUNT_TYPES)[0])} AS line_item_type "
                f"WHERE {'true' if sums.cur_discount else 'false'})"
            )
            # only the tables the statement reads (a registration costs about half a
            # millisecond): the split lines for `window`, the discounts when there are some
            unread = {"lines"} if engine._method == "arrays" else set()
            if not new.discounts:
                unread.add("discounts")
            for side, rules in (("old", old), ("new", new)):
                for name, rule_table in rule_tables(
                    _touched_rules(rules, changes), prefix=f"{side}_{token}"
                ).items():
                    if name.rsplit("_", 1)[1] not in unread:
                        con.register(name, rule_table)
            con.execute(
                f"CREATE TEMP TABLE {diff} AS "
                + _diff_sql(f"{touched_rows} src", token, new, basis, engine._method, period)
            )
            delta = current_delta(summary)
            known = known_figures(summary_state(counts, delta))
            delta_rows = f"read_parquet({literal(str(delta))})" if delta else None
            # the base's counts: the table the engine kept when it wrote them, else the file
            base, base_rows = engine.kept.relation(counts) or (literal_table(counts), None)
            # the new delta written as it is computed (one statement); the writer counts its rows
            written_rows = con.execute(
                f"COPY ({_new_delta(diff, delta_rows, base)}) "
                f"TO {literal(str(delta_tmp))} (FORMAT parquet)"
            ).fetchall()
            kept = int(written_rows[0][0])
            patched = literal_table(delta_tmp)
            if base_rows is None and kept:
                base_rows = _row_count(con, counts)
            # before a compaction, which replaces the kept base table
            if known is None:
                merged_rows = merged(base, patched, _COUNT_COLUMNS)
                figures = summed_figures(con, f"({merged_rows}) merged_rows")
            else:
                # the state's figures plus the change's: the conservation check below still
                # compares them with the daily files' own sum
                figures = known.plus(summed_figures(con, diff))
            compact = kept > 0 and kept >= max(COMPACT_MIN_ROWS, (base_rows or 0) * COMPACT_SHARE)
            written: tuple[Path, ...] = ()
            if compact:
                _compact(engine, con, patched, base, summary_tmp, counts_tmp, token, counts)
                written = (summary_tmp, counts_tmp)
            elif kept:
                written = (delta_tmp,)
        result = AllocationResult(
            period=source.period,
            basis=basis,
            path=None,
            summary_path=summary,
            **result_fields(figures, sums),
        )
        if result.allocated + result.unallocated != result.total:
            raise AllocationError(
                f"incremental allocation of {source.period} does not conserve spend"
            )
        for tmp in written:
            _fsync(tmp)
        if compact:
            os.replace(summary_tmp, summary)
            os.replace(counts_tmp, counts)
            remove_deltas(out_dir)
        elif kept:
            target = delta_path(summary)
            assert target is not None
            os.replace(delta_tmp, target)
            remove_deltas(out_dir, keep=target)
        else:
            # the changes so far cancel out: the base is the summary again
            remove_deltas(out_dir)
        _fsync(out_dir)
        remember_figures(summary_state(counts, current_delta(summary)), figures)
        return result
    finally:
        for tmp in (summary_tmp, counts_tmp, delta_tmp):
            tmp.unlink(missing_ok=True)


def _diff_sql(
    touched: str, token: str, rules: AllocationRules, basis: CostBasis, method: Any, period: str
) -> str:
    """The summary rows the change alters, each with what it adds to the row's amount and
    line count: the touched rows' lines under the new rules counted +1, under the old -1
    (both sets' rule tables registered as `new_<token>_*`, `old_<token>_*`), summed by
    summary row, the rows where both sums are zero left out. One statement, planned once,
    rather than the two parts and their difference."""
    lines = [
        allocation_sql(
            touched,
            basis=basis,
            with_discounts=bool(rules.discounts),
            method=method,
            period_source=period,
            rules=f"{side}_{token}",
        )
        for side in ("new", "old")
    ]
    columns = ", ".join(c for c in OUTPUT_COLUMNS if c != "amount")
    n_d, n_v = "CAST(NULL AS DATE)", "CAST(NULL AS VARCHAR)"
    keys = [
        ("day", "usage_date", n_v, n_v, n_v),
        ("type", n_d, n_v, n_v, "line_item_type"),
        ("account_service", n_d, "account_id", "service", n_v),
        ("account", n_d, "account_id", n_v, n_v),
        ("service", n_d, n_v, "service", n_v),
    ]
    structs = ", ".join(
        f"{{'dimension': '{d}', 'usage_date': {u}, 'account_id': {a}, 'service': {sv}, "
        f"'line_item_type': {t}}}"
        for d, u, a, sv, t in keys
    )
    return f"""
        SELECT k.dimension, budget_id, k.usage_date, k.account_id, k.service, k.line_item_type,
               CAST(SUM(amount) AS {TOTAL}) AS amount, CAST(SUM(sign) AS BIGINT) AS line_count
        FROM (
            SELECT budget_id, amount, sign, UNNEST([{structs}]) AS k
            FROM (
                SELECT {columns}, amount, 1 AS sign FROM ({lines[0]}) new_lines
                UNION ALL
                SELECT {columns}, -amount AS amount, -1 AS sign FROM ({lines[1]}) old_lines
            ) lines
        ) projected
        GROUP BY ALL
        HAVING SUM(sign) <> 0 OR SUM(amount) <> 0"""


def literal_table(path: Path) -> str:
    return f"read_parquet({literal(str(path))})"


def _changed_rows(diff: str, delta: str | None, base: str) -> str:
    """The summary rows the change alters (`diff`), each with its new amount and line count:
    what the delta had for it, else the base's, plus the difference. A row whose count falls
    to zero stays, a tombstone over the base's row."""
    if delta is None:
        now_amount, now_count, delta_join = "b.amount", "b.line_count", ""
    else:
        now_amount = "CASE WHEN d.dimension IS NULL THEN b.amount ELSE d.amount END"
        now_count = "CASE WHEN d.dimension IS NULL THEN b.line_count ELSE d.line_count END"
        delta_join = f"LEFT JOIN {delta} d ON {key_match('c', 'd')}"
    c_keys = ", ".join(f"c.{k}" for k in _KEYS.split(", "))
    return f"""
        SELECT {c_keys},
               CAST(COALESCE({now_amount}, 0) + c.amount AS {TOTAL}) AS amount,
               CAST(COALESCE({now_count}, 0) + c.line_count AS BIGINT) AS line_count
        FROM {diff} c
        {delta_join}
        LEFT JOIN {base} b ON {key_match("c", "b")}"""


def _new_delta(diff: str, delta: str | None, base: str) -> str:
    """The delta after the change: the changed rows (`_changed_rows`), and the old delta's
    other rows."""
    changed = _changed_rows(diff, delta, base)
    if delta is None:
        return changed
    return f"""
        WITH changed AS MATERIALIZED ({changed})
        SELECT * FROM changed
        UNION ALL
        SELECT {_KEYS}, amount, line_count
        FROM {delta} d ANTI JOIN changed c ON {key_match("d", "c")}"""


def _row_count(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    # from the file's footer: the row groups' counts, no data read
    sql = f"SELECT COALESCE(SUM(num_rows), 0) FROM parquet_file_metadata({literal(str(path))})"
    return int(con.execute(sql).fetchall()[0][0])


def _compact(
    engine: DuckDBAllocationEngine,
    con: duckdb.DuckDBPyConnection,
    delta: str,
    base: str,
    summary_tmp: Path,
    counts_tmp: Path,
    token: str,
    counts: Path,
) -> None:
    """Write the base merged with `delta` as a full run writes its summary and counts: from a
    table, sorted (then the summary is the same to the byte). The engine keeps the table as
    the new counts (`counts_tmp` is about to become `counts`)."""
    table = f"compacted_{token}"
    rows = merged(base, delta, _COUNT_COLUMNS)
    con.execute(f"CREATE TABLE {table} AS {rows}")
    kept = False
    try:
        con.execute(
            f"COPY (SELECT {', '.join(SUMMARY_COLUMNS)} FROM {table} "
            f"ORDER BY {SUMMARY_ORDER}) TO {literal(str(summary_tmp))} (FORMAT parquet)"
        )
        con.execute(
            f"COPY (SELECT * FROM {table} ORDER BY {SUMMARY_ORDER}) "
            f"TO {literal(str(counts_tmp))} (FORMAT parquet)"
        )
        engine.kept.take(con, table, counts_tmp, counts)
        kept = True
    finally:
        if not kept:
            con.execute(f"DROP TABLE IF EXISTS {table}")


def remember_run(engine: DuckDBAllocationEngine, out_dir: Path, result: AllocationResult) -> None:
    """Keep the figures of the full run that wrote `out_dir`: the first change then adds its
    own to them rather than summing the period's summary; and its counts, when the engine did
    not keep them as it wrote them (a folder copied, or written by another engine)."""
    with engine._connection(None) as con:
        engine.kept.load(con, out_dir / COUNTS_FILE)
    state = summary_state(out_dir / COUNTS_FILE, current_delta(out_dir / SUMMARY_FILE))
    remember_figures(
        state,
        Figures(result.allocated, result.unallocated, result.negotiated_discount, result.rows),
    )


def compact(engine: DuckDBAllocationEngine, out_dir: Path) -> bool:
    """Fold `out_dir`'s delta into its summary and counts (then the same to the byte as a
    full run's); False when there was no delta."""
    summary, counts = out_dir / SUMMARY_FILE, out_dir / COUNTS_FILE
    delta = current_delta(summary)
    if delta is None or not counts.is_file():
        return False
    token = uuid.uuid4().hex[:12]
    summary_tmp = out_dir / f".{SUMMARY_FILE}.{token}.tmp"
    counts_tmp = out_dir / f".{COUNTS_FILE}.{token}.tmp"
    known = known_figures(summary_state(counts, delta))
    try:
        with engine._connection(None) as con:
            base, _ = engine.kept.relation(counts) or (literal_table(counts), None)
            _compact(
                engine, con, literal_table(delta), base, summary_tmp, counts_tmp, token, counts
            )
        for tmp in (summary_tmp, counts_tmp):
            _fsync(tmp)
        os.replace(summary_tmp, summary)
        os.replace(counts_tmp, counts)
        remove_deltas(out_dir)
        _fsync(out_dir)
        if known is not None:
            remember_figures(summary_state(counts, None), known)
        return True
    finally:
        for tmp in (summary_tmp, counts_tmp):
            tmp.unlink(missing_ok=True)
