"""Reading a Cost Optimization Recommendations export (AWS Data Exports) with DuckDB.

The export is parquet or CSV (plain or gzipped): an upload's bytes, a file, a folder of them
or an S3 prefix (listed and copied down like the CUR, `adapters/cur/s3.py`). Every column is
read as text — the rules that type, check and deduplicate the values are the domain's
(`domain/recommendations/importing.py`) — and each file must carry the required columns.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from adapters import duck
from adapters.cur.s3 import locate
from domain.errors import ErrorDetail, RuleViolation
from domain.recommendations.importing import check_columns

PARQUET = "parquet"
CSV = "csv"
_PARQUET_MAGIC = b"PAR1"
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class ExportTable:
    """The export's rows as text (None for empty cells), in file order."""

    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    file_format: str


def _unreadable(name: str, reason: str) -> RuleViolation:
    return RuleViolation(
        f"{name} cannot be read as a parquet or CSV export",
        [ErrorDetail(message=reason[:300], field="file")],
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _kind(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(4)
    return PARQUET if head == _PARQUET_MAGIC else CSV


def read_file(path: Path, name: str) -> ExportTable:
    """One export file (the format from its first bytes)."""
    kind = _kind(path)
    con = duck.connect()
    try:
        if kind == PARQUET:
            source = f"read_parquet({_quote_literal(path)})"
        else:
            source = (
                f"read_csv({_quote_literal(path)}, header = true, all_varchar = true, "
                "auto_detect = true, compression = 'auto')"
            )
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        columns = tuple(str(c[0]) for c in described)
        try:
            check_columns(columns)
        except RuleViolation as e:
            raise RuleViolation(f"{name}: {e.message}", e.errors) from None
        select = ", ".join(f"CAST({_quote(c)} AS VARCHAR) AS {_quote(c)}" for c in columns)
        result = con.execute(f"SELECT {select} FROM {source}")
        rows = [dict(zip(columns, r, strict=True)) for r in result.fetchall()]
    except duck.OVERLOAD_ERRORS:
        raise  # a limit stopped the read: not the file's fault
    except duckdb.Error as e:
        raise _unreadable(name, str(e).splitlines()[0]) from None
    finally:
        con.close()
    return ExportTable(columns, rows, kind)


def _quote_literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def read_upload(data: bytes, filename: str) -> ExportTable:
    """An uploaded export's bytes."""
    if not data.strip():
        raise _unreadable(filename, "the file is empty")
    if data[:2] == _GZIP_MAGIC:
        suffix = ".csv.gz"
    elif data[:4] == _PARQUET_MAGIC:
        suffix = ".parquet"
    else:
        suffix = ".csv"
    with tempfile.TemporaryDirectory(prefix="finops-recs-") as tmp:
        path = Path(tmp) / f"export{suffix}"
        path.write_bytes(data)
        return read_file(path, filename)


def read_source(source: str, s3_client: Any = None) -> ExportTable:
    """Every export file of a file, a folder or an s3://bucket/prefix, in path order."""
    with tempfile.TemporaryDirectory(prefix="finops-recs-") as tmp:
        located = locate(source, Path(tmp), s3_client, lambda *_: None)
        if not located:
            raise RuleViolation(
                f"no export files under {source}",
                [ErrorDetail(message="no parquet or CSV file found", field="source")],
            )
        tables = [read_file(path, name) for path, name, _ in located]
    columns = tuple(dict.fromkeys(c for t in tables for c in t.columns))
    kinds = {t.file_format for t in tables}
    rows: list[dict[str, Any]] = [r for t in tables for r in t.rows]
    return ExportTable(columns, rows, kinds.pop() if len(kinds) == 1 else "mixed")


class DuckDbExportReader:
    """The `ExportReader` port: the reads above, off the event loop."""

    def __init__(self, s3_client: Any = None) -> None:
        self.s3_client = s3_client

    async def read_upload(self, data: bytes, filename: str) -> ExportTable:
        return await asyncio.to_thread(read_upload, data, filename)

    async def read_source(self, source: str) -> ExportTable:
        return await asyncio.to_thread(read_source, source, self.s3_client)
