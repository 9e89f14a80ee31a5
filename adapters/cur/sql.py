"""DuckDB helpers shared by the spend store and the allocation engine: SQL text, connections,
and naming the file a failed scan choked on."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import duckdb

from adapters import duck
from domain.errors import ErrorDetail, RuleViolation


def ident(name: str) -> str:
    """A quoted identifier: `a"b` -> `"a""b"`."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A string literal: `it's` -> `'it''s'`."""
    return "'" + value.replace("'", "''") + "'"


def path_list(paths: Iterable[str | Path]) -> str:
    """A list of file paths, as `read_parquet` takes them."""
    return "[" + ", ".join(literal(str(p)) for p in paths) + "]"


def connect(*, spill: Path, memory_limit: str, threads: int | None) -> duckdb.DuckDBPyConnection:
    """An in-memory database spilling to `spill`, cutting dates in UTC."""
    config: dict[str, Any] = {
        "preserve_insertion_order": False,
        "temp_directory": str(spill),
        "memory_limit": memory_limit,
    }
    if threads:
        config["threads"] = int(threads)
    db = duckdb.connect(":memory:", config=config)
    _in_utc(db)
    return db


@contextlib.contextmanager
def cursor(db: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of `db` for one thread, in UTC, closed after use."""
    con = duck.watch(db.cursor())
    try:
        _in_utc(con)
        yield con
    finally:
        con.close()


def _in_utc(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        # dates are cut in UTC, like the CUR, whatever the host's zone
        con.execute("SET TimeZone = 'UTC'")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def violation(name: str, reason: str) -> RuleViolation:
    """A RuleViolation naming a file (or a source) as its field."""
    message = f"{name}: {reason}"
    return RuleViolation(message, errors=[ErrorDetail(message=message, field=name)])


class NamedFile(Protocol):
    @property
    def name(self) -> str: ...


F = TypeVar("F", bound=NamedFile)


def blame(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[F],
    sql_for: Callable[[F], str],
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
            con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM ({sql_for(f)})").fetchall()
        except duckdb.Error as inner:
            return violation(f.name, f"cannot be read: {first_line(inner)}")
    return exc
