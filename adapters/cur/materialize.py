"""A refresh's work inside its staging folder: probe the files, run the one pass over the CUR
(`aggregate.py`) into the merged rows, optionally write the line items (`line_items.py`), and
cut each billing period's files from the merged rows (`summaries.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb

from adapters.clock import utc_now
from adapters.cur.aggregate import ROWS, SPEND_ROW_COLUMNS
from adapters.cur.engines import DuckDBRefreshEngine, RefreshEngine
from adapters.cur.formats import group_files, period_hint, plan_units, probe
from adapters.cur.line_items import write_line_items
from adapters.cur.manifest import PeriodEntry
from adapters.cur.s3 import Located
from adapters.cur.sql import violation
from adapters.cur.summaries import summarize_period

Progress = Callable[[str, int, int], None]


def materialize(
    con: duckdb.DuckDBPyConnection,
    located: list[Located],
    *,
    source: str,
    wanted: frozenset[str] | None,
    staging: Path,
    token: str,
    report: Progress,
    keep: bool = False,
    engine: RefreshEngine | None = None,
) -> list[PeriodEntry]:
    """Write every billing period found in `located` under `staging/periods/`; `engine` runs
    the pass over the line items (default DuckDB, on `con`)."""
    engine = engine or DuckDBRefreshEngine()
    if not located:
        raise violation(source, "no CUR data files (.parquet, .csv, .csv.gz) found")
    if wanted is not None:
        # skip files whose path names another billing period
        located = [f for f in located if period_hint(f[2]) in (None, *wanted)]
        if not located:
            raise violation(source, f"no line items for billing period(s) {sorted(wanted)}")
    probed = []
    for i, (path, name, relative) in enumerate(located, start=1):
        probed.append(probe(con, path, name, relative))
        report("probe", i, len(located))
    groups = group_files(probed)
    units = plan_units(groups)
    columns = ", ".join(f"{n} {t}" for n, t in SPEND_ROW_COLUMNS)
    # in the database's main schema, not `con`'s temporary one: the period's files are cut from
    # it on two connections at once (`summaries.py`); refreshes of a store run one at a time
    con.execute(f"CREATE OR REPLACE TABLE {ROWS} ({columns})")
    try:
        # the one pass over the CUR: every file's rows merged by day, account, resource,
        # service and line item type into a table a few percent of the CUR's size
        for i, unit in enumerate(units, start=1):
            engine.merge(con, unit, wanted)
            report("aggregate", i, len(units))
            # the CUR rows read so far (the merged rows count the line items behind them)
            # fetched to the end: DuckDB keeps a partly fetched result open on `con`
            [(read,)] = con.execute(f"SELECT COALESCE(SUM(line_items), 0) FROM {ROWS}").fetchall()
            report("rows", int(read), 0)
        found = _periods_found(con, source, strict=wanted is None)
        if wanted is not None:
            missing = sorted(wanted - set(found))
            if missing:
                raise violation(source, f"no line items for billing period(s) {missing}")
        if not found:
            raise violation(source, "the files hold no AWS line items")
        line_item_dirs: dict[str, list[Path]] = {}
        if keep:
            line_item_dirs = write_line_items(
                con, groups, units, wanted, staging / "line_items", source, report
            )
        entries = []
        refreshed_at = utc_now()
        for i, period in enumerate(sorted(found), start=1):
            entries.append(
                summarize_period(
                    con,
                    period=period,
                    unit_dirs=line_item_dirs.get(period, []),
                    units=[units[u] for u in found[period]],
                    staging=staging,
                    token=token,
                    refreshed_at=refreshed_at,
                    source=source,
                    report=report,
                    step=(i, len(found)),
                )
            )
            report("accounts", i, len(found))
    finally:
        con.execute(f"DROP TABLE IF EXISTS {ROWS}")
    # the manifest says which engine read each period's line items
    return [replace(e, engine=engine.name) for e in entries]


def _periods_found(
    con: duckdb.DuckDBPyConnection, source: str, *, strict: bool
) -> dict[str, list[int]]:
    """Billing period -> the units (indexes) that hold its rows."""
    found: dict[str, list[int]] = {}
    for period, unit_ids in con.execute(
        f"SELECT billing_period, list_sort(list(DISTINCT unit)) FROM {ROWS} GROUP BY ALL"
    ).fetchall():
        if period is None:
            if strict:
                raise violation(source, "some line items have no readable billing period")
            continue
        found[period] = list(unit_ids)
    return found
