"""CSV as finance opens it: UTF-8, a header row, stable column order, CRLF line ends, and no
text cell a spreadsheet would run as a formula.

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a
single quote (OWASP's CSV-injection advice), so "=HYPERLINK(...)" shows as text. Numbers are
written as numbers: a negative amount such as -12.34 is a Decimal, not text, and stays as it
is; amounts are never floats."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(text: str) -> str:
    """`text` made inert for a spreadsheet: prefixed with `'` when it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: object) -> str:
    """One value as its CSV text: None is empty, Decimals in plain notation (no exponent),
    dates in ISO 8601, booleans as true/false, text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("amounts are Decimals: a float cannot be written to a finance file")
    return escape_cell(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The whole file: the header, then one line per row, each row as long as the header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    for n, row in enumerate(rows, start=1):
        if len(row) != len(header):
            raise ValueError(f"row {n} has {len(row)} cells; the header has {len(header)}")
        writer.writerow([cell(v) for v in row])
    return out.getvalue().encode("utf-8")
