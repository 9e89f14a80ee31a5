"""The line counts of the summaries the engine wrote, kept as tables in its database.

An incremental re-allocation looks up the base's row for every key a change alters
(`incremental._changed_rows`); reading `summary_counts.parquet` for that decodes most of the
file (136,000 rows for a 10M-row month) and its footer, each change. A full run and a
compaction build the counts as a table before writing the file, so the engine keeps that table
(renamed, no copy) under the file's state: its path, inode, size and modification time. A
lookup matches only the file as it was written; a file replaced since (by another worker, a
full run of another process, a compaction) is another inode and mtime, and is read from disk.

At most one table per file, and `KEPT_ROWS` rows in all (the least recently used go first):
about 90 bytes a row in memory (12 MB for a 10M-row month's 136,000), so at most about 90 MB,
seven such months. A lookup in the kept table rather than the file saves 2-4 ms of a change's
60-65 ms at 10M rows (`benchmarks/reallocate.py`); more for larger months.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

import duckdb

from adapters.allocation.summary_files import file_stamp
from adapters.cur.sql import literal

KEPT_ROWS = 1_000_000


class Kept(NamedTuple):
    state: tuple[int, int, int]
    table: str
    rows: int


class KeptCounts:
    """The counts tables of one engine database, by counts file."""

    def __init__(self, max_rows: int = KEPT_ROWS) -> None:
        self._max_rows = max_rows
        self._by_path: OrderedDict[str, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def relation(self, counts: Path) -> tuple[str, int] | None:
        """The kept table of `counts` as the file stands, and its number of rows; None when it
        is not kept (then read the file)."""
        state = file_stamp(counts)
        if state is None:
            return None
        with self._lock:
            kept = self._by_path.get(str(counts))
            if kept is None or kept.state != state:
                return None
            self._by_path.move_to_end(str(counts))
            return kept.table, kept.rows

    def take(self, con: duckdb.DuckDBPyConnection, table: str, written: Path, counts: Path) -> None:
        """Keep `table` (main schema), whose rows were just written to `written`, which is
        about to become `counts` (a rename keeps the inode, size and mtime). The table is the
        registry's from now on: renamed, and dropped when it is superseded or evicted."""
        state = file_stamp(written)
        if state is None:  # the written file is gone: nothing to keep it for
            con.execute(f"DROP TABLE IF EXISTS {table}")
            return
        rows = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
        name = f"kept_counts_{uuid.uuid4().hex[:12]}"
        con.execute(f"ALTER TABLE {table} RENAME TO {name}")
        self._add(con, str(counts), Kept(state, name, rows))

    def load(self, con: duckdb.DuckDBPyConnection, counts: Path) -> None:
        """Keep `counts` read from disk, unless it is kept as it stands."""
        state = file_stamp(counts)
        if state is None or self.relation(counts) is not None:
            return
        name = f"kept_counts_{uuid.uuid4().hex[:12]}"
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet({literal(str(counts))})")
        rows = int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])
        self._add(con, str(counts), Kept(state, name, rows))

    def _add(self, con: duckdb.DuckDBPyConnection, path: str, kept: Kept) -> None:
        dropped: list[str] = []
        with self._lock:
            previous = self._by_path.pop(path, None)
            if previous is not None:
                dropped.append(previous.table)
            self._by_path[path] = kept
            total = sum(k.rows for k in self._by_path.values())
            while total > self._max_rows and len(self._by_path) > 1:
                _, oldest = self._by_path.popitem(last=False)
                dropped.append(oldest.table)
                total -= oldest.rows
            if total > self._max_rows:  # one file larger than the bound: not kept
                self._by_path.pop(path)
                dropped.append(kept.table)
        for table in dropped:
            con.execute(f"DROP TABLE IF EXISTS {table}")
