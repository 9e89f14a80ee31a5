"""Value objects of budgets: hierarchy labels, product paths, budget versions, periods.

A fiscal year has a four-level hierarchy (levels 1..4, top first); the leaf is a product
budget. Level labels come from the chart-of-accounts header. A billing period is named
``'YYYY-MM'``; a set of such keys (`closed_periods`) says which months are closed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.periods import period_key

LEVELS = (1, 2, 3, 4)
PRODUCT_LEVEL = 4

#: The four names of a product budget's path, top level first.
ProductPath = tuple[str, str, str, str]


class BudgetStatus(enum.StrEnum):
    """Lifecycle of a product budget in its year; retired budgets stay as history."""

    ACTIVE = "active"
    RETIRED = "retired"


@dataclass(frozen=True)
class HierarchyLabels:
    """What the organisation calls each level (the chart-of-accounts header, columns 1-4)."""

    level_1: str = "Business Unit"
    level_2: str = "Department"
    level_3: str = "Portfolio"
    level_4: str = "Product"

    @classmethod
    def from_sequence(cls, labels: tuple[str, str, str, str]) -> HierarchyLabels:
        """Build from the four header names, top level first."""
        return cls(*labels)

    def as_tuple(self) -> tuple[str, str, str, str]:
        """The four labels, top level first."""
        return (self.level_1, self.level_2, self.level_3, self.level_4)

    def for_level(self, level: int) -> str:
        """The label of `level` (1..4); `ValueError` for any other level."""
        if level not in LEVELS:
            raise ValueError(f"hierarchy level must be 1-4, not {level}")
        return self.as_tuple()[level - 1]


@dataclass(frozen=True)
class BudgetVersion:
    """One approved annual amount of a product budget, in force from `effective_from`
    (the 1st of a month) until the next version's effective date.

    `created_by` is the id of the user who made the change; `None` for system loads.
    """

    annual_amount: Decimal
    effective_from: date
    created_at: datetime
    created_by: int | None = None


def month_start(day: date) -> date:
    """The 1st of the month that contains `day`."""
    return day.replace(day=1)


def year_end(year: int) -> date:
    """The last day of a fiscal year (fiscal years are calendar years)."""
    return date(year, 12, 31)


def months_from(start: date, *, until: date | None = None) -> list[str]:
    """Period keys from `start`'s month through `until`'s month (default: year end)."""
    last = until if until is not None else year_end(start.year)
    out: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (last.year, last.month):
        out.append(period_key(date(year, month, 1)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def default_year(years: Iterable[int], today: date) -> int | None:
    """The fiscal year the pages open on: the one that contains today (fiscal years are
    calendar years), else the newest before today, else the earliest; None when no year is
    defined. A chart loaded for next year does not move everyone onto it."""
    defined = sorted(set(years))
    if not defined:
        return None
    if today.year in defined:
        return today.year
    past = [y for y in defined if y < today.year]
    return past[-1] if past else defined[0]
