"""Finding CUR files and recognising their format.

Four formats arrive, each read in place by DuckDB (see `normalize.py` and `aggregate.py`):

- `cur2-parquet`: CUR 2.0 from Data Exports (snake_case columns, `resource_tags` as a MAP);
- `cur-legacy-parquet`: legacy CUR in Athena parquet (flattened `resource_tags_user_*`);
- `cur-legacy-csv`: legacy CUR CSV / CSV.gz (`lineItem/UsageAccountId` or snake_case headers);
- `focus-csv` / `focus-parquet`: FOCUS 1.0-1.2 (`BilledCost`, `SubAccountId`, `Tags` JSON or MAP).

A file's schema is read first (the parquet footer, or the CSV header with Python's `csv`), and
files of one format (for CSV, of one header) are read together by one scan.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from adapters import duck
from adapters.cur.columns import Columns, canonical
from adapters.cur.sql import first_line, literal, path_list, violation
from domain.periods import is_billing_period

DATA_SUFFIXES = (".parquet", ".csv", ".csv.gz")

_PERIOD_IN_PATH = re.compile(r"(?:^|/)BILLING_PERIOD=(\d{4}-\d{2})(?:/|$)", re.IGNORECASE)
_YEAR_MONTH_IN_PATH = re.compile(r"(?:^|/)year=(\d{4})/month=(\d{1,2})(?:/|$)", re.IGNORECASE)


def period_hint(relative: str) -> str | None:
    """The billing period a file's path names (Data Exports or Athena partitions), if any."""
    relative = relative.replace("\\", "/")
    hint = None
    found = _PERIOD_IN_PATH.search(relative)
    ym = _YEAR_MONTH_IN_PATH.search(relative)
    if found:
        hint = found.group(1)
    elif ym:
        hint = f"{int(ym.group(1)):04d}-{int(ym.group(2)):02d}"
    return hint if hint is not None and is_billing_period(hint) else None


def is_data_file(path: str) -> bool:
    lowered = path.lower()
    parts = lowered.replace("\\", "/").split("/")
    if any(p.startswith((".", "_")) for p in parts if p):
        return False
    return lowered.endswith(DATA_SUFFIXES)


@dataclass(frozen=True)
class SourceFile:
    """One data file: `path` is what DuckDB reads, `name` what messages show (S3 URI or path)."""

    path: Path
    name: str
    kind: str  # "parquet" | "csv"
    columns: tuple[tuple[str, str], ...]
    format: str
    period_hint: str | None = None
    csv_header: tuple[str, ...] = ()


def list_local(source: Path) -> list[tuple[Path, str, str]]:
    """(path, display name, path relative to the source) of every data file under `source`."""
    if source.is_file():
        return [(source, str(source), source.name)]
    if not source.is_dir():
        raise violation(str(source), "no such file or folder")
    out = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_file() and is_data_file(relative):
            out.append((path, str(path), relative))
    return out


def read_csv_header(path: Path, name: str) -> tuple[str, ...]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as raw:
            first = raw.readline(1 << 20)
    except (OSError, EOFError) as exc:
        raise violation(name, f"cannot read the file: {exc}") from exc
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise violation(name, "the header row is not UTF-8 text") from exc
    row = next(csv.reader(io.StringIO(text)), [])
    header = tuple(h.strip() for h in row)
    if not header or not any(header):
        raise violation(name, "the file has no header row")
    return header


