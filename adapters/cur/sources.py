"""Finding CUR files, recognising their format, and the SQL that normalizes each format.

Four formats arrive, each read in place by DuckDB and turned into one relation with typed
columns (see `NORMALIZED_COLUMNS`):

- `cur2-parquet`: CUR 2.0 from Data Exports (snake_case columns, `resource_tags` as a MAP);
- `cur-legacy-parquet`: legacy CUR in Athena parquet (flattened `resource_tags_user_*`);
- `cur-legacy-csv`: legacy CUR CSV / CSV.gz (`lineItem/UsageAccountId` or snake_case headers);
- `focus-csv` / `focus-parquet`: FOCUS 1.0-1.2 (`BilledCost`, `SubAccountId`, `Tags` JSON or MAP).

Columns are matched by a canonical key (lower case, letters and digits only), so
`lineItem/UsageAccountId`, `line_item_usage_account_id` and `LineItem_UsageAccountId` are the
same column. Money becomes DECIMAL(20,10) as soon as it is read.
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

from domain.errors import ErrorDetail, RuleViolation
from domain.spend.models import is_billing_period

MONEY = "DECIMAL(20,10)"
DATA_SUFFIXES = (".parquet", ".csv", ".csv.gz")

# name -> DuckDB type of the normalized line items (tag_<key> VARCHAR columns follow).
NORMALIZED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("billing_period", "VARCHAR"),
    ("usage_date", "DATE"),
    ("account_id", "VARCHAR"),
    ("account_name", "VARCHAR"),
    ("resource_id", "VARCHAR"),
    ("service", "VARCHAR"),
    ("region", "VARCHAR"),
    ("line_item_type", "VARCHAR"),
    ("unblended_cost", MONEY),
    ("net_unblended_cost", MONEY),
    ("amortized_cost", MONEY),
    ("invoice_id", "VARCHAR"),
    ("currency", "VARCHAR"),
)

_PERIOD_IN_PATH = re.compile(r"(?:^|/)BILLING_PERIOD=(\d{4}-\d{2})(?:/|$)", re.IGNORECASE)
_YEAR_MONTH_IN_PATH = re.compile(r"(?:^|/)year=(\d{4})/month=(\d{1,2})(?:/|$)", re.IGNORECASE)
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER")


def canonical(name: str) -> str:
    """`lineItem/UsageAccountId` and `line_item_usage_account_id` -> `lineitemusageaccountid`."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def snake(name: str) -> str:
    """`user:CostCenter` -> `user_cost_center`, as Athena flattens legacy CUR tag names."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def tag_column(key: str) -> str:
    """The plain column a tag key is pulled into: `user_cost_center` -> `tag_user_cost_center`."""
    return "tag_" + (re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_") or "empty")


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def path_list(paths: Iterable[Path]) -> str:
    return "[" + ", ".join(literal(str(p)) for p in paths) + "]"


def violation(name: str, reason: str) -> RuleViolation:
    message = f"{name}: {reason}"
    return RuleViolation(message, errors=[ErrorDetail(message=message, field=name)])


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
        except duckdb.Error as exc:
            raise violation(name, f"not a readable parquet file ({_first_line(exc)})") from exc
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


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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


class _Columns:
    """Looks up source columns by canonical name and renders typed SQL expressions."""

    def __init__(self, columns: dict[str, str]) -> None:
        self.types = columns
        self.by_canon: dict[str, str] = {}
        for name in columns:
            self.by_canon.setdefault(canonical(name), name)

    def find(self, *candidates: str) -> str | None:
        for c in candidates:
            name = self.by_canon.get(canonical(c))
            if name is not None:
                return name
        return None

    def type_of(self, name: str) -> str:
        return self.types[name].upper()

    def text(self, *candidates: str) -> str | None:
        name = self.find(*candidates)
        return None if name is None else as_text(ident(name), self.type_of(name))

    def account(self, *candidates: str) -> str | None:
        name = self.find(*candidates)
        return None if name is None else as_account(ident(name), self.type_of(name))

    def money(self, *candidates: str) -> str | None:
        name = self.find(*candidates)
        if name is None:
            return None
        if self.type_of(name) == "VARCHAR":
            return f"CAST(NULLIF(trim({ident(name)}), '') AS {MONEY})"
        return f"CAST({ident(name)} AS {MONEY})"

    def day(self, *candidates: str) -> str | None:
        name = self.find(*candidates)
        return None if name is None else as_day(ident(name), self.type_of(name))

    def month(self, *candidates: str) -> str | None:
        day = self.day(*candidates)
        return None if day is None else f"strftime({day}, '%Y-%m')"


def as_text(expr: str, typ: str) -> str:
    """`expr` of DuckDB type `typ` as text, '' as NULL."""
    if typ.upper() == "VARCHAR":
        return f"NULLIF({expr}, '')"
    return f"NULLIF(CAST({expr} AS VARCHAR), '')"


def as_account(expr: str, typ: str) -> str:
    if typ.upper().startswith(_INTEGER_TYPES):
        # an integer column has lost the leading zeros of 12-digit account ids
        return f"lpad(CAST({expr} AS VARCHAR), 12, '0')"
    return as_text(expr, typ)


def as_day(expr: str, typ: str) -> str:
    if typ.upper() == "VARCHAR":
        return f"CAST(left(NULLIF(trim({expr}), ''), 10) AS DATE)"
    return f"CAST({expr} AS DATE)"


def _coalesce(*exprs: str | None) -> str:
    present = [e for e in exprs if e]
    if not present:
        return "NULL"
    return present[0] if len(present) == 1 else f"COALESCE({', '.join(present)})"


def _required(group: FileGroup, cols: _Columns, needs: dict[str, tuple[str, ...]]) -> None:
    missing = [label for label, candidates in needs.items() if cols.find(*candidates) is None]
    if missing:
        names = ", ".join(f.name for f in group.files)
        raise violation(names, f"missing required column(s): {', '.join(missing)}")


def tag_sources(group: FileGroup) -> dict[str, list[str]]:
    """Tag column -> SQL expressions that yield its value in this group (first non-empty wins)."""
    cols = _Columns(group.columns)
    out: dict[str, list[str]] = {}
    if group.tag_keys:
        holder = cols.find("resource_tags", "Tags")
        assert holder is not None
        is_map = cols.type_of(holder).startswith("MAP")
        for tag_key, column in sorted(group.tag_keys.items()):
            if is_map:
                expr = f"NULLIF({ident(holder)}[{literal(tag_key)}], '')"
            else:
                path = '$."' + tag_key.replace("\\", "\\\\").replace('"', '\\"') + '"'
                expr = (
                    f"NULLIF(CASE WHEN json_valid({ident(holder)}) THEN "
                    f"json_extract_string({ident(holder)}, {literal(path)}) END, '')"
                )
            out.setdefault(column, []).append(expr)
        return out
    return flat_tag_sources(group)


def flat_tag_sources(group: FileGroup) -> dict[str, list[str]]:
    """Legacy CURs flatten tags into columns (`resource_tags_user_x`, `resourceTags/user:X`):
    tag column -> SQL expressions that yield its value (first non-empty wins)."""
    out: dict[str, list[str]] = {}
    for name in group.columns:
        lowered = name.lower()
        key: str | None = None
        if lowered.startswith("resource_tags_"):
            key = name[len("resource_tags_") :]
        elif lowered.startswith("resourcetags/"):
            key = snake(name.split("/", 1)[1])
        if key:
            out.setdefault(tag_column(key), []).append(f"NULLIF({ident(name)}, '')")
    return out


def _tag_holder(c: _Columns) -> tuple[str, str] | None:
    """The MAP or JSON column holding the tags (CUR 2.0 `resource_tags`, FOCUS `Tags`):
    (column, "map" | "json")."""
    holder = c.find("resource_tags", "Tags")
    if holder is None or canonical(holder) not in ("resourcetags", "tags"):
        return None
    typ = c.type_of(holder)
    if typ.startswith("MAP"):
        return holder, "map"
    if typ == "VARCHAR":
        return holder, "json"
    return None


def tag_key_query(group: FileGroup, files: Sequence[SourceFile] | None = None) -> str | None:
    """SQL listing the distinct tag keys, for formats that keep tags in a MAP or JSON column."""
    found = _tag_holder(_Columns(group.columns))
    if found is None:
        return None
    holder, kind = found
    if kind == "map":
        keys = f"map_keys({ident(holder)})"
    else:
        keys = f"CASE WHEN json_valid({ident(holder)}) THEN json_keys({ident(holder)}) END"
    return f"SELECT DISTINCT unnest({keys}) AS k FROM {group.scan(files)}{_only_aws(group)}"


def _only_aws(group: FileGroup) -> str:
    """A FOCUS file may hold several clouds' rows: keep AWS's."""
    if not group.format.startswith("focus"):
        return ""
    provider = _Columns(group.columns).text("ServiceProviderName", "ProviderName")
    if provider is None:
        return ""
    return f" WHERE {provider} IN ('AWS', 'Amazon Web Services', 'Amazon Web Services, Inc.')"


def normalized_select(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None = None,
    period: str | None = None,
    tag_columns: Sequence[str] = (),
) -> str:
    """SELECT producing the normalized line items of `files` (default: the whole group).

    With `period`, the billing period is that literal (the Data Exports path names it);
    otherwise it is read from the billing period start column of each row.
    """
    if group.format.startswith("focus"):
        return _focus_select(group, files=files, period=period, tag_columns=tag_columns)
    return _cur_select(group, files=files, period=period, tag_columns=tag_columns)


def _render(values: dict[str, str | None], tags: Sequence[str], source: str) -> str:
    """Every normalized column, cast to its declared type, then the tag columns."""
    assert set(values) == {name for name, _ in NORMALIZED_COLUMNS}
    columns = [f"CAST({values[n] or 'NULL'} AS {t}) AS {n}" for n, t in NORMALIZED_COLUMNS]
    return f"SELECT {', '.join([*columns, *tags])} FROM {source}"


def _tag_select(group: FileGroup, tag_columns: Sequence[str]) -> list[str]:
    sources = tag_sources(group)
    return [f"{_coalesce(*sources.get(c, []))}::VARCHAR AS {ident(c)}" for c in tag_columns]


def _cur_select(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None,
    period: str | None,
    tag_columns: Sequence[str],
) -> str:
    c = _Columns(group.columns)
    _required(group, c, _CUR_REQUIRED)
    lit = c.text("line_item_line_item_type")
    unblended = c.money("line_item_unblended_cost")
    assert lit is not None
    assert unblended is not None
    usage_date = c.day("line_item_usage_start_date")
    billing_period = (
        literal(period)
        if period
        else _coalesce(
            c.month("bill_billing_period_start_date"), f"strftime({usage_date}, '%Y-%m')"
        )
    )
    region = _coalesce(c.text("product_region_code"), c.text("product_region"))
    product = c.find("product")
    if region == "NULL" and product and c.type_of(product).startswith("MAP"):
        # only when no top-level column has it: decoding the whole product map is costly
        region = f"NULLIF({ident(product)}['region'], '')"

    # AWS Cloud Intelligence Dashboards' amortized cost; a basis whose columns the file lacks
    # falls back to the unblended cost.
    amortized = _cur_amortized(c, lit, unblended, otherwise=unblended)
    net = c.money("line_item_net_unblended_cost")
    values: dict[str, str | None] = {
        "billing_period": billing_period,
        "usage_date": usage_date,
        "account_id": c.account("line_item_usage_account_id"),
        "account_name": _coalesce(c.text("line_item_usage_account_name")),
        "resource_id": _coalesce(c.text("line_item_resource_id")),
        "service": _coalesce(c.text("line_item_product_code"), c.text("product_servicecode")),
        "region": region,
        "line_item_type": lit,
        "unblended_cost": unblended,
        "net_unblended_cost": f"COALESCE({net}, {unblended})" if net else unblended,
        "amortized_cost": amortized,
        "invoice_id": _coalesce(c.text("bill_invoice_id")),
        "currency": _coalesce(c.text("line_item_currency_code"), literal("USD")),
    }
    return _render(values, _tag_select(group, tag_columns), group.scan(files))


# Line item types whose amortized cost is not simply the unblended cost (see `_cur_amortized`).
AMORTIZED_TYPES: tuple[str, ...] = (
    "SavingsPlanCoveredUsage",
    "SavingsPlanRecurringFee",
    "SavingsPlanNegation",
    "SavingsPlanUpfrontFee",
    "DiscountedUsage",
    "RIFee",
)


def _cur_amortized(c: _Columns, lit: str, unblended: str, *, otherwise: str | None) -> str:
    """AWS Cloud Intelligence Dashboards' amortized cost of one CUR line item, as MONEY.

    A basis whose columns the file lacks (or leaves empty) falls back to the unblended cost.
    `otherwise` is the value of every other line item type (None: NULL, for the aggregate,
    which takes the summed unblended cost for those types instead of one value per row).
    """

    def unless_missing(expr: str | None) -> str:
        return f"COALESCE({expr}, {unblended})" if expr else unblended

    sp_effective = c.money("savings_plan_savings_plan_effective_cost")
    sp_commit = c.money("savings_plan_total_commitment_to_date")
    sp_used = c.money("savings_plan_used_commitment")
    ri_effective = c.money("reservation_effective_cost")
    ri_upfront = c.money("reservation_unused_amortized_upfront_fee_for_billing_period")
    ri_recurring = c.money("reservation_unused_recurring_fee")
    ri_arn = c.text("reservation_reservation_a_r_n", "reservation_reservation_arn")
    sp_fee = f"{sp_commit} - {sp_used}" if sp_commit and sp_used else None
    ri_fee = f"{ri_upfront} + {ri_recurring}" if ri_upfront and ri_recurring else None
    fee = (
        f"WHEN 'Fee' THEN CASE WHEN {ri_arn} IS NOT NULL THEN 0 ELSE {unblended} END "
        if ri_arn
        else ""
    )
    rest = f"ELSE {otherwise} " if otherwise else ""
    return (
        f"CAST(CASE {lit} "
        f"WHEN 'SavingsPlanCoveredUsage' THEN {unless_missing(sp_effective)} "
        f"WHEN 'SavingsPlanRecurringFee' THEN {unless_missing(sp_fee)} "
        f"WHEN 'SavingsPlanNegation' THEN 0 "
        f"WHEN 'SavingsPlanUpfrontFee' THEN 0 "
        f"WHEN 'DiscountedUsage' THEN {unless_missing(ri_effective)} "
        f"WHEN 'RIFee' THEN {unless_missing(ri_fee)} "
        f"{fee}{rest}END AS {MONEY})"
    )


def _cur_amortized_types(c: _Columns) -> tuple[str, ...]:
    has_arn = c.find("reservation_reservation_a_r_n", "reservation_reservation_arn") is not None
    return (*AMORTIZED_TYPES, "Fee") if has_arn else AMORTIZED_TYPES


def _focus_select(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None,
    period: str | None,
    tag_columns: Sequence[str],
) -> str:
    values = _focus_values(group, period)
    source = group.scan(files) + _only_aws(group)
    return _render(values, _tag_select(group, tag_columns), source)


def _focus_values(group: FileGroup, period: str | None) -> dict[str, str | None]:
    """The normalized columns of a FOCUS row (see `NORMALIZED_COLUMNS`)."""
    c = _Columns(group.columns)
    _required(
        group,
        c,
        {
            "BilledCost": ("BilledCost",),
            "ChargePeriodStart": ("ChargePeriodStart",),
            "SubAccountId": ("SubAccountId", "BillingAccountId"),
        },
    )
    billed = c.money("BilledCost")
    effective = c.money("EffectiveCost")
    assert billed is not None
    category = _coalesce(c.text("ChargeCategory"), literal("Usage"))
    status = c.text("CommitmentDiscountStatus")
    commitment_type = c.text("CommitmentDiscountType")
    line_item_type = category
    if status and commitment_type:
        # FOCUS has no line item type; usage a commitment covered maps to CUR's names
        line_item_type = (
            f"CASE WHEN {category} = 'Usage' AND {status} = 'Used' THEN "
            f"CASE WHEN lower({commitment_type}) LIKE '%savings%' "
            f"THEN 'SavingsPlanCoveredUsage' ELSE 'DiscountedUsage' END ELSE {category} END"
        )
    usage_date = c.day("ChargePeriodStart")
    billing_period = (
        literal(period)
        if period
        else _coalesce(c.month("BillingPeriodStart"), f"strftime({usage_date}, '%Y-%m')")
    )
    return {
        "billing_period": billing_period,
        "usage_date": usage_date,
        "account_id": _coalesce(c.account("SubAccountId"), c.account("BillingAccountId")),
        "account_name": _coalesce(c.text("SubAccountName")),
        "resource_id": _coalesce(c.text("ResourceId")),
        "service": _coalesce(c.text("x_ServiceCode"), c.text("ServiceName")),
        "region": _coalesce(c.text("RegionId")),
        "line_item_type": line_item_type,
        "unblended_cost": billed,
        "net_unblended_cost": billed,
        "amortized_cost": f"COALESCE({effective}, {billed})" if effective else billed,
        "invoice_id": _coalesce(c.text("InvoiceId")),
        "currency": _coalesce(c.text("BillingCurrency"), literal("USD")),
    }


# ---------------------------------------------------------------------- the refresh's one pass
#
# A refresh does not keep the line items: it reads the raw files once and merges their rows by
# billing period, usage day, account, resource, service, line item type, invoice and currency
# (a CUR's 24 hourly rows of one resource and day become one row). Everything the store writes
# (daily aggregates, resources, accounts, period figures) is cut from those merged rows.
#
# The per-row work is kept to what cannot wait: reading the columns, the usage day, the costs
# as DECIMAL(20,10) and their sums, and one text copy of the tag map. Text keys are grouped as
# they come (a dictionary-encoded parquet column stays one); '' -> NULL, leading zeros, the
# billing period label, the service and region fallbacks are applied to the merged rows.

TOTAL = "DECIMAL(38,10)"
TAGS = "MAP(VARCHAR, VARCHAR)"

SPEND_ROW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("unit", "INTEGER"),
    ("billing_period", "VARCHAR"),
    ("usage_date", "DATE"),
    ("account_id", "VARCHAR"),
    ("account_name", "VARCHAR"),
    ("resource_id", "VARCHAR"),
    ("service", "VARCHAR"),
    ("region", "VARCHAR"),
    ("line_item_type", "VARCHAR"),
    ("invoice_id", "VARCHAR"),
    ("currency", "VARCHAR"),
    ("unblended_cost", TOTAL),
    ("net_unblended_cost", TOTAL),
    ("amortized_cost", TOTAL),
    ("line_items", "BIGINT"),
    # the text of a MAP(VARCHAR, VARCHAR) (DuckDB's cast, which casts back exactly): tag key as
    # written in the CUR (for flattened columns, the tag column minus `tag_`) -> value
    ("tags", "VARCHAR"),
)


class _Grouping:
    """SQL for one GROUP BY over a scan, in four steps:

    1. `typed`: per-row values several others use (a cost cast once to MONEY);
    2. the per-row inputs of the GROUP BY (`key` expressions and aggregate arguments);
    3. the GROUP BY;
    4. `finish`: the `SPEND_ROW_COLUMNS`, computed once per merged row.
    """

    def __init__(self) -> None:
        self._typed: list[str] = []
        self._rows: list[str] = []
        self._keys: list[str] = []
        self._aggs: list[str] = []

    def typed(self, expr: str) -> str:
        alias = f"__t{len(self._typed)}"
        self._typed.append(f"{expr} AS {alias}")
        return alias

    def key(self, expr: str) -> str:
        alias = f"__k{len(self._rows)}"
        self._rows.append(f"{expr} AS {alias}")
        self._keys.append(alias)
        return alias

    def agg(self, func: str, expr: str) -> str:
        row = f"__r{len(self._rows)}"
        self._rows.append(f"{expr} AS {row}")
        alias = f"__a{len(self._aggs)}"
        self._aggs.append(f"{func}({row}) AS {alias}")
        return alias

    def count(self) -> str:
        alias = f"__a{len(self._aggs)}"
        self._aggs.append(f"count(*) AS {alias}")
        return alias

    def sql(self, source: str, finish: dict[str, str], periods: Iterable[str] | None) -> str:
        assert set(finish) <= {n for n, _ in SPEND_ROW_COLUMNS}
        typed = f"SELECT *{''.join(', ' + t for t in self._typed)} FROM {source}"
        rows = f"SELECT {', '.join(self._rows)} FROM ({typed})"
        grouped = (
            f"SELECT {', '.join([*self._keys, *self._aggs])} FROM ({rows}) "
            f"GROUP BY {', '.join(self._keys)}"
        )
        columns = ", ".join(
            f"CAST({finish.get(n) or 'NULL'} AS {t}) AS {n}" for n, t in SPEND_ROW_COLUMNS
        )
        sql = f"SELECT {columns} FROM ({grouped})"
        if periods is not None:
            wanted = ", ".join(literal(p) for p in sorted(periods))
            sql = f"SELECT * FROM ({sql}) WHERE billing_period IN ({wanted})"
        return sql


def aggregate_select(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None = None,
    period: str | None = None,
    unit: int = 0,
    periods: Iterable[str] | None = None,
) -> str:
    """SELECT the merged rows (`SPEND_ROW_COLUMNS`) of `files` (default: the whole group).

    With `period`, the billing period is that literal (the Data Exports path names it);
    otherwise it is read per row and, with `periods`, only those billing periods are kept.
    """
    if group.format.startswith("focus"):
        return _focus_aggregate(group, files=files, period=period, unit=unit, periods=periods)
    return _cur_aggregate(group, files=files, period=period, unit=unit, periods=periods)


def _cur_aggregate(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None,
    period: str | None,
    unit: int,
    periods: Iterable[str] | None,
) -> str:
    c = _Columns(group.columns)
    _required(group, c, _CUR_REQUIRED)
    g = _Grouping()
    finish: dict[str, str] = {"unit": str(int(unit))}

    def raw(*candidates: str) -> tuple[str, str] | None:
        """The column as stored (the GROUP BY key) and its type."""
        name = c.find(*candidates)
        return None if name is None else (ident(name), c.type_of(name))

    def text_key(*candidates: str) -> str | None:
        found = raw(*candidates)
        return None if found is None else as_text(g.key(found[0]), found[1])

    def text_max(*candidates: str) -> str | None:
        found = raw(*candidates)
        return None if found is None else as_text(g.agg("max", found[0]), found[1])

    unblended = c.money("line_item_unblended_cost")
    net = c.money("line_item_net_unblended_cost")
    lit = raw("line_item_line_item_type")
    account = raw("line_item_usage_account_id")
    assert unblended is not None
    assert lit is not None
    assert account is not None
    lit_row = lit[0] if lit[1] == "VARCHAR" else f"CAST({lit[0]} AS VARCHAR)"
    u = g.typed(unblended)
    n = g.typed(net) if net else None

    usage_date = g.key(c.day("line_item_usage_start_date") or "NULL")
    finish["usage_date"] = usage_date
    line_item_type = as_text(g.key(lit_row), "VARCHAR")
    finish["line_item_type"] = line_item_type
    finish["account_id"] = as_account(g.key(account[0]), account[1])
    finish["resource_id"] = text_key("line_item_resource_id") or "NULL"
    finish["service"] = _coalesce(
        text_key("line_item_product_code"), text_key("product_servicecode")
    )
    finish["invoice_id"] = text_key("bill_invoice_id") or "NULL"
    finish["currency"] = _coalesce(text_key("line_item_currency_code"), literal("USD"))
    if period:
        finish["billing_period"] = literal(period)
    else:
        start = raw("bill_billing_period_start_date")
        month = None
        if start is not None:
            month = f"strftime({as_day(g.key(start[0]), start[1])}, '%Y-%m')"
        finish["billing_period"] = _coalesce(month, f"strftime({usage_date}, '%Y-%m')")
    finish["account_name"] = text_max("line_item_usage_account_name") or "NULL"
    region = _coalesce(text_max("product_region_code"), text_max("product_region"))
    product = c.find("product")
    if region == "NULL" and product and c.type_of(product).startswith("MAP"):
        # only when no top-level column has it: decoding the whole product map is costly
        region = g.agg("max", f"NULLIF({ident(product)}['region'], '')")
    finish["region"] = region

    unblended_sum = g.agg("sum", u)
    finish["unblended_cost"] = unblended_sum
    finish["net_unblended_cost"] = g.agg("sum", f"COALESCE({n}, {u})") if n else unblended_sum
    # The amortized cost differs from the unblended cost only for a few line item types
    # (the GROUP BY key): those rows are computed one by one, the others take the sum.
    special = g.agg("sum", _cur_amortized(c, lit_row, u, otherwise=None))
    types = ", ".join(literal(t) for t in _cur_amortized_types(c))
    finish["amortized_cost"] = (
        f"CASE WHEN {line_item_type} IN ({types}) THEN {special} ELSE {unblended_sum} END"
    )
    finish["line_items"] = g.count()
    finish["tags"] = _tags_aggregate(group, c, g)
    return g.sql(group.scan(files), finish, None if period else periods)


_CUR_REQUIRED: dict[str, tuple[str, ...]] = {
    "lineItem/UsageAccountId": ("line_item_usage_account_id",),
    "lineItem/LineItemType": ("line_item_line_item_type",),
    "lineItem/UnblendedCost": ("line_item_unblended_cost",),
    "lineItem/UsageStartDate": ("line_item_usage_start_date",),
}


def _focus_aggregate(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None,
    period: str | None,
    unit: int,
    periods: Iterable[str] | None,
) -> str:
    """FOCUS files are small next to a CUR: their rows are normalized one by one, then merged."""
    values = _focus_values(group, period)
    c = _Columns(group.columns)
    g = _Grouping()
    finish: dict[str, str] = {"unit": str(int(unit))}
    for name in (
        "billing_period",
        "usage_date",
        "account_id",
        "resource_id",
        "service",
        "line_item_type",
        "invoice_id",
        "currency",
    ):
        finish[name] = g.key(values[name] or "NULL")
    for name in ("account_name", "region"):
        finish[name] = g.agg("max", values[name] or "NULL")
    for name in ("unblended_cost", "net_unblended_cost", "amortized_cost"):
        finish[name] = g.agg("sum", values[name] or "NULL")
    finish["line_items"] = g.count()
    finish["tags"] = _tags_aggregate(group, c, g)
    source = group.scan(files) + _only_aws(group)
    return g.sql(source, finish, None if period else periods)


def _tags_aggregate(group: FileGroup, c: _Columns, g: _Grouping) -> str:
    """One tag map per merged row, as text (the largest, so that it does not depend on the
    order rows are read in), NULL when the rows carry no tag.

    A MAP column is cast to text row by row: DuckDB's map text casts back to the same map,
    and the cast is the cheapest per-row handling of a map measured (an aggregate over the
    map itself, its hash or its JSON cost more). JSON is parsed once per merged row;
    flattened columns are merged per key.
    """
    found = _tag_holder(c)
    if found is not None:
        holder, kind = found
        h = ident(holder)
        if kind == "map":
            return g.agg("max", f"CASE WHEN cardinality({h}) > 0 THEN CAST({h} AS VARCHAR) END")
        text = g.agg("max", f"NULLIF({h}, '')")
        parsed = f"CASE WHEN json_valid({text}) THEN json_transform({text}, '\"{TAGS}\"') END"
        return f"NULLIF(CAST({parsed} AS VARCHAR), '{{}}')"
    entries = [
        f"{{'key': {literal(column[len('tag_') :])}, 'value': {g.agg('max', _coalesce(*exprs))}}}"
        for column, exprs in sorted(flat_tag_sources(group).items())
    ]
    if not entries:
        return "NULL"
    merged = f"map_from_entries(list_filter([{', '.join(entries)}], lambda e: e.value IS NOT NULL))"
    return f"NULLIF(CAST({merged} AS VARCHAR), '{{}}')"
