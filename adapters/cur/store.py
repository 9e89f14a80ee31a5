"""The spend store: CUR files materialized per billing period, read back by the dashboard.

A refresh reads the CUR in place with DuckDB in one aggregation pass (see `sources.py`): the
line items are normalized and merged by billing period, usage day, account, resource, service,
line item type, invoice and currency into a temporary table a few percent of the CUR's size.
Every file is cut from that table, per billing period:

    periods/<YYYY-MM>@<refresh>/daily.parquet          sums by account, resource, service,
                                                       line item type and usage day
    periods/<YYYY-MM>@<refresh>/resources.parquet      one row per resource, tags as a MAP
    periods/<YYYY-MM>@<refresh>/accounts.parquet       one row per usage account
    periods/<YYYY-MM>@<refresh>/line_items/*.parquet   only with `keep_line_items`: normalized
                                                       line items, DECIMAL(20,10)
    manifest.json                                      the periods in force and their figures

Everything is first written under `.staging/`; folders are renamed into `periods/` and the
manifest is replaced with `os.replace` only once every file is written, so a refresh that fails
(an unreadable file, a full disk) leaves the store exactly as it was. Dashboard reads only touch
the small per-period files and the manifest, never the raw CUR.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import json
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from adapters.cur.manifest import Manifest, ManifestFile, PeriodEntry, fsync_dir
from adapters.cur.sources import (
    MONEY,
    SPEND_ROW_COLUMNS,
    TAGS,
    FileGroup,
    SourceFile,
    aggregate_select,
    flat_tag_sources,
    group_files,
    is_data_file,
    list_local,
    literal,
    normalized_select,
    path_list,
    period_hint,
    probe,
    tag_column,
    tag_key_query,
    tag_sources,
    violation,
)
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.spend.models import (
    BillingPeriod,
    DailyCostSource,
    ResourcePage,
    ResourceRow,
    SeenAccount,
    is_billing_period,
)

Progress = Callable[[str, int, int], None]
T = TypeVar("T")

DEFAULT_MEMORY_LIMIT = "1GB"
# the refresh's working tables (temporary, on the refresh's own connection)
_ROWS = "spend_rows"
_TAG_NAMES = "tag_names"
_RESOURCES = "period_resources"
MAX_PAGE = 1000
# How long a refresh waits for in-flight reads before leaving superseded folders to the next
# refresh's clean-up.
_READER_GRACE_SECONDS = 30.0


@dataclass
class _Unit:
    """One COPY of normalized rows: a file group, optionally narrowed to one billing period."""

    index: int
    group: FileGroup
    files: list[SourceFile]
    period: str | None


class CurStore:
    """Synchronous spend store over DuckDB; call it from async code with `asyncio.to_thread`.

    One instance per store folder and process. Reads may run in parallel threads; refreshes are
    serialized (across processes too, by a lock file).
    """

    def __init__(
        self,
        store_dir: Path,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        s3_client: Any = None,
        keep_line_items: bool = False,
    ) -> None:
        self._dir = Path(store_dir)
        self._keep_line_items = keep_line_items
        self._dir.mkdir(parents=True, exist_ok=True)
        (self._dir / "periods").mkdir(exist_ok=True)
        spill = self._dir / ".tmp" / "spill"
        spill.mkdir(parents=True, exist_ok=True)
        self._s3_client = s3_client
        config: dict[str, Any] = {
            "preserve_insertion_order": False,
            "temp_directory": str(spill),
            "memory_limit": memory_limit or DEFAULT_MEMORY_LIMIT,
        }
        if threads:
            config["threads"] = int(threads)
        self._db = duckdb.connect(":memory:", config=config)
        with contextlib.suppress(duckdb.Error):
            # dates are cut in UTC, like the CUR, whatever the host's zone
            self._db.execute("SET TimeZone = 'UTC'")
        self._write_lock = threading.Lock()
        self._readers = 0
        self._readers_changed = threading.Condition()
        self._manifest = ManifestFile(self._dir / "manifest.json")

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CurStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self._db.cursor()
        try:
            with contextlib.suppress(duckdb.Error):
                cursor.execute("SET TimeZone = 'UTC'")
            yield cursor
        finally:
            cursor.close()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Manifest]:
        with self._readers_changed:
            self._readers += 1
        try:
            yield self._manifest.load()
        finally:
            with self._readers_changed:
                self._readers -= 1
                self._readers_changed.notify_all()

    def _read(self, query: Callable[[Manifest, duckdb.DuckDBPyConnection], T]) -> T:
        """Run a read on one manifest snapshot. Should another process replace the period
        files underneath it, read once more from the new manifest."""
        for attempt in (1, 2):
            with self._reading() as manifest, self._cursor() as con:
                try:
                    return query(manifest, con)
                except duckdb.IOException:
                    if attempt == 2 or self._manifest.load() is manifest:
                        raise
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._write_lock, open(self._dir / ".lock", "a+") as lock_file:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)

    # ------------------------------------------------------------------ reads

    def billing_periods(self) -> list[BillingPeriod]:
        """Every billing period in the store, oldest first."""
        with self._reading() as manifest:
            return [e.as_billing_period() for _, e in sorted(manifest.periods.items())]

    def daily_costs(self, period: str) -> DailyCostSource:
        """The materialized files of `period` for the allocation engine.

        The paths stay valid until the period is refreshed again.
        """
        with self._reading() as manifest:
            entry = manifest.periods.get(period)
            if entry is None:
                raise NotFound(f"billing period {period} is not in the spend store")
            folder = self._dir / entry.folder
            return DailyCostSource(
                period=period,
                daily_paths=(str(folder / "daily.parquet"),),
                line_item_paths=tuple(str(folder / f) for f in entry.line_item_files),
                tag_columns=entry.tag_columns,
            )

    def accounts_seen(self) -> list[SeenAccount]:
        """Usage accounts the CUR shows, with the first usage day and the latest known name."""

        def query(manifest: Manifest, con: duckdb.DuckDBPyConnection) -> list[Any]:
            if not manifest.periods:
                return []
            files = [self._dir / e.folder / "accounts.parquet" for e in manifest.periods.values()]
            return con.execute(
                f"""
                SELECT account_id,
                       arg_max(account_name, billing_period)
                           FILTER (WHERE account_name IS NOT NULL),
                       min(first_seen)
                FROM read_parquet({path_list(files)})
                GROUP BY account_id
                ORDER BY account_id
                """
            ).fetchall()

        rows = self._read(query)
        return [SeenAccount(account_id=r[0], name=r[1], first_seen=r[2]) for r in rows]

    def resources(
        self,
        *,
        q: str | None = None,
        service: str | None = None,
        tag: str | None = None,
        account_id: str | None = None,
        period: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        account_ids: Collection[str] | None = None,
        only_resource_ids: Collection[str] | None = None,
        exclude_resource_ids: Collection[str] | None = None,
    ) -> ResourcePage:
        """Resources of one billing period (default: the latest), ordered by resource id.

        `q` matches a part of the resource id or of any tag value (case-insensitive); `tag` is
        `key` (the tag is set) or `key=value`; a key also matches with its `user_` prefix.
        `account_ids` keeps only these accounts and `only_resource_ids` only these resources
        (an empty collection: none); `exclude_resource_ids` leaves these out. The id lists may
        be long: they are handed to DuckDB as Arrow tables, never spliced into the SQL.
        """
        if not 1 <= limit <= MAX_PAGE:
            raise RuleViolation(
                f"limit must be between 1 and {MAX_PAGE}",
                errors=[ErrorDetail(message=f"between 1 and {MAX_PAGE}", field="limit")],
            )
        if period is not None and not is_billing_period(period):
            raise RuleViolation(
                "period must look like YYYY-MM",
                errors=[ErrorDetail(message="YYYY-MM expected", field="period")],
            )
        after = _decode_cursor(cursor) if cursor else None
        where: list[str] = []
        params: list[Any] = []
        # id lists become one-column tables on the read's own cursor (semi / anti joins)
        id_tables: dict[str, pa.Table] = {}
        for name, column, values, keep in (
            ("wanted_accounts", "account_id", account_ids, True),
            ("wanted_resources", "resource_id", only_resource_ids, True),
            ("unwanted_resources", "resource_id", exclude_resource_ids, False),
        ):
            if values is None:
                continue
            ids = _id_list(values)
            if keep and not ids:
                return ResourcePage(items=(), next_cursor=None)
            if ids:
                id_tables[name] = pa.table({"id": pa.array(ids, pa.string())})
                where.append(f"{column} {'IN' if keep else 'NOT IN'} (SELECT id FROM {name})")
        if q:
            where.append(
                "(contains(lower(resource_id), ?) OR len(list_filter(map_values(tags), "
                "lambda v: contains(lower(v), ?))) > 0)"
            )
            params += [q.lower(), q.lower()]
        if service:
            where.append("lower(service) = ?")
            params.append(service.lower())
        if account_id:
            where.append("account_id = ?")
            params.append(account_id)
        if tag:
            key, has_value, value = tag.partition("=")
            key = key.strip()
            lookup = "COALESCE(tags[?], tags['user_' || ?])"
            if has_value:
                where.append(f"lower({lookup}) = ?")
                params += [key, key, value.strip().lower()]
            else:
                where.append(f"{lookup} IS NOT NULL")
                params += [key, key]
        if after:
            where.append("(resource_id > ? OR (resource_id = ? AND account_id > ?))")
            params += [after[0], after[0], after[1]]

        def query(manifest: Manifest, con: duckdb.DuckDBPyConnection) -> tuple[str, list[Any]]:
            chosen = period or manifest.latest()
            if chosen is None or chosen not in manifest.periods:
                return "", []
            path = self._dir / manifest.periods[chosen].folder / "resources.parquet"
            for name, table in id_tables.items():
                con.register(name, table)
            sql = (
                "SELECT resource_id, service, account_id, region, tags, unblended_cost "
                f"FROM read_parquet({literal(str(path))}) "
                + (f"WHERE {' AND '.join(where)} " if where else "")
                + f"ORDER BY resource_id, account_id LIMIT {int(limit) + 1}"
            )
            return chosen, con.execute(sql, params).fetchall()

        chosen, rows = self._read(query)
        if not chosen:
            return ResourcePage(items=(), next_cursor=None)
        items = tuple(
            ResourceRow(
                resource_id=r[0],
                service=r[1],
                account_id=r[2],
                region=r[3],
                tags=dict(r[4] or {}),
                cost=r[5],
                period=chosen,
            )
            for r in rows[:limit]
        )
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            next_cursor = _encode_cursor(last.resource_id, last.account_id)
        return ResourcePage(items=items, next_cursor=next_cursor)

    # ------------------------------------------------------------------ refresh

    def refresh(
        self,
        source: str,
        *,
        periods: Iterable[str] | None = None,
        progress: Progress | None = None,
        keep_line_items: bool | None = None,
    ) -> list[BillingPeriod]:
        """Read the CUR at `source` (a local folder or file, or s3://bucket/prefix), detect its
        format, and materialize each billing period found (YYYY-MM) into the store, replacing
        that period as a whole.

        All-or-nothing per refresh: on any unreadable file, raise RuleViolation naming the file
        and leave the store as it was. `keep_line_items` (default: the store's setting, off)
        also writes every normalized line item to parquet, which costs a second pass over the
        CUR and most of a refresh's time; nothing in the service reads them.
        """
        wanted = _wanted_periods(periods)
        keep = self._keep_line_items if keep_line_items is None else keep_line_items
        report = progress or _no_progress
        with self._exclusive():
            self._collect_garbage()
            token = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
            staging = self._dir / ".staging" / token
            staging.mkdir(parents=True)
            try:
                entries = self._materialize(source, wanted, staging, token, report, keep=keep)
                self._swap(entries, staging)
                report("done", len(entries), len(entries))
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            return [e.as_billing_period() for e in sorted(entries, key=lambda e: e.period)]

    def _materialize(
        self,
        source: str,
        wanted: frozenset[str] | None,
        staging: Path,
        token: str,
        report: Progress,
        *,
        keep: bool = False,
    ) -> list[PeriodEntry]:
        located = self._locate(source, staging / "download", report)
        if not located:
            raise violation(source, "no CUR data files (.parquet, .csv, .csv.gz) found")
        if wanted is not None:
            # skip files whose path names another billing period
            located = [f for f in located if period_hint(f[2]) in (None, *wanted)]
            if not located:
                raise violation(source, f"no line items for billing period(s) {sorted(wanted)}")
        with self._cursor() as con:
            probed = []
            for i, (path, name, relative) in enumerate(located, start=1):
                probed.append(probe(con, path, name, relative))
                report("probe", i, len(located))
            groups = group_files(probed)
            units = _plan_units(groups)
            columns = ", ".join(f"{n} {t}" for n, t in SPEND_ROW_COLUMNS)
            con.execute(f"CREATE OR REPLACE TEMP TABLE {_ROWS} ({columns})")
            try:
                # the one pass over the CUR: every file's rows merged by day, account, resource,
                # service and line item type into a table a few percent of the CUR's size
                for i, unit in enumerate(units, start=1):
                    self._aggregate(con, unit, wanted)
                    report("aggregate", i, len(units))
                found = _periods_found(con, source, strict=wanted is None)
                if wanted is not None:
                    missing = sorted(wanted - set(found))
                    if missing:
                        raise violation(source, f"no line items for billing period(s) {missing}")
                if not found:
                    raise violation(source, "the files hold no AWS line items")
                line_item_dirs: dict[str, list[Path]] = {}
                if keep:
                    line_item_dirs = self._keep_line_items_of(
                        con, groups, units, wanted, staging / "line_items", source, report
                    )
                entries = []
                refreshed_at = datetime.now(UTC)
                for i, period in enumerate(sorted(found), start=1):
                    entries.append(
                        self._summarize_period(
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
                con.execute(f"DROP TABLE IF EXISTS {_ROWS}")
        return entries

    def _aggregate(
        self, con: duckdb.DuckDBPyConnection, unit: _Unit, wanted: frozenset[str] | None
    ) -> None:
        def sql_for(files: Sequence[SourceFile]) -> str:
            return aggregate_select(
                unit.group, files=files, period=unit.period, unit=unit.index, periods=wanted
            )

        try:
            con.execute(f"INSERT INTO {_ROWS} {sql_for(unit.files)}")
        except duckdb.Error as exc:
            raise self._blame(con, unit.files, lambda f: sql_for([f]), exc) from exc

    def _keep_line_items_of(
        self,
        con: duckdb.DuckDBPyConnection,
        groups: Sequence[FileGroup],
        units: Sequence[_Unit],
        wanted: frozenset[str] | None,
        out: Path,
        source: str,
        report: Progress,
    ) -> dict[str, list[Path]]:
        """The optional second pass: every normalized line item, one `tag_<key>` column per tag
        key (found by a scan of the tag maps first)."""
        self._discover_tags(con, groups, report)
        tag_columns = sorted({c for g in groups for c in tag_sources(g)})
        for i, unit in enumerate(units, start=1):
            self._write_line_items(con, unit, tag_columns, wanted, out)
            report("line_items", i, len(units))
        return _periods_written(out, source)

    def _locate(self, source: str, download: Path, report: Progress) -> list[tuple[Path, str, str]]:
        if source.startswith("s3://"):
            return self._download_s3(source, download, report)
        return list_local(Path(source).expanduser())

    def _download_s3(
        self, source: str, download: Path, report: Progress
    ) -> list[tuple[Path, str, str]]:
        """Copy the data objects under an s3:// prefix to the staging folder, then read locally.

        DuckDB's httpfs extension is not assumed (it is downloaded at run time); boto3 uses the
        service's usual AWS credentials chain.
        """
        bucket, _, prefix = source[len("s3://") :].partition("/")
        if not bucket:
            raise violation(source, "an S3 source looks like s3://bucket/prefix")
        client = self._s3_client
        if client is None:
            import boto3

            client = boto3.client("s3")
        keys: list[str] = []
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                relative = obj["Key"][len(prefix) :].lstrip("/")
                if is_data_file(relative or obj["Key"]):
                    keys.append(obj["Key"])
        out = []
        for i, key in enumerate(sorted(keys), start=1):
            relative = key[len(prefix) :].lstrip("/") or key.rsplit("/", 1)[-1]
            target = download / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, key, str(target))
            out.append((target, f"s3://{bucket}/{key}", relative))
            report("download", i, len(keys))
        return out

    def _discover_tags(
        self, con: duckdb.DuckDBPyConnection, groups: Sequence[FileGroup], report: Progress
    ) -> None:
        for i, group in enumerate(groups, start=1):
            self._discover_group_tags(con, group)
            report("tags", i, len(groups))

    def _discover_group_tags(self, con: duckdb.DuckDBPyConnection, group: FileGroup) -> None:
        """Tags kept in a MAP or JSON column: find the keys, each becomes a tag_<key> column."""
        sql = tag_key_query(group)
        if sql is None:
            return

        def one_file(f: SourceFile) -> str:
            return tag_key_query(group, [f]) or "SELECT 1"

        try:
            keys = [r[0] for r in con.execute(sql).fetchall() if r[0]]
        except duckdb.Error as exc:
            raise self._blame(con, group.files, one_file, exc) from exc
        group.tag_keys = {k: tag_column(k) for k in sorted(keys)}

    def _write_line_items(
        self,
        con: duckdb.DuckDBPyConnection,
        unit: _Unit,
        tag_columns: Sequence[str],
        wanted: frozenset[str] | None,
        out: Path,
    ) -> None:
        select = normalized_select(
            unit.group, files=unit.files, period=unit.period, tag_columns=tag_columns
        )
        filtered = f"SELECT * FROM ({select})"
        if wanted is not None and unit.period is None:
            filtered += f" WHERE billing_period IN ({', '.join(literal(p) for p in wanted)})"
        if unit.period is not None:
            target = out / f"billing_period={unit.period}"
            target.mkdir(parents=True, exist_ok=True)
            copy = (
                f"COPY ({filtered}) TO {literal(str(target / f'u{unit.index}-0.parquet'))} "
                "(FORMAT parquet)"
            )
        else:
            copy = (
                f"COPY ({filtered}) TO {literal(str(out))} (FORMAT parquet, "
                "PARTITION_BY (billing_period), WRITE_PARTITION_COLUMNS true, "
                f"OVERWRITE_OR_IGNORE true, FILENAME_PATTERN 'u{unit.index}-{{i}}')"
            )
        try:
            con.execute(copy)
        except duckdb.Error as exc:
            raise self._blame(
                con,
                unit.files,
                lambda f: normalized_select(
                    unit.group, files=[f], period=unit.period, tag_columns=tag_columns
                ),
                exc,
            ) from exc

    def _blame(
        self,
        con: duckdb.DuckDBPyConnection,
        files: Sequence[SourceFile],
        sql_for: Callable[[SourceFile], str],
        exc: duckdb.Error,
    ) -> BaseException:
        """Name the file a failed scan choked on, by running the scan on each file alone.

        When every file reads on its own, the fault is not in the data (a full disk, a
        schema clash between files): the original error is returned.
        """
        if isinstance(exc, duckdb.OutOfMemoryException | duckdb.InterruptException):
            return exc
        for f in files:
            try:
                con.execute(
                    f"SELECT count(*), sum(hash(COLUMNS(*))) FROM ({sql_for(f)})"
                ).fetchall()
            except duckdb.Error as inner:
                return violation(f.name, f"cannot be read: {_first_line(inner)}")
        return exc

    def _summarize_period(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        period: str,
        unit_dirs: list[Path],
        units: Sequence[_Unit],
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
        rows = f"{_ROWS} WHERE billing_period = {literal(period)}"
        # (b) daily aggregates: what the allocation engine reads, one row per account, resource,
        # service, line item type and usage day, each cost basis summed exactly as DECIMAL
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
            ) TO {literal(str(folder / "daily.parquet"))} (FORMAT parquet)
            """
        )
        report("daily", step[0], step[1])
        # the resource list behind claims, with the tags of the resource's latest usage day
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_RESOURCES} AS
            SELECT resource_id, account_id, max(service) AS service, max(region) AS region,
                   sum(unblended_cost) AS unblended_cost,
                   sum(net_unblended_cost) AS net_unblended_cost,
                   sum(amortized_cost) AS amortized_cost,
                   min(usage_date) AS first_usage_date, max(usage_date) AS last_usage_date,
                   -- TRY_: a map the CUR wrote with a repeated key does not cast back
                   TRY_CAST(arg_max(tags, (usage_date, tags)) FILTER (WHERE tags IS NOT NULL)
                            AS {TAGS}) AS tags
            FROM {rows} AND resource_id IS NOT NULL
            GROUP BY resource_id, account_id
            """
        )
        try:
            tag_columns, tagged = self._tags_of(con, units)
            # sorted by resource id for paging
            con.execute(
                f"""
                COPY (
                    SELECT r.resource_id, r.account_id, r.service, r.region,
                           COALESCE({tagged}, MAP {{}}::{TAGS}) AS tags,
                           r.unblended_cost, r.net_unblended_cost, r.amortized_cost,
                           r.first_usage_date, r.last_usage_date
                    FROM {_RESOURCES} r
                    ORDER BY r.resource_id, r.account_id
                ) TO {literal(str(folder / "resources.parquet"))} (FORMAT parquet)
                """
            )
        finally:
            con.execute(f"DROP TABLE IF EXISTS {_RESOURCES}")
            with contextlib.suppress(duckdb.Error):
                con.unregister(_TAG_NAMES)
        report("resources", step[0], step[1])
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
        row = con.execute(
            f"""
            SELECT sum(line_items), sum(unblended_cost),
                   list_sort(list(DISTINCT invoice_id) FILTER (WHERE invoice_id IS NOT NULL)),
                   list_sort(list(DISTINCT currency) FILTER (WHERE currency IS NOT NULL))
            FROM {rows}
            """
        ).fetchone()
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

    def _tags_of(
        self, con: duckdb.DuckDBPyConnection, units: Sequence[_Unit]
    ) -> tuple[tuple[str, ...], str]:
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
            return tag_columns, (
                "map_from_entries(list_filter(map_entries(r.tags), lambda e: e.value <> ''))"
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

    def _swap(self, entries: Sequence[PeriodEntry], staging: Path) -> None:
        """Move the new period folders in and replace the manifest: the store's commit point."""
        for e in entries:
            os.rename(staging / "periods" / e.period, self._dir / e.folder)
        fsync_dir(self._dir / "periods")
        old = self._manifest.load()
        periods = dict(old.periods)
        superseded = []
        for e in entries:
            if e.period in periods:
                superseded.append(periods[e.period].folder)
            periods[e.period] = e
        self._manifest.write(Manifest(dict(sorted(periods.items()))))
        with self._readers_changed:
            idle = self._readers_changed.wait_for(
                lambda: self._readers == 0, timeout=_READER_GRACE_SECONDS
            )
        if idle:
            for folder in superseded:
                shutil.rmtree(self._dir / folder, ignore_errors=True)

    def _collect_garbage(self) -> None:
        """Remove what a crashed or superseded refresh left: staging and unreferenced folders."""
        shutil.rmtree(self._dir / ".staging", ignore_errors=True)
        referenced = {e.folder for e in self._manifest.load().periods.values()}
        for folder in (self._dir / "periods").iterdir():
            if f"periods/{folder.name}" not in referenced:
                shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------- helpers