def _dedupe(names: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        key = n.lower()
        if key in seen:
            seen[key] += 1
            n = f"{n}_{seen[key]}"
        else:
            seen[key] = 0
        out.append(n or "column")
    return tuple(out)


def detect_format(columns: Iterable[tuple[str, str]], kind: str) -> str | None:
    canon = {canonical(n): t for n, t in columns}
    if "lineitemusageaccountid" in canon:
        has_map = any(
            key in canon and canon[key].upper().startswith("MAP")
            for key in ("resourcetags", "product", "costcategory")
        )
        if has_map:
            return "cur2-parquet" if kind == "parquet" else "cur2-csv"
        return f"cur-legacy-{kind}"
    if "billedcost" in canon and ("chargeperiodstart" in canon or "billingperiodstart" in canon):
        return f"focus-{kind}"
    return None


def probe(con: duckdb.DuckDBPyConnection, path: Path, name: str, relative: str) -> SourceFile:
    """Read a file's schema (the parquet footer, or the CSV header) and recognise its format."""
    kind = "parquet" if path.name.lower().endswith(".parquet") else "csv"
    header: tuple[str, ...] = ()
    if kind == "parquet":
        try:
            rows = con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({literal(str(path))}, "
                "hive_partitioning = false)"
            ).fetchall()
        except duck.OVERLOAD_ERRORS:
            raise  # a limit stopped the scan: not the file's fault
        except duckdb.Error as exc:
            raise violation(name, f"not a readable parquet file ({first_line(exc)})") from exc
        columns = tuple((str(r[0]), str(r[1])) for r in rows)
    else:
        header = _dedupe(read_csv_header(path, name))
        columns = tuple((h, "VARCHAR") for h in header)
    fmt = detect_format(columns, kind)
    if fmt is None:
        raise violation(
            name,
            "not a CUR or FOCUS file: expected a lineItem/UsageAccountId "
            "(line_item_usage_account_id) or a BilledCost column",
        )
    return SourceFile(
        path=path,
        name=name,
        kind=kind,
        columns=columns,
        format=fmt,
        period_hint=period_hint(relative),
        csv_header=header,
    )


@dataclass
class FileGroup:
    """Files read by one DuckDB scan: same kind and format (and, for CSV, the same header)."""

    kind: str
    format: str
    files: list[SourceFile] = field(default_factory=list)
    # set by discover_tags for MAP / JSON tag columns: key as written -> tag column
    tag_keys: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for f in self.files:
            for name, typ in f.columns:
                merged.setdefault(name, typ)
        return merged

    def scan(self, files: Sequence[SourceFile] | None = None) -> str:
        """The table function reading these files (all VARCHAR for CSV, by name for parquet)."""
        chosen = list(files) if files is not None else self.files
        paths = path_list(f.path for f in chosen)
        if self.kind == "parquet":
            return f"read_parquet({paths}, union_by_name = true, hive_partitioning = false)"
        header = chosen[0].csv_header
        columns = "{" + ", ".join(f"{literal(h)}: 'VARCHAR'" for h in header) + "}"
        nulls = "['NULL', '']" if self.format.startswith("focus") else "['']"
        return (
            f"read_csv({paths}, header = true, auto_detect = false, columns = {columns}, "
            f"delim = ',', quote = '\"', escape = '\"', null_padding = true, "
            f"nullstr = {nulls}, hive_partitioning = false)"
        )


def group_files(files: Sequence[SourceFile]) -> list[FileGroup]:
    groups: dict[tuple[str, ...], FileGroup] = {}
    for f in files:
        key = (f.kind, f.format, *(f.csv_header if f.kind == "csv" else ()))
        groups.setdefault(key, FileGroup(kind=f.kind, format=f.format)).files.append(f)
    return list(groups.values())


def only_aws(group: FileGroup) -> str:
    """A FOCUS file may hold several clouds' rows: keep AWS's."""
    if not group.format.startswith("focus"):
        return ""
    provider = Columns(group.columns).text("ServiceProviderName", "ProviderName")
    if provider is None:
        return ""
    return f" WHERE {provider} IN ('AWS', 'Amazon Web Services', 'Amazon Web Services, Inc.')"


@dataclass
class Unit:
    """One scan of a refresh: a file group, optionally narrowed to one billing period."""

    index: int
    group: FileGroup
    files: list[SourceFile]
    period: str | None


def plan_units(groups: Sequence[FileGroup]) -> list[Unit]:
    """Files whose path names their billing period are read per period with the period as a
    literal (no per-row date formatting, no partitioned write); the others in one scan per
    group."""
    units: list[Unit] = []
    for group in groups:
        by_period: dict[str, list[SourceFile]] = {}
        loose: list[SourceFile] = []
        for f in group.files:
            if f.period_hint:
                by_period.setdefault(f.period_hint, []).append(f)
            else:
                loose.append(f)
        for period, files in sorted(by_period.items()):
            units.append(Unit(index=len(units), group=group, files=files, period=period))
        if loose:
            units.append(Unit(index=len(units), group=group, files=loose, period=None))
    return units
