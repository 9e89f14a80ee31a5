"""A period's files, cut from the refresh's merged rows (a few percent of the CUR's rows):

    daily.parquet       sums by account, resource, service, line item type and usage day
    resources.parquet   one row per resource, tags as a MAP (those of its latest tagged day)
    accounts.parquet    one row per usage account
    invoices.parquet    what each account adds to each invoice

and the period's figures for the manifest.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from adapters.cur import sql
from adapters.cur.aggregate import ROWS, TAGS
from adapters.cur.aggregate import TOTAL as MONEY_TOTAL
from adapters.cur.columns import MONEY, tag_column
from adapters.cur.formats import Unit
from adapters.cur.manifest import PeriodEntry
from adapters.cur.sql import literal
from adapters.cur.tags import flat_tag_sources

Progress = Callable[[str, int, int], None]

# working tables of the refresh's connection
_TAG_NAMES = "tag_names"
_INVOICES = "period_invoices"


def summarize_period(
    con: duckdb.DuckDBPyConnection,
    *,
    period: str,
    unit_dirs: list[Path],
    units: Sequence[Unit],
    staging: Path,
    token: str,
    refreshed_at: datetime,
    source: str,
    report: Progress,
    step: tuple[int, int],
) -> PeriodEntry:
    """Cut one period's files from the merged rows (a few percent of the CUR's rows)."""
    folder = staging / "periods" / period
    folder.mkdir(parents=True)
    moved = []
    if unit_dirs:
        li_dir = folder / "line_items"
        li_dir.mkdir()
        for d in unit_dirs:
            for f in sorted(d.glob("*.parquet")):
                target = li_dir / f.name
                os.rename(f, target)
                moved.append(target)
    rows = f"{ROWS} WHERE billing_period = {literal(period)}"
    # The resources file is cut on a second connection while this one writes the others:
    # casting the resources' tag texts back to maps and grouping them by resource keep about
    # one core busy, the daily file's grouping and sort the other (the merged rows are a table
    # of the database's main schema, visible to both connections).
    pool = ThreadPoolExecutor(max_workers=1)
    resources = pool.submit(_resources_file, con, rows, units, folder / "resources.parquet")
    try:
        _write_daily(con, period, rows, folder / "daily.parquet")
        report("daily", step[0], step[1])
        row = _write_accounts_and_invoices(con, period, rows, folder)
        tag_columns = resources.result()
    finally:
        # the other connection's work is waited for whatever happens here
        pool.shutdown(wait=True)
    report("resources", step[0], step[1])
    count, total, invoices, currencies = row
    return PeriodEntry(
        period=period,
        folder=f"periods/{period}@{token}",
        finalized=bool(invoices),
        invoice_ids=tuple(invoices or ()),
        rows=int(count or 0),
        total_unblended_cost=total if total is not None else Decimal(0),
        refreshed_at=refreshed_at,
        currency=",".join(currencies or ()) or "USD",
        format="+".join(sorted({u.group.format for u in units})),
        tag_columns=tag_columns,
        line_item_files=tuple(f"line_items/{p.name}" for p in moved),
        source=source,
    )


def _write_accounts_and_invoices(
    con: duckdb.DuckDBPyConnection, period: str, rows: str, folder: Path
) -> tuple[Any, ...]:
    """One row per usage account; what each account adds to each invoice (every line item
    type), for the month close's accounts-payable file; and the period's figures (line items,
    total, invoices, currencies), summed from the invoice rows (a few thousand)."""
    con.execute(
        f"""
        COPY (
            SELECT {literal(period)} AS billing_period, account_id,
                   max(account_name) AS account_name,
                   min(usage_date) AS first_seen, max(usage_date) AS last_seen,
                   sum(unblended_cost) AS unblended_cost
            FROM {rows}
            GROUP BY account_id
            ORDER BY account_id
        ) TO {literal(str(folder / "accounts.parquet"))} (FORMAT parquet)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {_INVOICES} AS
        SELECT invoice_id, account_id, currency,
               sum(unblended_cost)::{MONEY_TOTAL} AS unblended_cost,
               sum(line_items) AS line_items
        FROM {rows}
        GROUP BY invoice_id, account_id, currency
        """
    )
    try:
        con.execute(
            f"""
            COPY (
                SELECT invoice_id, account_id, currency, unblended_cost
                FROM {_INVOICES}
                ORDER BY invoice_id NULLS LAST, account_id, currency
            ) TO {literal(str(folder / "invoices.parquet"))} (FORMAT parquet)
            """
        )
        row = con.execute(
            f"""
            SELECT sum(line_items), sum(unblended_cost),
                   list_sort(list(DISTINCT invoice_id) FILTER (WHERE invoice_id IS NOT NULL)),
                   list_sort(list(DISTINCT currency) FILTER (WHERE currency IS NOT NULL))
            FROM {_INVOICES}
            """
        ).fetchone()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_INVOICES}")
    assert row is not None
    return row


def _write_daily(con: duckdb.DuckDBPyConnection, period: str, rows: str, path: Path) -> None:
    """The daily aggregates: what the allocation engine reads, one row per account, resource,
    service, line item type and usage day, each cost basis summed exactly as DECIMAL.

    The merged rows are already that, but for a resource's day on two invoices or in two
    currencies, in two units of files, or under two raw keys the pass's normalization makes
    one: when no two merged rows share a daily key (no two share its hash) they are written
    as they are, otherwise summed by key (the grouping cost a sixth of this cut).

    Sorted by account and day, in row groups of a few accounts each: an incremental
    re-allocation reads only the touched accounts' rows, and the parquet reader skips every
    row group whose account bounds miss them. The rows of one account and day are in no set
    order (no reader needs one): sorting by resource id too cost a sixth more of this
    statement (long ids sharing long prefixes, like ARNs, are compared whole)."""
    keys = "usage_date, account_id, resource_id, service, line_item_type"
    [(unique,)] = con.execute(
        f"SELECT count(*) = count(DISTINCT hash({keys})) FROM {rows}"
    ).fetchall()
    costs = ("unblended_cost", "net_unblended_cost", "amortized_cost")
    if unique:
        sums = ", ".join(f"{c}::{MONEY} AS {c}" for c in costs)
        counted, grouping = "line_items::BIGINT AS line_items", ""
    else:
        sums = ", ".join(f"sum({c})::{MONEY} AS {c}" for c in costs)
        counted, grouping = "sum(line_items)::BIGINT AS line_items", f"GROUP BY {keys}"
    con.execute(
        f"""
        COPY (
            SELECT {literal(period)} AS billing_period, {keys}, {sums}, {counted}
            FROM {rows}
            {grouping}
            ORDER BY account_id, usage_date
        ) TO {literal(str(path))} (FORMAT parquet, ROW_GROUP_SIZE 16384)
        """
    )


def _resources_file(
    db: duckdb.DuckDBPyConnection, rows: str, units: Sequence[Unit], path: Path
) -> tuple[str, ...]:
    """Write the period's resource list behind claims (one row per resource, with the tags of
    its latest tagged usage day) on a connection of its own; returns the period's tag columns.

    One statement groups the merged rows by resource, casts the tag texts back to maps, drops
    empty values and writes the file (a table in between cost a tenth more). The keys are
    then read from the file: a tag key whose every value in the period is empty is not a tag
    column. When every key already is its name (CUR 2.0 writes them so) the file is done;
    otherwise it is written once more from itself, its keys renamed (`_rename_keys`).

    The rows are in no set order: every read sorts what it pages (`resources.py`), and
    sorting them here (their tag maps moved with them) took 40% of the statement."""
    with sql.cursor(db) as con:
        _write_resources(con, rows, path)
        keys = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT unnest(map_keys(tags)) FROM read_parquet({literal(str(path))})"
            ).fetchall()
        ]
        names = {key: tag_column(key)[len("tag_") :] for key in keys}
        flat = {c for u in units for c in flat_tag_sources(u.group)}
        if any(key != name for key, name in names.items()):
            _rename_keys(con, path, names)
        return tuple(sorted(flat | {f"tag_{n}" for n in names.values()}))


# A resource's tags as written, without empty (or NULL) values; most maps hold none, and are
# taken as they are.
_NON_EMPTY = (
    "CASE WHEN list_contains(map_values(tags), '') "
    "OR list_count(map_values(tags)) < cardinality(tags) "
    "THEN map_from_entries(list_filter(map_entries(tags), lambda e: e.value <> '')) "
    "ELSE tags END"
)


def _write_resources(con: duckdb.DuckDBPyConnection, rows: str, path: Path) -> None:
    """One row per resource and account, its tags as a MAP.

    The tags are the largest tag text of the resource's latest tagged day: the largest of
    the texts behind that day's 'YYYY-MM-DD' (the same choice as an arg_max by day and text,
    at two thirds of its cost; a NULL text leaves the concatenation NULL, so untagged rows
    do not count).

    The tag text casts back to a map strictly first (twice as fast as TRY_CAST); only if some
    map the CUR wrote with a repeated key does not cast back is it read again with TRY_CAST
    (NULL for those maps), which gives the same maps otherwise."""

    def write(cast: str) -> None:
        con.execute(
            f"""
            COPY (
                SELECT resource_id, account_id, service, region,
                       COALESCE({_NON_EMPTY}, MAP {{}}::{TAGS}) AS tags,
                       unblended_cost, net_unblended_cost, amortized_cost,
                       first_usage_date, last_usage_date
                FROM (
                    SELECT resource_id, account_id, max(service) AS service,
                           max(region) AS region,
                           sum(unblended_cost) AS unblended_cost,
                           sum(net_unblended_cost) AS net_unblended_cost,
                           sum(amortized_cost) AS amortized_cost,
                           min(usage_date) AS first_usage_date,
                           max(usage_date) AS last_usage_date,
                           {cast}(max(strftime(usage_date, '%Y-%m-%d') || tags)[11:] AS {TAGS})
                               AS tags
                    FROM {rows} AND resource_id IS NOT NULL
                    GROUP BY resource_id, account_id
                ) r
            ) TO {literal(str(path))} (FORMAT parquet)
            """
        )

    try:
        write("CAST")
    except duckdb.ConversionException:
        write("TRY_CAST")


def _rename_keys(con: duckdb.DuckDBPyConnection, path: Path, names: dict[str, str]) -> None:
    """Rewrite the resources file with each tag key shown under its tag column's name without
    `tag_` (`user:CostCenter` -> `user_cost_center`), merging keys that share a name."""
    written = path.with_name(path.stem + ".keys-as-written.parquet")
    os.replace(path, written)
    con.register(
        _TAG_NAMES,
        pa.table(
            {
                "key": pa.array(list(names), pa.string()),
                "name": pa.array(list(names.values()), pa.string()),
            }
        ),
    )
    # a correlated subquery over the resource's own entries: one key per name, sorted
    renamed = f"""(
        SELECT map_from_entries(list({{'key': name, 'value': value}} ORDER BY name))
        FROM (
            SELECT n.name, max(e.v) AS value
            FROM (SELECT unnest(map_keys(r.tags)) AS k, unnest(map_values(r.tags)) AS v) e
            JOIN {_TAG_NAMES} n ON n.key = e.k
            WHERE e.v <> ''
            GROUP BY n.name
        )
    )"""
    try:
        con.execute(
            f"""
            COPY (
                SELECT * REPLACE (COALESCE({renamed}, MAP {{}}::{TAGS}) AS tags)
                FROM read_parquet({literal(str(written))}) r
            ) TO {literal(str(path))} (FORMAT parquet)
            """
        )
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister(_TAG_NAMES)
        written.unlink(missing_ok=True)
