"""The refresh's optional second pass (`keep_line_items`): every normalized line item written
to parquet, one `tag_<key>` column per tag key (found by a scan of the tag maps first)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from adapters.cur.columns import tag_column
from adapters.cur.formats import FileGroup, SourceFile, Unit
from adapters.cur.normalize import normalized_select
from adapters.cur.sql import blame, literal, violation
from adapters.cur.tags import tag_key_query, tag_sources

Progress = Callable[[str, int, int], None]

_PERIOD_DIR = re.compile(r"^billing_period=(\d{4}-\d{2})$")


def write_line_items(
    con: duckdb.DuckDBPyConnection,
    groups: Sequence[FileGroup],
    units: Sequence[Unit],
    wanted: frozenset[str] | None,
    out: Path,
    source: str,
    report: Progress,
) -> dict[str, list[Path]]:
    """Write the line items of every unit under `out`: billing period -> the folders written."""
    for i, group in enumerate(groups, start=1):
        _discover_tags(con, group)
        report("tags", i, len(groups))
    tag_columns = sorted({c for g in groups for c in tag_sources(g)})
    for i, unit in enumerate(units, start=1):
        _write_unit(con, unit, tag_columns, wanted, out)
        report("line_items", i, len(units))
    return _periods_written(out, source)


def _discover_tags(con: duckdb.DuckDBPyConnection, group: FileGroup) -> None:
    """Tags kept in a MAP or JSON column: find the keys, each becomes a tag_<key> column."""
    sql = tag_key_query(group)
    if sql is None:
        return

    def one_file(f: SourceFile) -> str:
        return tag_key_query(group, [f]) or "SELECT 1"

    try:
        keys = [r[0] for r in con.execute(sql).fetchall() if r[0]]
    except duckdb.Error as exc:
        raise blame(con, group.files, one_file, exc) from exc
    group.tag_keys = {k: tag_column(k) for k in sorted(keys)}


def _write_unit(
    con: duckdb.DuckDBPyConnection,
    unit: Unit,
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
        raise blame(
            con,
            unit.files,
            lambda f: normalized_select(
                unit.group, files=[f], period=unit.period, tag_columns=tag_columns
            ),
            exc,
        ) from exc


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
