"""The period summary as its readers see it: the base file a full run wrote, merged with the
delta an incremental run wrote since.

A full run writes `summary.parquet` (and `summary_counts.parquet`, the same rows with their
numbers of lines). An incremental run does not rewrite them: it writes only the rows a change
altered to `summary_delta_<size>_<mtime>.parquet` (`delta_path`), each with its line count; a
row whose count fell to zero stays in the delta as a tombstone (count 0), hiding the base's
row. The delta is named after the base it applies to, so a delta left next to another base
(a full run replaced it, or a copy) is never read. Readers take rows from `summary_from`:

    base rows whose key has no delta row  UNION ALL  delta rows with a count

which is the full run's summary row for row (tested: `test_incremental.py`). When the delta
grows past a share of the base, the incremental run compacts it (`incremental.py`): base and
counts rewritten, delta removed, the base then the same to the byte as a full run's.

A reader names the files when it builds its query and DuckDB opens them a moment later: a full
run or a compaction swapping the base in between could pair the old delta with the new base,
or remove the delta it named. `read_consistently` runs the read again when the files it named
changed while it ran, so every answer comes from one base and the delta made for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import duckdb

from adapters.allocation.results import COUNTS_FILE, SUMMARY_FILE
from adapters.allocation.sql import SUMMARY_COLUMNS, literal, path_list
from domain.errors import Unavailable

T = TypeVar("T")
READ_ATTEMPTS = 5

DELTA_PREFIX = "summary_delta_"
# the columns that make a summary row's key (every column but the amount)
KEY_COLUMNS = tuple(c for c in SUMMARY_COLUMNS if c != "amount")


def delta_path(summary: Path) -> Path | None:
    """The delta file that applies to the base `summary` (existing or not), None when there is
    no base."""
    try:
        st = os.stat(summary)
    except FileNotFoundError:
        return None
    return summary.parent / f"{DELTA_PREFIX}{st.st_size}_{st.st_mtime_ns}.parquet"


def current_delta(summary: Path) -> Path | None:
    """The delta file to merge with the base `summary`, None when there is none."""
    delta = delta_path(summary)
    return delta if delta is not None and delta.is_file() else None


def remove_deltas(folder: Path, keep: Path | None = None) -> None:
    """Remove the folder's delta files (but `keep`): after a full run or a compaction none
    applies, and one written for an older base is dead weight."""
    for path in folder.glob(f"{DELTA_PREFIX}*.parquet"):
        if path != keep:
            path.unlink(missing_ok=True)


def key_match(left: str, right: str) -> str:
    """Two summary rows have the same key (NULLs equal: a key column is NULL where its
    grouping set does not group by it)."""
    return " AND ".join(f"{left}.{c} IS NOT DISTINCT FROM {right}.{c}" for c in KEY_COLUMNS)


def merged(base: str, delta: str, columns: Sequence[str], extra: str = "") -> str:
    """The rows of `base` (a relation) with `delta` (a relation with `line_count`) applied:
    the query's columns are `columns` and then `extra` (a trailing select item, or "")."""
    cols = ", ".join(columns)
    b_cols = ", ".join(f"b.{c}" for c in columns)
    return f"""
        SELECT {b_cols}{extra} FROM {base} b ANTI JOIN {delta} d ON {key_match("b", "d")}
        UNION ALL
        SELECT {cols}{extra} FROM {delta} WHERE line_count > 0"""


def summary_from(summaries: Sequence[str | Path], *, filename: bool = False) -> str:
    """A FROM item (with its alias) of the summary rows of `summaries` (each a period's
    `summary.parquet`) as a full run would have written them: each base merged with its delta.
    `filename` adds the base's path as `filename`, like read_parquet's option."""
    if not summaries:
        raise ValueError("no summary to read")
    plain: list[str] = []
    parts: list[str] = []
    cols = ", ".join(SUMMARY_COLUMNS)
    for summary in summaries:
        delta = current_delta(Path(summary))
        if delta is None:
            plain.append(str(summary))
            continue
        extra = f", {literal(str(summary))} AS filename" if filename else ""
        parts.append(
            merged(
                f"read_parquet({literal(str(summary))})",
                f"read_parquet({literal(str(delta))})",
                SUMMARY_COLUMNS,
                extra,
            )
        )
    option = ", filename = true" if filename else ""
    if plain and not parts:
        return f"read_parquet({path_list(plain)}{option}) summary_rows"
    if plain:
        with_name = ", filename" if filename else ""
        parts.insert(0, f"SELECT {cols}{with_name} FROM read_parquet({path_list(plain)}{option})")
    return "(" + "\nUNION ALL\n".join(f"({p})" for p in parts) + ") summary_rows"


def counts_from(folder: Path) -> str:
    """A FROM item (aliased) of the summary rows of `folder` with their line counts, as a full
    run would have written its `summary_counts.parquet`."""
    summary, counts = folder / SUMMARY_FILE, folder / COUNTS_FILE
    delta = current_delta(summary)
    base = f"read_parquet({literal(str(counts))})"
    if delta is None:
        return f"{base} summary_rows"
    columns = (*SUMMARY_COLUMNS, "line_count")
    return f"({merged(base, f'read_parquet({literal(str(delta))})', columns)}) summary_rows"


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """A file's identity (inode, size, modification time), None when it is missing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def files_stamp(summaries: Sequence[str | Path]) -> tuple[object, ...]:
    """The identity (inode, size, modification time) of each base and of its delta: equal
    before and after a read only if no swap happened while it ran (a replaced file is a new
    inode with a new modification time)."""
    out: list[object] = []
    for summary in summaries:
        base = Path(summary)
        delta = delta_path(base)
        out.append((file_stamp(base), file_stamp(delta) if delta is not None else None))
    return tuple(out)


def read_consistently(
    summaries: Sequence[str | Path], read: Callable[[str], T], *, filename: bool = False
) -> T:
    """`read(from_item)` over the summary rows of `summaries` (see `summary_from`), run again
    when a base or its delta was swapped while it ran, so its answer comes from one base and
    the delta made for it (and all of its queries from the same files). A file removed under
    the read (a delta a full run dropped) is such a swap, not an error."""
    for _ in range(READ_ATTEMPTS):
        before = files_stamp(summaries)
        try:
            result = read(summary_from(summaries, filename=filename))
        except duckdb.IOException:
            if files_stamp(summaries) != before:
                continue
            raise
        if files_stamp(summaries) == before:
            return result
    raise Unavailable(
        "the allocated spend was being rewritten during every attempt to read it; retry"
    )
