"""The refresh's one pass: the SQL that reads a group of CUR files once and merges its line
items (see `SPEND_ROW_COLUMNS`).

A refresh does not keep the line items: it reads the raw files once and merges their rows by
billing period, usage day, account, resource, service, line item type, invoice and currency
(a CUR's 24 hourly rows of one resource and day become one row). Everything the store writes
(daily aggregates, resources, accounts, period figures; see `summaries.py`) is cut from those
merged rows.

The per-row work is kept to what cannot wait: reading the columns, the usage day, the costs
as DECIMAL(20,10) and their sums, and one text copy of the tag map. Text keys are grouped as
they come (a dictionary-encoded parquet column stays one); '' -> NULL, leading zeros, the
billing period label, the service and region fallbacks are applied to the merged rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from adapters.cur.columns import Columns, as_account, as_day, as_text, coalesce, required
from adapters.cur.formats import FileGroup, SourceFile, only_aws
from adapters.cur.normalize import CUR_REQUIRED, cur_amortized, cur_amortized_types, focus_values
from adapters.cur.sql import ident, literal
from adapters.cur.tags import flat_tag_sources, tag_holder

# the merged rows: a temporary table on the refresh's own connection
ROWS = "spend_rows"
TOTAL = "DECIMAL(38,10)"
TAGS = "MAP(VARCHAR, VARCHAR)"
# stands for the grouped relation in `MergePass.finish`
GROUPED = "{__finops_grouped__}"

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

    def split(
        self, source: str, finish: dict[str, str], periods: Iterable[str] | None
    ) -> MergePass:
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
        finished = f"SELECT {columns} FROM ({GROUPED})"
        if periods is not None:
            wanted = ", ".join(literal(p) for p in sorted(periods))
            finished = f"SELECT * FROM ({finished}) WHERE billing_period IN ({wanted})"
        return MergePass(grouped=grouped, finish=finished)


@dataclass(frozen=True)
class MergePass:
    """The pass in two halves: `grouped`, the per-line-item work and the GROUP BY (what a
    distributed engine runs next to the CUR), and `finish`, the merged rows' own work
    (`GROUPED` stands for the grouped relation), always run by DuckDB."""

    grouped: str
    finish: str

    def over(self, relation: str) -> str:
        """The merged rows (`SPEND_ROW_COLUMNS`) of the grouped rows in `relation`."""
        return self.finish.replace(GROUPED, f"SELECT * FROM {relation}")

    @property
    def sql(self) -> str:
        """The whole pass as one DuckDB statement."""
        return self.finish.replace(GROUPED, self.grouped)


def duckdb_map_text(column: str) -> str:
    """A MAP column as DuckDB's text (which casts back to the same map)."""
    return f"CAST({column} AS VARCHAR)"


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
    return aggregate_pass(group, files=files, period=period, unit=unit, periods=periods).sql


def aggregate_pass(
    group: FileGroup,
    *,
    files: Sequence[SourceFile] | None = None,
    period: str | None = None,
    unit: int = 0,
    periods: Iterable[str] | None = None,
    scan: str | None = None,
    map_text: Callable[[str], str] = duckdb_map_text,
) -> MergePass:
    """`aggregate_select` in its two halves (`MergePass`). Another engine passes the relation
    it reads the files as (`scan`, default DuckDB's scan of `files`) and how it writes a MAP
    column as DuckDB's text (`map_text`), then renders `grouped` in its own dialect."""
    source = scan if scan is not None else group.scan(files)
    if group.format.startswith("focus"):
        return _focus_aggregate(
            group, source=source, period=period, unit=unit, periods=periods, map_text=map_text
        )
    return _cur_aggregate(
        group, source=source, period=period, unit=unit, periods=periods, map_text=map_text
    )


def _cur_aggregate(
    group: FileGroup,
    *,
    source: str,
    period: str | None,
    unit: int,
    periods: Iterable[str] | None,
    map_text: Callable[[str], str],
) -> MergePass:
    c = Columns(group.columns)
    required(group, c, CUR_REQUIRED)
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
    finish["service"] = coalesce(
        text_key("line_item_product_code"), text_key("product_servicecode")
    )
    finish["invoice_id"] = text_key("bill_invoice_id") or "NULL"
    finish["currency"] = coalesce(text_key("line_item_currency_code"), literal("USD"))
    if period:
        finish["billing_period"] = literal(period)
    else:
        start = raw("bill_billing_period_start_date")
        month = None
        if start is not None:
            month = f"strftime({as_day(g.key(start[0]), start[1])}, '%Y-%m')"
        finish["billing_period"] = coalesce(month, f"strftime({usage_date}, '%Y-%m')")
    finish["account_name"] = text_max("line_item_usage_account_name") or "NULL"
    region = coalesce(text_max("product_region_code"), text_max("product_region"))
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
    special = g.agg("sum", cur_amortized(c, lit_row, u, otherwise=None))
    types = ", ".join(literal(t) for t in cur_amortized_types(c))
    finish["amortized_cost"] = (
        f"CASE WHEN {line_item_type} IN ({types}) THEN {special} ELSE {unblended_sum} END"
    )
    finish["line_items"] = g.count()
    finish["tags"] = _tags_aggregate(group, c, g, map_text)
    return g.split(source, finish, None if period else periods)


def _focus_aggregate(
    group: FileGroup,
    *,
    source: str,
    period: str | None,
    unit: int,
    periods: Iterable[str] | None,
    map_text: Callable[[str], str],
) -> MergePass:
    """FOCUS files are small next to a CUR: their rows are normalized one by one, then merged."""
    values = focus_values(group, period)
    c = Columns(group.columns)
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
    finish["tags"] = _tags_aggregate(group, c, g, map_text)
    return g.split(source + only_aws(group), finish, None if period else periods)


def _tags_aggregate(
    group: FileGroup, c: Columns, g: _Grouping, map_text: Callable[[str], str]
) -> str:
    """One tag map per merged row, as text (the largest, so that it does not depend on the
    order rows are read in), NULL when the rows carry no tag.

    A MAP column is cast to text row by row: DuckDB's map text casts back to the same map,
    and the cast is the cheapest per-row handling of a map measured (an aggregate over the
    map itself, its hash or its JSON cost more). JSON is parsed once per merged row;
    flattened columns are merged per key.
    """
    found = tag_holder(c)
    if found is not None:
        holder, kind = found
        h = ident(holder)
        if kind == "map":
            return g.agg("max", f"CASE WHEN cardinality({h}) > 0 THEN {map_text(h)} END")
        text = g.agg("max", f"NULLIF({h}, '')")
        parsed = f"CASE WHEN json_valid({text}) THEN json_transform({text}, '\"{TAGS}\"') END"
        return f"NULLIF(CAST({parsed} AS VARCHAR), '{{}}')"
    entries = [
        f"{{'key': {literal(column[len('tag_') :])}, 'value': {g.agg('max', coalesce(*exprs))}}}"
        for column, exprs in sorted(flat_tag_sources(group).items())
    ]
    if not entries:
        return "NULL"
    merged = f"map_from_entries(list_filter([{', '.join(entries)}], lambda e: e.value IS NOT NULL))"
    return f"NULLIF(CAST({merged} AS VARCHAR), '{{}}')"
