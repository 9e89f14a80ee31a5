"""Reading a CUR's columns whatever their spelling, and rendering them as typed SQL.

Columns are matched by a canonical key (lower case, letters and digits only), so
`lineItem/UsageAccountId`, `line_item_usage_account_id` and `LineItem_UsageAccountId` are the
same column. Money becomes DECIMAL(20,10) as soon as it is read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from adapters.cur.sql import ident, violation

if TYPE_CHECKING:
    from adapters.cur.formats import FileGroup

MONEY = "DECIMAL(20,10)"
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


class Columns:
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


def coalesce(*exprs: str | None) -> str:
    present = [e for e in exprs if e]
    if not present:
        return "NULL"
    return present[0] if len(present) == 1 else f"COALESCE({', '.join(present)})"


def required(group: FileGroup, cols: Columns, needs: dict[str, tuple[str, ...]]) -> None:
    missing = [label for label, candidates in needs.items() if cols.find(*candidates) is None]
    if missing:
        names = ", ".join(f.name for f in group.files)
        raise violation(names, f"missing required column(s): {', '.join(missing)}")
