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
_RESOURCES = "period_resources"


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
        _write_daily(con, rows, folder / "daily.parquet")
        report("daily", step[0], step[1])
        _write_accounts_and_invoices(con, rows, folder)
        row = con.execute(
            f"""
            SELECT sum(line_items), sum(unblended_cost),
                   list_sort(list(DISTINCT invoice_id) FILTER (WHERE invoice_id IS NOT NULL)),
                   list_sort(list(DISTINCT currency) FILTER (WHERE currency IS NOT NULL))
            FROM {rows}
            """
        ).fetchone()
        tag_columns = resources.result()
    finally:
        # the other connection's work is waited for whatever happens here
        pool.shutdown(wait=True)
    report("resources", step[0], step[1])
    assert row is not None
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


def _write_accounts_and_invoices(con: duckdb.DuckDBPyConnection, rows: str, folder: Path) -> None:
    """One row per usage account; and what each account adds to each invoice (every line
    item type), for the month close's accounts-payable file."""
    con.execute(
        f"""
        COPY (
            SELECT billing_period, account_id, max(account_name) AS account_name,
                   min(usage_date) AS first_seen, max(usage_date) AS last_seen,
                   sum(unblended_cost) AS unblended_cost
            FROM {rows}
            GROUP BY billing_period, account_id
            ORDER BY account_id
        ) TO {literal(str(folder / "accounts.parquet"))} (FORMAT parquet)
        """
    )
    con.execute(
        f"""
        COPY (
            SELECT invoice_id, account_id, currency,
                   sum(unblended_cost)::{MONEY_TOTAL} AS unblended_cost
            FROM {rows}
            GROUP BY invoice_id, account_id, currency
            ORDER BY invoice_id NULLS LAST, account_id, currency
        ) TO {literal(str(folder / "invoices.parquet"))} (FORMAT parquet)
        """
    )


def _write_daily(con: duckdb.DuckDBPyConnection, rows: str, path: Path) -> None:
    """The daily aggregates: what the allocation engine reads, one row per account, resource,
    service, line item type and usage day, each cost basis summed exactly as DECIMAL.

    Sorted by account and day, in row groups of a few accounts each: an incremental
    re-allocation reads only the touched accounts' rows, and the parquet reader skips every
    row group whose account bounds miss them. The rows of one account and day are in no set
    order (no reader needs one): sorting by resource id too cost a sixth more of this
    statement (long ids sharing long prefixes, like ARNs, are compared whole)."""
    con.execute(
        f"""
        COPY (
            SELECT billing_period, usage_date, account_id, resource_id, service,
                   line_item_type,
                   sum(unblended_cost)::{MONEY} AS unblended_cost,
                   sum(net_unblended_cost)::{MONEY} AS net_unblended_cost,
                   sum(amortized_cost)::{MONEY} AS amortized_cost,
                   sum(line_items)::BIGINT AS line_items
            FROM {rows}
            GROUP BY billing_period, usage_date, account_id, resource_id, service,
                     line_item_type
            ORDER BY account_id, usage_date
        ) TO {literal(str(path))} (FORMAT parquet, ROW_GROUP_SIZE 16384)
        """
    )


def _resources_file(
    db: duckdb.DuckDBPyConnection, rows: str, units: Sequence[Unit], path: Path
) -> tuple[str, ...]:
    """Write the period's resource list behind claims (one row per resource, with the tags of
    its latest tagged usage day) on a connection of its own; returns the period's tag columns.

    The rows are in no set order: every read sorts what it pages (`resources.py`), and
    sorting them here (their tag maps moved with them) took 40% of this statement."""
    with sql.cursor(db) as con:
        _resources(con, rows)
        try:
            tag_columns, tagged = _tags_of(con, units)
            con.execute(
                f"""
                COPY (
                    SELECT r.resource_id, r.account_id, r.service, r.region,
                           COALESCE({tagged}, MAP {{}}::{TAGS}) AS tags,
                           r.unblended_cost, r.net_unblended_cost, r.amortized_cost,
                           r.first_usage_date, r.last_usage_date
                    FROM {_RESOURCES} r
                ) TO {literal(str(path))} (FORMAT parquet)
                """
            )
        finally:
            con.execute(f"DROP TABLE IF EXISTS {_RESOURCES}")
            with contextlib.suppress(duckdb.Error):
                con.unregister(_TAG_NAMES)
        return tag_columns


def _resources(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    """`_RESOURCES`: one row per resource and account, its tags as a MAP.

    The tags are the largest tag text of the resource's latest tagged day: the largest of
    the texts behind that day's 'YYYY-MM-DD' (the same choice as an arg_max by day and text,
    at two thirds of its cost; a NULL text leaves the concatenation NULL, so untagged rows
    do not count).

    The tag text casts back to a map strictly first (twice as fast as TRY_CAST); only if some
    map the CUR wrote with a repeated key does not cast back is it read again with TRY_CAST
    (NULL for those maps), which gives the same maps otherwise."""

    def create(cast: str) -> None:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_RESOURCES} AS
            SELECT resource_id, account_id, max(service) AS service, max(region) AS region,
                   sum(unblended_cost) AS unblended_cost,
                   sum(net_unblended_cost) AS net_unblended_cost,
                   sum(amortized_cost) AS amortized_cost,
                   min(usage_date) AS first_usage_date, max(usage_date) AS last_usage_date,
                   {cast}(max(strftime(usage_date, '%Y-%m-%d') || tags)[11:] AS {TAGS})
                       AS tags
            FROM {rows} AND resource_id IS NOT NULL
            GROUP BY resource_id, account_id
            """
        )

    try:
        create("CAST")
    except duckdb.ConversionException:
        create("TRY_CAST")


def _tags_of(con: duckdb.DuckDBPyConnection, units: Sequence[Unit]) -> tuple[tuple[str, ...], str]:
    """The period's tag columns, and the SQL expression of a resource's tags as shown.

    A key is shown under its tag column's name without `tag_` (`user:CostCenter` ->
    `user_cost_center`), and empty values are dropped. When every key already is its
    name (CUR 2.0 writes them so) the map is only filtered; otherwise its entries are
    renamed through `tag_names`, merging keys that share a name.
    """
    keys = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT unnest(map_keys(tags)) FROM {_RESOURCES} WHERE tags IS NOT NULL"
        ).fetchall()
    ]
    names = {key: tag_column(key)[len("tag_") :] for key in keys}
    flat = {c for u in units for c in flat_tag_sources(u.group)}
    tag_columns = tuple(sorted(flat | {f"tag_{n}" for n in names.values()}))
    if all(key == name for key, name in names.items()):
        # most maps hold no empty (or NULL) value: those are taken as they are
        return tag_columns, (
            "CASE WHEN list_contains(map_values(r.tags), '') "
            "OR list_count(map_values(r.tags)) < cardinality(r.tags) "
            "THEN map_from_entries(list_filter(map_entries(r.tags), lambda e: e.value <> '')) "
            "ELSE r.tags END"
        )
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
    return (
        tag_columns,
        f"""(
        SELECT map_from_entries(list({{'key': name, 'value': value}} ORDER BY name))
        FROM (
            SELECT n.name, max(e.v) AS value
            FROM (SELECT unnest(map_keys(r.tags)) AS k, unnest(map_values(r.tags)) AS v) e
            JOIN {_TAG_NAMES} n ON n.key = e.k
            WHERE e.v <> ''
            GROUP BY n.name
        )
    )""",
    )
