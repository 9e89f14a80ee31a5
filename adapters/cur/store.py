"""The spend store: CUR files materialized per billing period, read back by the dashboard.

`CurStore` is the facade the service uses; the work is done by one module per job:

    s3.py, formats.py        find the CUR's files (local or copied from S3), recognise formats
    columns.py, tags.py      read columns whatever their spelling; where tags are kept
    aggregate.py             the one pass: line items merged into a table a few percent big
    normalize.py, line_items.py   the normalized line items (only with `keep_line_items`)
    summaries.py             a period's daily.parquet, resources.parquet, accounts.parquet
    materialize.py           a refresh's steps inside its staging folder
    refresh.py, manifest.py  the lock, staging, atomic swap and clean-up; the manifest
    queries.py, resources.py the reads
    sql.py                   DuckDB helpers (also used by the allocation engine)

A refresh that fails (an unreadable file, a full disk) leaves the store exactly as it was.
Dashboard reads only touch the small per-period files and the manifest, never the raw CUR.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from adapters import duck
from adapters.cur import queries, sql
from adapters.cur.engines import DuckDBRefreshEngine, RefreshEngine
from adapters.cur.formats import period_hint
from adapters.cur.manifest import Manifest
from adapters.cur.materialize import materialize
from adapters.cur.refresh import (
    StoreFolder,
    no_progress,
    source_files,
    unchanged_periods,
    wanted_periods,
)
from adapters.cur.resources import ResourceOrder, resource_query
from adapters.cur.s3 import fetch, survey
from domain.allocation.workloads import ResourceKey
from domain.errors import Unavailable
from domain.spend.models import BillingPeriod, DailyCostSource, ResourcePage, SeenAccount

Progress = Callable[[str, int, int], None]
T = TypeVar("T")


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
        engine: RefreshEngine | None = None,
    ) -> None:
        self._dir = Path(store_dir)
        # who runs the pass over the line items (`engines.py`); DuckDB cuts the period files
        self._engine: RefreshEngine = engine or DuckDBRefreshEngine()
        self._keep_line_items = keep_line_items
        self._folder = StoreFolder(self._dir)
        spill = self._dir / ".tmp" / "spill"
        spill.mkdir(parents=True, exist_ok=True)
        self._s3_client = s3_client
        self._db = sql.connect(
            spill=spill, memory_limit=memory_limit or duck.limits().memory_limit, threads=threads
        )

    @property
    def engine_name(self) -> str:
        """The engine this store's refreshes run the pass on (`duckdb`, `spark`)."""
        return self._engine.name

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CurStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, query: Callable[[Manifest, duckdb.DuckDBPyConnection], T]) -> T:
        """Run a read on one manifest snapshot. Should another process replace the period
        files underneath it, read once more from the new manifest."""
        for attempt in (1, 2):
            with self._folder.reading() as manifest, sql.cursor(self._db) as con:
                try:
                    return query(manifest, con)
                except duckdb.IOException:
                    if attempt == 2 or self._folder.manifest.load() is manifest:
                        raise
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ reads

    def billing_periods(self) -> list[BillingPeriod]:
        """Every billing period in the store, oldest first."""
        with self._folder.reading() as manifest:
            return queries.billing_periods(manifest)

    def daily_costs(self, period: str) -> DailyCostSource:
        """The materialized files of `period` for the allocation engine.

        The paths stay valid until the period is refreshed again.
        """
        with self._folder.reading() as manifest:
            return queries.daily_costs(self._dir, manifest, period)

    def invoice_amounts(self, period: str) -> list[tuple[str | None, str, str, Decimal]]:
        """What each account adds to each invoice of `period` (id, account, currency, cost)."""
        return self._read(
            lambda manifest, con: queries.invoice_amounts(self._dir, manifest, con, period)
        )

    def accounts_seen(self) -> list[SeenAccount]:
        """Usage accounts the CUR shows, with the first usage day and the latest known name."""
        return self._read(lambda manifest, con: queries.accounts_seen(self._dir, manifest, con))

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
        only_keys: Collection[ResourceKey] | None = None,
        exclude_keys: Collection[ResourceKey] | None = None,
        order: ResourceOrder = "resource",
        offset: int = 0,
    ) -> ResourcePage:
        """Resources of one billing period (default: the latest), ordered by resource id (or
        `order="cost"`: the period's cost, highest first), paged by `cursor` or `offset`, with
        the total count of matches.

        `q` matches a part of the resource id or of any tag value (case-insensitive); `tag` is
        `key` (the tag is set) or `key=value`; a key also matches with its `user_` prefix.
        `account_ids` keeps only these accounts and `only_resource_ids` only these resources
        (an empty collection: none); `exclude_resource_ids` leaves these out. `only_keys` and
        `exclude_keys` do the same by (account id, resource id), the key of a resource (the
        same id in two accounts is two resources). The id lists may
        be long: they are handed to DuckDB as Arrow tables, never spliced into the SQL.
        """
        query = resource_query(
            q=q,
            service=service,
            tag=tag,
            account_id=account_id,
            period=period,
            limit=limit,
            cursor=cursor,
            account_ids=account_ids,
            only_resource_ids=only_resource_ids,
            exclude_resource_ids=exclude_resource_ids,
            only_keys=only_keys,
            exclude_keys=exclude_keys,
            order=order,
            offset=offset,
        )
        if query is None:
            return ResourcePage(items=(), next_cursor=None, total=0)
        return self._read(lambda manifest, con: query.page(self._dir, manifest, con))

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

        A period delivered again with the same files as the refresh that materialized it (same
        paths, sizes and modification times; in S3 the same ETags and LastModified) is not read
        again: it is answered as it stands, with its `refreshed_at` unchanged.

        A store folder that cannot be written (full, read-only, not a folder) raises
        Unavailable naming it; the store stays as it was (nothing is swapped in).
        """
        try:
            return self._refresh(
                source, periods=periods, progress=progress, keep_line_items=keep_line_items
            )
        except (OSError, duckdb.IOException) as exc:
            where = getattr(exc, "filename", None) or str(exc)
            if isinstance(exc, FileNotFoundError) and str(self._dir) not in str(where):
                raise  # the source went missing: not the store's fault
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise Unavailable(
                f"the spend store {self._dir} cannot be written ({reason.splitlines()[0]}): "
                "nothing was changed; free space or fix the folder, then refresh again"
            ) from exc

    def _refresh(
        self,
        source: str,
        *,
        periods: Iterable[str] | None,
        progress: Progress | None,
        keep_line_items: bool | None,
    ) -> list[BillingPeriod]:
        wanted = wanted_periods(periods)
        keep = self._keep_line_items if keep_line_items is None else keep_line_items
        report = progress or no_progress
        with self._folder.staging() as (staging, token):
            listed = survey(source, self._s3_client)
            unchanged = unchanged_periods(
                self._dir,
                self._folder.manifest.load(),
                listed,
                source=source,
                wanted=wanted,
                keep=keep,
            )
            if unchanged:
                listed = [f for f in listed if period_hint(f.relative) not in unchanged]
                report("unchanged", len(unchanged), len(unchanged))
            rest = None if wanted is None else wanted - set(unchanged)
            entries = []
            if not unchanged or (listed and rest != frozenset()):
                located = fetch(source, listed, staging / "download", self._s3_client, report)
                with sql.cursor(self._db) as con:
                    entries = materialize(
                        con,
                        located,
                        source=source,
                        wanted=rest,
                        staging=staging,
                        token=token,
                        report=report,
                        keep=keep,
                        engine=self._engine,
                    )
                files = source_files(listed) or {}
                entries = [replace(e, sources=files.get(e.period, ())) for e in entries]
                self._folder.swap(entries, staging)
            report("done", len(entries), len(entries))
        return [
            e.as_billing_period()
            for e in sorted([*entries, *unchanged.values()], key=lambda e: e.period)
        ]
