"""Billing periods: the `YYYY-MM` labels that spend, budgets, splits and month close key by."""

from __future__ import annotations

import re
from datetime import date

_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def is_billing_period(value: str) -> bool:
    """True for a billing period label `YYYY-MM`."""
    return _PERIOD.fullmatch(value) is not None


def period_key(day: date) -> str:
    """The billing period (``'YYYY-MM'``) that contains `day`."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_period(text: str) -> date:
    """The 1st of the month a `YYYY-MM` label names (surrounding blanks ignored)."""
    try:
        year, month = text.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"'{text}' is not a month (YYYY-MM)") from None
