"""Money amounts of budgets: parsed from text into `Decimal`, never float.

Accepted forms (surrounding whitespace ignored): ``1234``, ``1234.5``, ``1234.56``,
``1,234.56`` (thousands separators in groups of three), ``$1,234.56``.
Refused, each with its own message: blank, negative (a leading ``-`` or accounting
parentheses), NaN/Infinity, more than two decimals, misplaced thousands separators
(``1,23.4``), anything else that is not a number, and amounts that do not fit
NUMERIC(18,2) (the budget columns).
Zero is a valid amount: a product may be approved with no money yet.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
#: The largest amount a NUMERIC(18,2) budget column holds.
MAX_AMOUNT = Decimal("9999999999999999.99")

_VALID = re.compile(r"\$?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?")
_NUMBER_LIKE = re.compile(r"\$?[0-9,]*(?:\.[0-9]*)?")
_NON_FINITE = {"nan", "snan", "inf", "infinity", "+inf", "+infinity", "-inf", "-infinity"}


class AmountError(ValueError):
    """A text is not a valid budget amount; `str(error)` is the message for the user."""


def parse_amount(text: str) -> Decimal:
    """Parse a non-negative amount with at most two decimals, returned with two decimals.

    Raises `AmountError` with a message that says what is wrong.
    """
    s = text.strip()
    if not s:
        raise AmountError("amount is blank")
    if s.lstrip("$").lower().replace(" ", "") in _NON_FINITE:
        raise AmountError(f"amount must be a finite number, not {s!r}")
    if s.startswith("-") or s.startswith("$-") or (s.startswith("(") and s.endswith(")")):
        raise AmountError(f"amount must not be negative: {s!r}")
    match = _VALID.fullmatch(s)
    if match is None:
        if "," in s and _NUMBER_LIKE.fullmatch(s) and any(ch.isdigit() for ch in s):
            raise AmountError(f"misplaced thousands separator in {s!r} (use 1,234.56 or 1234.56)")
        raise AmountError(f"amount is not a number: {s!r}")
    frac = match.group("frac")
    if frac is not None and len(frac) > 2:
        raise AmountError(f"amount has more than 2 decimal places: {s!r}")
    digits = match.group("int").replace(",", "")
    value = Decimal(f"{digits}.{frac or '0'}").quantize(CENT)
    if value > MAX_AMOUNT:
        raise AmountError(f"amount is too large: {s!r} (at most {MAX_AMOUNT:,})")
    return value


def quantize_cents(amount: Decimal) -> Decimal:
    """Round to cents, half away from zero (half-up), as finance files expect."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal) -> str:
    """Plain text for files: cents, no thousands separator, no currency sign (``1234.50``)."""
    return f"{quantize_cents(amount):f}"
