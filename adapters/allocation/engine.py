"""The allocation engine on DuckDB: one set-based pass per billing period over the daily costs.

`allocate` loads the rules into small tables, joins the period's daily cost rows to them by
account and usage day (and by resource, for claims), splits shared rows by the largest-remainder
method in exact decimal arithmetic (`adapters/allocation/sql.py`) and writes a small summary of
the allocated lines (by budget and each of usage day, account, service and line item type) to
`<out_dir>/summary.parquet`, which `spend` reads for the dashboard. The lines themselves are
written to `<out_dir>/allocated.parquet` only when asked (`keep_lines=True`): by default the
summary is aggregated straight from the allocation query, and no line is materialized; that
query (`summary_lines_sql`) sends only the shared rows through the exact split (in 64-bit
integers below 10^8) and passes the others (claimed, one-budget, Unallocated) whole. Each file
is written under a temporary name, flushed, and renamed into place.

The lines of a run are the same whatever the threads or the order of the daily files, but not
their order in the file: sorting millions of lines would cost more than the allocation itself,
and every reader aggregates. The summary is sorted, so it is the same to the byte.

The file names, `AllocationResult` and the run's figures live in `results.py` (the Spark engine
and the incremental patch import them from here too).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from adapters import duck
from adapters.allocation.kept_counts import KeptCounts
from adapters.allocation.results import (
    ALLOCATED_FILE,
    COUNTS_FILE,
    SUMMARY_FILE,
    AllocationError,
    AllocationResult,
    _figures,
    _fsync,
    _summary_path,
)
from adapters.allocation.sql import (
    SUMMARY_COLUMNS,
    SUMMARY_ORDER,
    TOTAL,
    SplitMethod,
    allocation_sql,
    literal,
    path_list,
    rule_tables,
    summary_sql,
)
from adapters.allocation.summary_files import read_consistently, remove_deltas
from adapters.allocation.summary_lines import summary_lines_sql
from domain.allocation.rules import AllocationRules, CostBasis
from domain.errors import ErrorDetail, RuleViolation
from domain.spend.models import DailyCostSource

# the run's files and result are defined in `results` and exported from here as well: the
# Spark engine, the incremental patch and the readers import them with the engine
__all__ = [
    "ALLOCATED_FILE",
    "COUNTS_FILE",
    "SUMMARY_FILE",
    "_ROW_ID",
    "AllocationError",
    "AllocationResult",
    "DuckDBAllocationEngine",
    "GroupBy",
    "SpendKey",
    "_figures",
    "_fsync",
]

GroupBy = Literal["budget", "account", "service", "day", "type"]
SpendKey = int | str | date | None

_KEY_COLUMN: dict[str, str] = {
    "budget": "budget_id",
    "account": "account_id",
    "service": "service",
    "day": "usage_date",
    "type": "line_item_type",
}
# file_index * 2^40 + row number: unique per daily row (a file holds far fewer than 2^40 rows)
_ROW_ID = "file_index * 1099511627776 + file_row_number"


class DuckDBAllocationEngine:
    """Allocates billing periods with DuckDB and answers spend questions from the results.

    Synchronous: call it from async code with `asyncio.to_thread`. Runs and reads share one
    in-memory DuckDB database (opened at first use, closed by `close()`), each on its own
    connection, so parallel calls do not see each other's rule tables; a run asking for another
    number of `threads` gets a database of its own.
    """

    def __init__(
        self,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        temp_dir: Path | None = None,
        method: SplitMethod = "arrays",
    ) -> None:
        self._threads = threads
        self._memory_limit = memory_limit
        self._temp_dir = temp_dir
        self._method: SplitMethod = method
        self._shared: tuple[duckdb.DuckDBPyConnection, Path] | None = None
        # closes the database and removes its spill folder on close(), or when the engine is
        # garbage collected, or at exit
        self._release: weakref.finalize[Any, Any] | None = None
        # the rule tables of the last rule set: rules are immutable, and one set is applied to
        # every stale period in turn
        self._tables: tuple[weakref.ref[AllocationRules], dict[str, pa.Table]] | None = None
        self._lock = threading.Lock()
        # the counts tables of the summaries written on the shared database (`kept_counts.py`)
        self.kept = KeptCounts()

    @property
    def name(self) -> str:
        return "duckdb"

    def close(self) -> None:
        with self._lock:
            release, self._release, self._shared = self._release, None, None
            # the kept tables go with the database (a later call opens a new one)
            self.kept = KeptCounts()
        if release is not None:
            release()

    def __enter__(self) -> DuckDBAllocationEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ allocation

    def allocate(
        self,
        source: DailyCostSource,
        rules: AllocationRules,
        *,
        basis: CostBasis = CostBasis.UNBLENDED,
        out_dir: Path,
        threads: int | None = None,
        keep_lines: bool = False,
    ) -> AllocationResult:
        """Allocate `source`'s billing period by `rules` into `out_dir` (created if missing).

        Writes `summary.parquet`; with `keep_lines` also the line-level `allocated.parquet`
        (which `spend` does not need, and which costs more to write than the allocation
        itself). Without it, an `allocated.parquet` left by an earlier run is removed, so that
        the folder never holds lines that disagree with its summary.

        Raises RuleViolation when the rules are inconsistent or the period has no daily file.
        On any failure the files already in `out_dir` are left as they were.
        """
        rules.validate()
        basis = CostBasis(basis)
        if not source.daily_paths:
            raise RuleViolation(
                f"billing period {source.period} has no daily cost file",
                errors=[ErrorDetail(message="no daily cost file", field="source")],
            )
        daily_paths = sorted(source.daily_paths)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex[:12]
        allocated_tmp = out_dir / f".{ALLOCATED_FILE}.{token}.tmp"
        summary_tmp = out_dir / f".{SUMMARY_FILE}.{token}.tmp"
        counts_tmp = out_dir / f".{COUNTS_FILE}.{token}.tmp"
        try:
            with self._connection(threads) as con:
                # registered on this connection only: parallel runs do not see each other's
                for name, table in self._rule_tables(rules).items():
                    con.register(name, table)
                row_id = _ROW_ID if self._method == "window" else "CAST(0 AS BIGINT)"
                daily = (
                    f"(SELECT {row_id} AS src_id, * "
                    f"FROM read_parquet({path_list(daily_paths)})) src"
                )
                sql = allocation_sql(
                    daily,
                    basis=basis,
                    with_discounts=bool(rules.discounts),
                    method=self._method,
                )
                if keep_lines:
                    figures = _write_lines(
                        con, sql, daily_paths, basis, allocated_tmp, summary_tmp, token
                    )
                else:
                    if self._method == "arrays":
                        # only the summary is written: shared rows split, the others routed
                        # straight to it (the same lines as `sql`, without resource or workload)
                        sql = summary_lines_sql(
                            daily, basis=basis, with_discounts=bool(rules.discounts)
                        )
                    shared = threads is None or threads == self._threads
                    figures = _write_summary(
                        con,
                        f"({sql}) lines",
                        daily_paths,
                        basis,
                        summary_tmp,
                        token,
                        counts_tmp,
                        # the counts table, kept for the incremental runs on this database
                        (lambda c, t: self.kept.take(c, t, counts_tmp, out_dir / COUNTS_FILE))
                        if shared
                        else None,
                    )
            result = AllocationResult(
                period=source.period,
                basis=basis,
                path=out_dir / ALLOCATED_FILE if keep_lines else None,
                summary_path=out_dir / SUMMARY_FILE,
                **figures,
            )
            if result.allocated + result.unallocated != result.total:
                raise AllocationError(
                    f"allocation of {source.period} does not conserve spend: allocated "
                    f"{result.allocated} + unallocated {result.unallocated} != total "
                    f"{result.total}"
                )
            written = (allocated_tmp, summary_tmp) if keep_lines else (summary_tmp, counts_tmp)
            for tmp in written:
                _fsync(tmp)
            os.replace(summary_tmp, result.summary_path)
            # an incremental run's delta applies to the summary it was written for only
            remove_deltas(out_dir)
            if keep_lines:
                (out_dir / COUNTS_FILE).unlink(missing_ok=True)
            else:
                os.replace(counts_tmp, out_dir / COUNTS_FILE)
            if result.path is not None:
                os.replace(allocated_tmp, result.path)
            else:
                # lines of an earlier run would no longer match the summary
                (out_dir / ALLOCATED_FILE).unlink(missing_ok=True)
            _fsync(out_dir)
        finally:
            for tmp in (allocated_tmp, summary_tmp, counts_tmp):
                tmp.unlink(missing_ok=True)
        return result

    def _rule_tables(self, rules: AllocationRules) -> dict[str, pa.Table]:
        with self._lock:
            if self._tables is not None and self._tables[0]() is rules:
                return self._tables[1]
        tables = rule_tables(rules)
        with self._lock:
            self._tables = (weakref.ref(rules), tables)
        return tables

    @contextlib.contextmanager
    def _connection(self, threads: int | None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the engine's database, or to a database of its own when the call
        asks for another number of threads (a DuckDB database has one thread pool)."""
        if threads is None or threads == self._threads:
            cursor = duck.watch(self._database().cursor())
            try:
                yield cursor
            finally:
                cursor.close()
            return
        db, spill = self._open(threads)
        duck.watch(db)
        try:
            yield db
        finally:
            _release(db, spill)

    def _database(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._shared is None:
                db, spill = self._open(self._threads)
                self._shared = (db, spill)
                self._release = weakref.finalize(self, _release, db, spill)
            return self._shared[0]

    def _open(self, threads: int | None) -> tuple[duckdb.DuckDBPyConnection, Path]:
        spill = Path(tempfile.mkdtemp(prefix="finops-allocation-", dir=self._temp_dir))
        config: dict[str, Any] = {
            "memory_limit": self._memory_limit or duck.limits().memory_limit,
            "temp_directory": str(spill),
            # the lines' order is not part of the result; let the parquet writer run in parallel
            "preserve_insertion_order": False,
        }
        if threads:
            config["threads"] = int(threads)
        return duckdb.connect(":memory:", config=config), spill

    # ------------------------------------------------------------------ reads

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query over result files, on the engine's shared connection (a
        fresh connection costs more than a small query)."""
        cursor = duck.watch(self._database().cursor())
        try:
            return cursor.execute(sql, list(params)).fetchall()
        finally:
            cursor.close()

    def columns(self, sql: str, params: Sequence[Any] = ()) -> list[list[Any]]:
        """The columns of a read-only query's answer as Python lists (through Arrow: a
        long answer is not built row by row)."""
        cursor = duck.watch(self._database().cursor())
        try:
            table = cursor.execute(sql, list(params)).to_arrow_table()
        finally:
            cursor.close()
        return [] if table is None else [column.to_pylist() for column in table.columns]

    def spend(
        self,
        paths: Sequence[str | Path],
        *,
        group_by: GroupBy,
        budget_ids: set[int] | frozenset[int] | None = None,
        include_unallocated: bool = False,
    ) -> list[tuple[SpendKey, Decimal]]:
        """Allocated spend summed over the periods whose results are at `paths` (each a folder
        written by `allocate`, or a file in it such as its `summary.parquet`), by budget,
        account, service, usage day or line item type. Reads only the summaries.

        `budget_ids=None` means every budget; `include_unallocated` adds the Unallocated spend
        (key None when grouping by budget). Rows come sorted by key, None last.
        """
        column = _KEY_COLUMN.get(group_by)
        if column is None:
            raise RuleViolation(
                f"group_by must be one of {', '.join(_KEY_COLUMN)}",
                errors=[ErrorDetail(message="unknown grouping", field="group_by")],
            )
        summaries = [_summary_path(Path(p)) for p in paths]
        if not summaries:
            return []
        where = ["dimension = ?"]
        # a budget's total is the sum of its rows by line item type
        params: list[Any] = ["type" if group_by == "budget" else group_by]
        if budget_ids is not None:
            params.append(sorted(int(b) for b in budget_ids))
            chosen = "list_contains(?, budget_id)"
            where.append(f"({chosen} OR budget_id IS NULL)" if include_unallocated else chosen)
        elif not include_unallocated:
            where.append("budget_id IS NOT NULL")

        def read(summary: str) -> list[tuple[Any, ...]]:
            sql = f"""
                SELECT {column}, CAST(SUM(amount) AS {TOTAL})
                FROM {summary}
                WHERE {" AND ".join(where)}
                GROUP BY {column}
                ORDER BY {column} NULLS LAST
            """
            cursor = duck.watch(self._database().cursor())
            try:
                return cursor.execute(sql, params).fetchall()
            finally:
                cursor.close()

        rows = read_consistently(summaries, read)
        return [(key, Decimal(amount)) for key, amount in rows]


def _write_lines(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    daily_paths: Sequence[str],
    basis: CostBasis,
    allocated: Path,
    summary: Path,
    token: str,
) -> dict[str, Any]:
    """Write the lines to `allocated`, then their summary, from that file, to `summary`."""
    con.execute(f"COPY ({sql}) TO {literal(str(allocated))} (FORMAT parquet)")
    lines = f"read_parquet({literal(str(allocated))})"
    return _write_summary(con, lines, daily_paths, basis, summary, token)


def _write_summary(
    con: duckdb.DuckDBPyConnection,
    lines: str,
    daily_paths: Sequence[str],
    basis: CostBasis,
    summary: Path,
    token: str,
    counts: Path | None = None,
    keep: Callable[[duckdb.DuckDBPyConnection, str], None] | None = None,
) -> dict[str, Any]:
    """Aggregate `lines` (the written file, or the allocation query itself: then no line is
    materialized) into a small table, with the number of lines per row, write the summary
    from it and take the run's figures from it. Both ways write the summary from a table, so
    that they give the same bytes (DuckDB's parquet writer encodes a column read from a table
    a few bytes differently from one computed by a query).

    The sorted summary is written on `con` while a second connection to the same database
    writes the counts and sums the figures: the sort and the parquet writer of one file keep
    about one core busy, so the two run side by side (the table is in the database's main
    schema, not `con`'s temporary one, for the second connection to see it). `keep` takes
    the table once the counts are written (else it is dropped)."""
    table = f"allocation_summary_{token}"
    # unsorted: the summary is sorted as it is written
    con.execute(f"CREATE TABLE {table} AS {summary_sql(lines, with_count=True, ordered=False)}")
    kept = False
    try:
        with duck.beside(con, _counts_and_figures, table, counts, daily_paths, basis) as figures:
            con.execute(
                f"COPY (SELECT {', '.join(SUMMARY_COLUMNS)} FROM {table} "
                f"ORDER BY {SUMMARY_ORDER}) TO {literal(str(summary))} (FORMAT parquet)"
            )
            result = figures.result()
        if counts is not None and keep is not None:
            keep(con, table)
            kept = True
        return result
    finally:
        if not kept:
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _counts_and_figures(
    con: duckdb.DuckDBPyConnection,
    table: str,
    counts: Path | None,
    daily_paths: Sequence[str],
    basis: CostBasis,
) -> dict[str, Any]:
    if counts is not None:
        con.execute(f"COPY {table} TO {literal(str(counts))} (FORMAT parquet)")
    return _figures(con, daily_paths, basis, table)


def _release(db: duckdb.DuckDBPyConnection, spill: Path) -> None:
    db.close()
    shutil.rmtree(spill, ignore_errors=True)