def _no_progress(stage: str, done: int, total: int) -> None:
    del stage, done, total


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _wanted_periods(periods: Iterable[str] | None) -> frozenset[str] | None:
    if periods is None:
        return None
    if isinstance(periods, str):
        periods = [periods]
    chosen = frozenset(p.strip() for p in periods)
    bad = sorted(p for p in chosen if not is_billing_period(p))
    if bad:
        raise RuleViolation(
            f"billing periods must look like YYYY-MM: {', '.join(bad)}",
            errors=[ErrorDetail(message=f"{p}: YYYY-MM expected", field="periods") for p in bad],
        )
    return chosen


def _plan_units(groups: Sequence[FileGroup]) -> list[_Unit]:
    """Files whose path names their billing period are written per period with the period as a
    literal (no per-row date formatting, no partitioned write); the others in one partitioned
    COPY per group."""
    units: list[_Unit] = []
    for group in groups:
        by_period: dict[str, list[SourceFile]] = {}
        loose: list[SourceFile] = []
        for f in group.files:
            if f.period_hint:
                by_period.setdefault(f.period_hint, []).append(f)
            else:
                loose.append(f)
        for period, files in sorted(by_period.items()):
            units.append(_Unit(index=len(units), group=group, files=files, period=period))
        if loose:
            units.append(_Unit(index=len(units), group=group, files=loose, period=None))
    return units


