"""Parsing the chart-of-accounts CSV: the hierarchy and approved annual amounts of a year.

Format: comma-delimited UTF-8 (a BOM is allowed), CRLF or LF line ends, RFC 4180 quoting
(names may contain commas, quotes and line breaks). The first row is the header:
columns 1-4 name the hierarchy levels (top level left), column 5 the annual amount,
further columns are attributes of the product budget (e.g. a cost-centre code).

Decisions:
- Row numbers are 1-based line numbers in the file where the record starts (the header
  is row 1), so a user finds the row in a text editor even after a multi-line name.
- A record whose fields are all blank (an empty line, or ``,,,,`` from a spreadsheet) is
  skipped. An extra column with a blank header is ignored when all its values are blank
  (a spreadsheet's trailing commas) and an error otherwise.
- Header names must be unique (case-insensitive); a header whose amount column reads as
  a number means the header row is missing.
- Names follow `domain.budgets.text.clean_name`. Sibling names are unique ignoring case:
  the same node spelt in two cases on different rows is an error, and two rows with the
  same product path (ignoring case) are both reported.
- Attribute values are trimmed; blank ones are kept as ``""``. A file has at most
  `MAX_ATTRIBUTES` attribute columns, their headers at most `MAX_NAME_LENGTH` characters and
  their values at most `MAX_ATTRIBUTE_LENGTH` (a cost-centre code, not a document).
- Every problem is reported at once as an `ErrorDetail` (row, column = header name, or
  the column number when the header itself is at fault), sorted by row. Only problems
  that make the rest unreadable stop early: bad encoding, a wrong delimiter, too few
  columns, malformed quoting, too many rows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from domain.budgets.model import HierarchyLabels, ProductPath
from domain.budgets.money import AmountError, parse_amount
from domain.budgets.text import MAX_NAME_LENGTH, TextError, clean_name, clean_text, name_key
from domain.errors import ErrorDetail, RuleViolation

HIERARCHY_COLUMNS = 4
AMOUNT_COLUMN = 5  # 1-based
MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_LENGTH = 500


@dataclass(frozen=True)
class ChartRow:
    """One product budget line of the file: its path, approved annual amount, attributes."""

    row: int
    path: ProductPath
    annual_amount: Decimal
    attributes: dict[str, str]


@dataclass(frozen=True)
class ChartOfAccounts:
    """A parsed, valid chart-of-accounts file."""

    labels: HierarchyLabels
    amount_header: str
    attribute_headers: tuple[str, ...]
    rows: tuple[ChartRow, ...]

    @property
    def total(self) -> Decimal:
        """Sum of the annual amounts of every product budget in the file."""
        return sum((r.annual_amount for r in self.rows), Decimal("0.00"))


def _refuse(errors: list[ErrorDetail]) -> RuleViolation:
    errors.sort(key=lambda e: e.row or 0)
    count = len(errors)
    return RuleViolation(
        f"the chart of accounts was refused: {count} error{'s' if count != 1 else ''}",
        errors=errors,
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    errors: list[ErrorDetail] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            errors.append(
                ErrorDetail(
                    message=(
                        f"the file is not UTF-8: byte 0x{line[exc.start]:02X} at position "
                        f"{exc.start + 1} of this line is not valid UTF-8 "
                        "(save the file as 'CSV UTF-8')"
                    ),
                    row=number,
                )
            )
    raise _refuse(errors)


class _MalformedCsv(Exception):
    def __init__(self, row: int, reason: str) -> None:
        super().__init__(reason)
        self.row = row
        self.reason = reason


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, fields) for each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last_line = 0
    while True:
        start = last_line + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            if reason == "unexpected end of data":
                reason = "a quoted field starting in this record is never closed"
            raise _MalformedCsv(start, reason) from None
        last_line = reader.line_num
        if any(field.strip() for field in record):
            yield start, record


@dataclass
class _Header:
    labels: list[str]
    amount: str
    # (0-based index, name or "" when the column is to be ignored if blank)
    attributes: list[tuple[int, str]]
    width: int


def _column_name(index: int, names: list[str]) -> str:
    name = names[index] if index < len(names) else ""
    return name or f"column {index + 1}"


def _parse_header(row: int, record: list[str], errors: list[ErrorDetail]) -> _Header | None:
    width = len(record)
    if width < AMOUNT_COLUMN:
        joined = ",".join(record)
        if ";" in joined:
            message = "the file must be comma-delimited (it looks semicolon-delimited)"
        elif "\t" in joined:
            message = "the file must be comma-delimited (it looks tab-delimited)"
        else:
            message = (
                f"the header has {width} column{'s' if width != 1 else ''}; at least "
                f"{AMOUNT_COLUMN} are needed: the {HIERARCHY_COLUMNS} hierarchy levels, "
                "then the annual amount"
            )
        errors.append(ErrorDetail(message=message, row=row))
        return None
    if width - AMOUNT_COLUMN > MAX_ATTRIBUTES:
        errors.append(
            ErrorDetail(
                message=f"the header has {width - AMOUNT_COLUMN} attribute columns; at most "
                f"{MAX_ATTRIBUTES} are allowed",
                row=row,
                column=str(AMOUNT_COLUMN + MAX_ATTRIBUTES + 1),
            )
        )
        return None

    names: list[str] = []
    for index, cell in enumerate(record):
        number = index + 1
        role = (
            f"level {number} label"
            if number <= HIERARCHY_COLUMNS
            else ("annual amount header" if number == AMOUNT_COLUMN else "attribute header")
        )
        try:
            name = clean_text(cell)
        except TextError as exc:
            errors.append(ErrorDetail(message=f"{role} {exc}", row=row, column=str(number)))
            names.append("")
            continue
        if not name and number <= AMOUNT_COLUMN:
            errors.append(ErrorDetail(message=f"{role} is blank", row=row, column=str(number)))
        elif len(name) > MAX_NAME_LENGTH:
            errors.append(
                ErrorDetail(
                    message=f"{role} is longer than {MAX_NAME_LENGTH} characters",
                    row=row,
                    column=str(number),
                )
            )
        names.append(name)

    try:
        parse_amount(names[AMOUNT_COLUMN - 1])
    except AmountError:
        pass
    else:
        errors.append(
            ErrorDetail(
                message=(
                    "the first row must be the header naming the levels and the amount "
                    f"column, but column {AMOUNT_COLUMN} holds a number"
                ),
                row=row,
                column=str(AMOUNT_COLUMN),
            )
        )

    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        key = name_key(name)
        if key in seen:
            errors.append(
                ErrorDetail(
                    message=f"duplicate header {name!r} (also column {seen[key] + 1})",
                    row=row,
                    column=str(index + 1),
                )
            )
        else:
            seen[key] = index

    return _Header(
        labels=names[:HIERARCHY_COLUMNS],
        amount=names[AMOUNT_COLUMN - 1],
        attributes=[(i, names[i]) for i in range(AMOUNT_COLUMN, width)],
        width=width,
    )


def _parse_row(
    row: int, record: list[str], header: _Header, errors: list[ErrorDetail]
) -> ChartRow | None:
    if len(record) != header.width:
        errors.append(
            ErrorDetail(
                message=f"the row has {len(record)} fields; the header has {header.width}",
                row=row,
            )
        )
        return None
    ok = True
    names: list[str] = []
    for level in range(HIERARCHY_COLUMNS):
        label = _column_name(level, header.labels)
        try:
            names.append(clean_name(record[level]))
        except TextError as exc:
            errors.append(ErrorDetail(message=f"{label} {exc}", row=row, column=label))
            ok = False
    amount_column = header.amount or f"column {AMOUNT_COLUMN}"
    amount = Decimal(0)
    try:
        amount = parse_amount(record[AMOUNT_COLUMN - 1])
    except AmountError as exc:
        errors.append(ErrorDetail(message=str(exc), row=row, column=amount_column))
        ok = False
    attributes: dict[str, str] = {}
    for index, name in header.attributes:
        column = name or f"column {index + 1}"
        try:
            value = clean_text(record[index])
        except TextError as exc:
            errors.append(ErrorDetail(message=f"value {exc}", row=row, column=column))
            ok = False
            continue
        if len(value) > MAX_ATTRIBUTE_LENGTH:
            errors.append(
                ErrorDetail(
                    message=f"value is longer than {MAX_ATTRIBUTE_LENGTH} characters",
                    row=row,
                    column=column,
                )
            )
            ok = False
            continue
        if name:
            attributes[name] = value
        elif value:
            errors.append(
                ErrorDetail(
                    message=f"column {index + 1} holds a value but has no header",
                    row=row,
                    column=column,
                )
            )
            ok = False
    if not ok:
        return None
    path: ProductPath = (names[0], names[1], names[2], names[3])
    return ChartRow(row=row, path=path, annual_amount=amount, attributes=attributes)


def _check_names(rows: list[ChartRow], labels: list[str], errors: list[ErrorDetail]) -> None:
    """Sibling names are unique ignoring case: report spelling clashes and duplicate paths."""
    spelling: dict[tuple[str, ...], tuple[str, int]] = {}
    products: dict[tuple[str, ...], list[ChartRow]] = defaultdict(list)
    for chart_row in rows:
        keys = tuple(name_key(n) for n in chart_row.path)
        for level in range(HIERARCHY_COLUMNS - 1):
            prefix = keys[: level + 1]
            name = chart_row.path[level]
            first = spelling.setdefault(prefix, (name, chart_row.row))
            if first[0] != name:
                label = _column_name(level, labels)
                errors.append(
                    ErrorDetail(
                        message=(
                            f"{name!r} differs only in case from {first[0]!r} on row {first[1]}; "
                            f"a {label} name is unique among its siblings, spell it the same way"
                        ),
                        row=chart_row.row,
                        column=label,
                    )
                )
        products[keys].append(chart_row)
    product_label = _column_name(HIERARCHY_COLUMNS - 1, labels)
    for same in products.values():
        if len(same) < 2:
            continue
        for chart_row in same:
            others = ", ".join(str(r.row) for r in same if r is not chart_row)
            errors.append(
                ErrorDetail(
                    message=(
                        f"duplicate product path {' / '.join(chart_row.path)} "
                        f"(also on row {others})"
                    ),
                    row=chart_row.row,
                    column=product_label,
                )
            )


def parse_chart_of_accounts(data: bytes, *, max_rows: int | None = None) -> ChartOfAccounts:
    """Parse and validate a chart-of-accounts file.

    `max_rows` caps the number of budget rows (the header not counted). Raises
    `RuleViolation` whose `errors` list every problem found (see the module docstring).
    """
    text = _decode(data)
    errors: list[ErrorDetail] = []
    if not text.strip():
        raise _refuse([ErrorDetail(message="the file is empty")])

    header: _Header | None = None
    rows: list[ChartRow] = []
    budget_rows = 0
    try:
        for row, record in _records(text):
            if header is None:
                header = _parse_header(row, record, errors)
                if header is None:
                    raise _refuse(errors)
                continue
            budget_rows += 1
            if max_rows is not None and budget_rows > max_rows:
                errors.append(
                    ErrorDetail(message=f"the file has more than {max_rows} budget rows", row=row)
                )
                raise _refuse(errors)
            chart_row = _parse_row(row, record, header, errors)
            if chart_row is not None:
                rows.append(chart_row)
    except _MalformedCsv as exc:
        errors.append(ErrorDetail(message=f"malformed CSV: {exc.reason}", row=exc.row))
        raise _refuse(errors) from None

    if header is None:
        raise _refuse([ErrorDetail(message="the file is empty")])
    if budget_rows == 0:
        errors.append(ErrorDetail(message="the file has a header but no budget rows"))
    _check_names(rows, header.labels, errors)
    if errors:
        raise _refuse(errors)
    return ChartOfAccounts(
        labels=HierarchyLabels(*header.labels),
        amount_header=header.amount,
        attribute_headers=tuple(name for _, name in header.attributes if name),
        rows=tuple(rows),
    )
