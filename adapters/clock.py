"""The only place that reads the system time. Everything that needs "now" or "today" takes a
`Clock` (domain/ports.py), so tests pin time and `--as-of` backfills run on a chosen day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time


def utc_now() -> datetime:
    """The current time in UTC, for adapters' own bookkeeping (row timestamps, file tokens)."""
    return datetime.now(UTC)


class SystemClock:
    """The wall clock, in UTC: the fiscal calendar and billing periods are UTC days."""

    def now(self) -> datetime:
        return utc_now()

    def today(self) -> date:
        return utc_now().date()


@dataclass
class FixedClock:
    """A clock that says what it is told: tests, and backfills run `--as-of` a date."""

    at: datetime

    @classmethod
    def on(cls, day: date, hour: int = 12) -> FixedClock:
        return cls(datetime.combine(day, time(hour), tzinfo=UTC))

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.date()

    def advance_to(self, day: date, hour: int = 12) -> None:
        self.at = datetime.combine(day, time(hour), tzinfo=UTC)
