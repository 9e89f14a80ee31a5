"""Reading an export into rows, and planning what an import changes.

An import is all-or-nothing: a missing required column, or any row that cannot be read,
refuses the whole export with every error listed (row, column, reason). What can be read
follows these rules:

- savings, costs and percentages may be empty (`None`); a non-number is an error;
- an action type Cost Optimization Hub does not document is kept as it is (flagged);
- rows with the same stable key are one recommendation: the row refreshed last wins, then
  the larger savings, then the smaller recommendation id (so the choice never depends on the
  order of the files);
- a recommendation stored before and absent from this export is *resolved*; one that comes
  back is un-resolved, keeping its status and its decisions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import ErrorDetail, RuleViolation
from domain.recommendations.model import ExportRow, Recommendation

#: Every column the export documents.
EXPORT_COLUMNS = (
    "account_id",
    "account_name",
    "action_type",
    "currency_code",
    "current_resource_details",
    "current_resource_summary",
    "current_resource_type",
    "estimated_monthly_cost_after_discount",
    "estimated_monthly_cost_before_discount",
    "estimated_monthly_savings_after_discount",
    "estimated_monthly_savings_before_discount",
    "estimated_savings_percentage_after_discount",
    "estimated_savings_percentage_before_discount",
    "implementation_effort",
    "last_refresh_timestamp",
    "recommendation_id",
    "recommendation_lookback_period_in_days",
    "recommendation_source",
    "recommended_resource_details",
    "recommended_resource_summary",
    "recommended_resource_type",
    "region",
    "resource_arn",
    "restart_needed",
    "rollback_possible",
    "tags",
)

#: Without these a row cannot be keyed, mapped or valued: a file lacking one is refused.
REQUIRED_COLUMNS = (
    "account_id",
    "action_type",
    "currency_code",
    "estimated_monthly_savings_after_discount",
    "recommendation_id",
    "recommended_resource_summary",
    "recommended_resource_type",
    "resource_arn",
)

_MONEY = {
    "estimated_monthly_savings_after_discount": "monthly_savings",
    "estimated_monthly_savings_before_discount": "monthly_savings_before_discount",
    "estimated_monthly_cost_after_discount": "monthly_cost_after_discount",
    "estimated_monthly_cost_before_discount": "monthly_cost_before_discount",
    "estimated_savings_percentage_after_discount": "savings_percentage",
}
_TEXT = {
    "region": "region",
    "account_name": "account_name",
    "current_resource_type": "current_resource_type",
    "current_resource_summary": "current_resource_summary",
    "current_resource_details": "current_resource_details",
    "recommended_resource_type": "recommended_resource_type",
    "recommended_resource_summary": "recommended_resource_summary",
    "recommended_resource_details": "recommended_resource_details",
    "implementation_effort": "implementation_effort",
    "recommendation_source": "source",
    "last_refresh_timestamp": "last_refresh",
    "tags": "tags",
}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
# Bounds of what the store keeps (NUMERIC(20,10) money, short texts).
_MAX_MONEY = Decimal("1E10")
_TEXT_LIMIT = 1000
_LONG_TEXT_LIMIT = 20_000


def check_columns(columns: Sequence[str]) -> None:
    """Refuse an export lacking a required column, naming each one missing."""
    present = {c.strip().lower() for c in columns}
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if missing:
        raise RuleViolation(
            "the export lacks required columns",
            [ErrorDetail(message=f"missing required column {c}", column=c) for c in missing],
        )


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _decimal(text: str | None, column: str, row: int, errors: list[ErrorDetail]) -> Decimal | None:
    if text is None or text.lower() in {"nan", "null"}:
        return None
    if not _NUMBER.fullmatch(text):
        errors.append(ErrorDetail(message=f"{text!r} is not a number", row=row, column=column))
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        errors.append(ErrorDetail(message=f"{text!r} is not a number", row=row, column=column))
        return None
    if abs(value) >= _MAX_MONEY:
        errors.append(ErrorDetail(message=f"{text} is out of range", row=row, column=column))
        return None
    # the store keeps 10 decimals: compare what it will hold, so an unchanged re-import is
    # recognised as unchanged
    return value.quantize(Decimal("1E-10"), rounding=ROUND_HALF_UP)


def _bool(text: str | None, column: str, row: int, errors: list[ErrorDetail]) -> bool | None:
    if text is None:
        return None
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    errors.append(ErrorDetail(message=f"{text!r} is not true or false", row=row, column=column))
    return None


def _account(text: str | None, row: int, errors: list[ErrorDetail]) -> str:
    # A parquet export may carry the id as a number: its leading zeros come back here.
    if text is not None and text.endswith(".0"):
        text = text[:-2]
    if text is None or not text.isdigit() or len(text) > 12:
        errors.append(
            ErrorDetail(message="an AWS account id has 12 digits", row=row, column="account_id")
        )
        return ""
    return text.zfill(12)


def parse_row(raw: Mapping[str, object], row: int, errors: list[ErrorDetail]) -> ExportRow | None:
    """One export row (column → value as read), or None with its errors appended. `row` is
    the 1-based position of the data row in the export."""
    values = {k.strip().lower(): _clean(v) for k, v in raw.items()}
    before = len(errors)
    required = {}
    for column in ("action_type", "resource_arn", "recommendation_id"):
        text = values.get(column)
        if text is None:
            errors.append(ErrorDetail(message="a value is required", row=row, column=column))
        elif len(text) > _TEXT_LIMIT * 2:
            errors.append(ErrorDetail(message="the value is too long", row=row, column=column))
        required[column] = text or ""
    account_id = _account(values.get("account_id"), row, errors)
    kwargs: dict[str, object] = {}
    for column, name in _MONEY.items():
        kwargs[name] = _decimal(values.get(column), column, row, errors)
    for column, name in _TEXT.items():
        text = values.get(column)
        limit = _LONG_TEXT_LIMIT if column.endswith("details") or column == "tags" else _TEXT_LIMIT
        kwargs[name] = text[:limit] if text is not None else None
    for column in ("restart_needed", "rollback_possible"):
        kwargs[column] = _bool(values.get(column), column, row, errors)
    lookback = _decimal(
        values.get("recommendation_lookback_period_in_days"),
        "recommendation_lookback_period_in_days",
        row,
        errors,
    )
    currency = (values.get("currency_code") or "USD").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors.append(
            ErrorDetail(
                message=f"{currency!r} is not a currency code", row=row, column="currency_code"
            )
        )
    if len(errors) > before:
        return None
    return ExportRow(
        account_id=account_id,
        action_type=required["action_type"],
        resource_arn=required["resource_arn"],
        recommendation_id=required["recommendation_id"],
        currency_code=currency,
        lookback_days=int(lookback) if lookback is not None else None,
        **kwargs,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class ParsedExport:
    rows: tuple[ExportRow, ...]
    read: int
    duplicates: int
    unknown_action_types: tuple[str, ...]


MAX_ERRORS = 200


def parse_export(columns: Sequence[str], raw_rows: Iterable[Mapping[str, object]]) -> ParsedExport:
    """The export's rows, typed and deduplicated by stable key; RuleViolation listing every
    bad row (at most `MAX_ERRORS`) when any is."""
    check_columns(columns)
    errors: list[ErrorDetail] = []
    chosen: dict[str, ExportRow] = {}
    read = 0
    for read, raw in enumerate(raw_rows, start=1):  # noqa: B007 (read is the count after)
        row = parse_row(raw, read, errors)
        if len(errors) >= MAX_ERRORS:
            break
        if row is None:
            continue
        current = chosen.get(row.key)
        chosen[row.key] = row if current is None else _preferred(current, row)
    if errors:
        raise RuleViolation(
            f"the export has {len(errors)}{'+' if len(errors) >= MAX_ERRORS else ''} bad values; "
            "nothing was imported",
            errors[:MAX_ERRORS],
        )
    rows = tuple(sorted(chosen.values(), key=lambda r: r.key))
    unknown = tuple(sorted({r.action_type for r in rows if not r.known_action}))
    return ParsedExport(rows, read, read - len(rows), unknown)


def _rank(row: ExportRow) -> tuple[str, Decimal, str]:
    return (
        row.last_refresh or "",
        row.monthly_savings if row.monthly_savings is not None else Decimal("-1E20"),
        # the smaller id wins: invert it for max()
        "".join(chr(0x10FFFF - ord(c)) for c in row.recommendation_id),
    )


def _preferred(a: ExportRow, b: ExportRow) -> ExportRow:
    """The row kept of two with one key: refreshed last, then larger savings, then the
    smaller recommendation id, then (identical on all of those) the smaller full row."""
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return a if ra > rb else b
    return min(a, b, key=lambda r: tuple(str(getattr(r, f.name)) for f in fields(r)))


# --- planning ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Update:
    id: int
    expected_version: int
    row: ExportRow
    reappears: bool


@dataclass(frozen=True)
class ImportPlan:
    create: tuple[ExportRow, ...]
    update: tuple[Update, ...]
    unchanged: tuple[int, ...]
    resolve: tuple[Recommendation, ...]

    @property
    def reappeared(self) -> int:
        return sum(1 for u in self.update if u.reappears)


def plan_import(existing: Sequence[Recommendation], rows: Sequence[ExportRow]) -> ImportPlan:
    """What an import of `rows` does to the stored recommendations: create the new keys,
    update those whose figures changed (or that come back after being resolved), leave the
    rest, and resolve the open ones absent from the export."""
    by_key = {r.key: r for r in existing}
    create: list[ExportRow] = []
    update: list[Update] = []
    unchanged: list[int] = []
    seen: set[str] = set()
    for row in rows:
        seen.add(row.key)
        stored = by_key.get(row.key)
        if stored is None:
            create.append(row)
        elif stored.resolved or stored.row != row:
            update.append(Update(stored.id, stored.version, row, reappears=stored.resolved))
        else:
            unchanged.append(stored.id)
    resolve = tuple(r for r in existing if r.key not in seen and not r.resolved)
    return ImportPlan(tuple(create), tuple(update), tuple(unchanged), resolve)