def _periods_found(
    con: duckdb.DuckDBPyConnection, source: str, *, strict: bool
) -> dict[str, list[int]]:
    """Billing period -> the units (indexes) that hold its rows."""
    found: dict[str, list[int]] = {}
    for period, unit_ids in con.execute(
        f"SELECT billing_period, list_sort(list(DISTINCT unit)) FROM {_ROWS} GROUP BY ALL"
    ).fetchall():
        if period is None:
            if strict:
                raise violation(source, "some line items have no readable billing period")
            continue
        found[period] = list(unit_ids)
    return found


_PERIOD_DIR = re.compile(r"^billing_period=(\d{4}-\d{2})$")


def _periods_written(line_items: Path, source: str) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    if not line_items.exists():
        return found
    for d in sorted(line_items.iterdir()):
        m = _PERIOD_DIR.match(d.name)
        if d.is_dir() and m and any(d.glob("*.parquet")):
            found.setdefault(m.group(1), []).append(d)
        elif d.is_dir() and not m:
            raise violation(source, f"some line items have no readable billing period ({d.name})")
    return found


def _id_list(values: Collection[str]) -> list[str]:
    """Distinct ids, sorted; a lone string is one id (not its characters)."""
    if isinstance(values, str):
        values = [values]
    return sorted({str(v) for v in values if v is not None})


def _encode_cursor(resource_id: str, account_id: str) -> str:
    raw = json.dumps([resource_id, account_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return value[0], value[1]
    except (binascii.Error, ValueError, UnicodeDecodeError):
        pass
    raise RuleViolation(
        "invalid cursor", errors=[ErrorDetail(message="not a cursor of this list", field="cursor")]
    )
