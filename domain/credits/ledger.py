"""The ledger rule (SPEC section 6): how a month's allocated spend of a budget is covered by
its credits. Pure: the service reads the credits and the spend, and writes what this returns.

A credit covers the spend of the usage days it is valid on: from its start date to its expiry
date, both included. So a credit applies to a month when it started on or before the month's
last day and expires on or after the month's first day, and a credit expiring (or starting)
mid-month covers only the allocated spend of its own days in that month.

Credits are taken oldest expiry first (ties: earliest start, then lowest id). Each one applies
the least of its balance, the spend of its days not yet covered by an earlier credit, and the
month's spend not yet covered; rounded *down* to the cent, so the total applied never exceeds
the month's spend nor any credit its balance, and a balance never goes negative. The spend a
credit covers is taken from its days earliest first (leaving later days to credits that last
longer). A credit already applied in the month (a second run) covers again exactly what it
applied, but nothing new is written for it: a run is idempotent per (credit, month).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from domain.credits.model import CENT, ZERO


@dataclass(frozen=True)
class DaySpend:
    day: date
    amount: Decimal


@dataclass(frozen=True)
class BudgetMonthSpend:
    """A budget's allocated spend (after discount, unrounded) per usage day of one month."""

    budget_id: int
    daily: tuple[DaySpend, ...] = ()

    def total(self) -> Decimal:
        return sum((d.amount for d in self.daily), Decimal(0))


@dataclass(frozen=True)
class LedgerCredit:
    """A credit as the ledger sees it. `applied` is what it already applied in the month
    being computed (None: nothing yet)."""

    id: int
    start_date: date
    expires_on: date
    balance: Decimal
    applied: Decimal | None = None


@dataclass(frozen=True)
class Application:
    """One ledger row: `amount` of the credit applied to the month's spend of its budget."""

    credit_id: int
    budget_id: int
    period: str
    amount: Decimal
    balance_before: Decimal

    @property
    def balance_after(self) -> Decimal:
        return self.balance_before - self.amount


@dataclass(frozen=True)
class CreditOutcome:
    """What one credit does in a month: the amount it applies now (zero when nothing is left
    to cover), or what it applied before (`already`)."""

    credit_id: int
    balance_before: Decimal
    amount: Decimal
    already: bool

    @property
    def balance_after(self) -> Decimal:
        return self.balance_before - (ZERO if self.already else self.amount)


def month_bounds(period: str) -> tuple[date, date]:
    year, month = int(period[:4]), int(period[5:7])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def applies_in(credit: LedgerCredit, first: date, last: date) -> bool:
    """The credit is valid on at least one day of `first`..`last`."""
    return credit.start_date <= last and credit.expires_on >= first


def ledger_order(credits: Iterable[LedgerCredit]) -> list[LedgerCredit]:
    return sorted(credits, key=lambda c: (c.expires_on, c.start_date, c.id))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def settle_month(
    credits: Sequence[LedgerCredit], spend: BudgetMonthSpend, *, period: str
) -> list[CreditOutcome]:
    """Each credit of one budget valid in `period`, in ledger order, with what it applies.
    Spend on days outside the month (a CUR line dated early or late) counts on the month's
    first or last day."""
    first, last = month_bounds(period)
    left: dict[date, Decimal] = dict.fromkeys(_days(first, last), Decimal(0))
    for d in spend.daily:
        day = min(max(d.day, first), last)
        left[day] += d.amount
    month_left = sum(left.values(), Decimal(0))
    out: list[CreditOutcome] = []
    for credit in ledger_order(c for c in credits if applies_in(c, first, last)):
        window = _days(max(credit.start_date, first), min(credit.expires_on, last))
        cap = max(Decimal(0), min(sum((left[w] for w in window), Decimal(0)), month_left))
        if credit.applied is not None:
            take = min(credit.applied, cap)
            out.append(CreditOutcome(credit.id, credit.balance, credit.applied, already=True))
        else:
            wanted = min(max(credit.balance, ZERO), cap)
            take = wanted.quantize(CENT, rounding=ROUND_DOWN)
            out.append(CreditOutcome(credit.id, credit.balance, take, already=False))
        month_left -= take
        for day in window:  # cover the credit's days earliest first
            if take <= 0:
                break
            if left[day] > 0:
                used = min(left[day], take)
                left[day] -= used
                take -= used
    return out


def apply_month(
    credits: Sequence[LedgerCredit], spend: BudgetMonthSpend, *, period: str
) -> list[Application]:
    """The ledger rows a month's run writes for one budget (credits applying nothing, and
    those applied before, write none)."""
    return [
        Application(o.credit_id, spend.budget_id, period, o.amount, o.balance_before)
        for o in settle_month(credits, spend, period=period)
        if not o.already and o.amount > 0
    ]


# --- expiry forecast -------------------------------------------------------------------------
@dataclass(frozen=True)
class ExpiryForecast:
    """Where a credit is heading at its budget's burn rate: what it will have applied by its
    expiry and what it will leave unused."""

    credit_id: int
    balance: Decimal
    projected_use: Decimal
    unused_at_expiry: Decimal


_FINE = Decimal("0.0000000001")


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def even_month(budget_id: int, period: str, monthly: Decimal) -> BudgetMonthSpend:
    """`monthly` spread evenly over the days of `period` (to 10 decimals, as the allocation
    sums; the last day takes the remainder, so the days add up to `monthly` exactly)."""
    first, last = month_bounds(period)
    days = _days(first, last)
    per_day = (monthly / len(days)).quantize(_FINE)
    amounts = [per_day] * (len(days) - 1) + [monthly - per_day * (len(days) - 1)]
    return BudgetMonthSpend(
        budget_id, tuple(DaySpend(d, a) for d, a in zip(days, amounts, strict=True))
    )


def forecast_expiry(
    credits: Sequence[LedgerCredit],
    *,
    budget_id: int,
    burn_rate: Decimal,
    from_period: str,
) -> list[ExpiryForecast]:
    """Run the ledger forward from `from_period` (included) to the last expiry, each month's
    spend being `burn_rate` spread evenly over its days, and report each credit's unused
    balance at its expiry. Credits already applied in `from_period` keep what they applied."""
    balances = {c.id: c.balance for c in credits}
    start = {c.id: c.balance for c in credits}
    pending = list(credits)
    month, _ = month_bounds(from_period)
    end = max((c.expires_on for c in credits), default=month)
    while month <= end:
        period = f"{month.year:04d}-{month.month:02d}"
        spend = even_month(budget_id, period, max(burn_rate, Decimal(0)))
        for app in apply_month(pending, spend, period=period):
            balances[app.credit_id] -= app.amount
        pending = [LedgerCredit(c.id, c.start_date, c.expires_on, balances[c.id]) for c in credits]
        month = _next_month(month)
    return [
        ExpiryForecast(
            credit_id=c.id,
            balance=start[c.id],
            projected_use=start[c.id] - balances[c.id],
            unused_at_expiry=balances[c.id],
        )
        for c in ledger_order(credits)
    ]


def average_burn(monthly_totals: Mapping[str, Decimal]) -> Decimal:
    """The average of the given months' allocated spend, to the cent (no months: zero)."""
    if not monthly_totals:
        return ZERO
    return (sum(monthly_totals.values(), Decimal(0)) / len(monthly_totals)).quantize(CENT)
