"""A card's figures: actual against the period's budget, month to date, month-end forecast,
and the colour.

Rounding (money is Decimal throughout, never float): inputs are kept at full precision —
spend is DECIMAL(20,10), the month's scheduled amount NUMERIC(18,2) — and each *figure shown*
is rounded once, half-up to cents, at the end of its own computation:

- ``actual`` = Σ daily spend of the period, rounded;
- ``budget`` = scheduled × period days ÷ days in month (one exact division), rounded;
- ``variance`` = actual − budget, of the two rounded figures, so the card adds up as shown;
- ``variance_ratio`` = variance ÷ budget (of the rounded figures), kept to 4 decimals
  (0.01 %), half-up; None when the budget is zero;
- ``month_to_date`` = Σ daily spend from the 1st to the period end, rounded;
  ``month_to_date_budget`` = scheduled × elapsed days ÷ days in month, rounded;
- ``forecast`` = month-to-date run rate × days in month = MTD (unrounded) ÷ elapsed days ×
  days in month, rounded. On the month's last period it equals the month-to-date spend.

The colour compares the rounded actual with the rounded budget (what the reader sees), with
`ColourBands`: black within ±2 % (inclusive), green under by more, orange over by more than
2 % up to 10 % (inclusive), red over by more than 10 %. A zero budget is black with no spend,
green with a net credit, red with any spend.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.spend_cards.periods import CardPeriod, days_in_month

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
ZERO = Decimal("0")


def cents(amount: Decimal) -> Decimal:
    """Half-up (away from zero) to cents: the only rounding figures get."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class Colour(StrEnum):
    BLACK = "black"
    GREEN = "green"
    ORANGE = "orange"
    RED = "red"


@dataclass(frozen=True)
class ColourBands:
    """The thresholds, as ratios of the budget: within ±`tolerance` is black (on target);
    over by more than `red_above` is red."""

    tolerance: Decimal = Decimal("0.02")
    red_above: Decimal = Decimal("0.10")

    def __post_init__(self) -> None:
        if self.tolerance < 0 or self.red_above < self.tolerance:
            raise ValueError("colour bands need 0 ≤ tolerance ≤ red_above")

    def colour(self, actual: Decimal, budget: Decimal) -> Colour:
        if budget == 0:
            return Colour.BLACK if actual == 0 else Colour.GREEN if actual < 0 else Colour.RED
        ratio = (actual - budget) / abs(budget)
        if ratio < -self.tolerance:
            return Colour.GREEN
        if ratio <= self.tolerance:
            return Colour.BLACK
        if ratio <= self.red_above:
            return Colour.ORANGE
        return Colour.RED


DEFAULT_BANDS = ColourBands()


@dataclass(frozen=True)
class DailySpend:
    """A budget's allocated spend (after discount) on one usage day."""

    day: date
    amount: Decimal


@dataclass(frozen=True)
class CardFigures:
    actual: Decimal
    budget: Decimal
    variance: Decimal
    variance_ratio: Decimal | None
    colour: Colour
    month_scheduled: Decimal
    month_to_date: Decimal
    month_to_date_budget: Decimal
    forecast: Decimal
    #: forecast − month_scheduled: where the month is heading against its schedule.
    forecast_variance: Decimal


def period_budget(scheduled: Decimal, period: CardPeriod) -> Decimal:
    """The daily budget (scheduled ÷ days in month) times the period's days, in cents."""
    return cents(scheduled * period.days / days_in_month(period.start))


def forecast_month_end(month_to_date: Decimal, through: date) -> Decimal:
    """Month-to-date run rate over the elapsed days (1st..`through`), times days in month."""
    return cents(month_to_date / through.day * days_in_month(through))


def card_figures(
    period: CardPeriod,
    *,
    scheduled: Decimal,
    period_spend: Iterable[DailySpend],
    month_to_date: Decimal,
    bands: ColourBands = DEFAULT_BANDS,
) -> CardFigures:
    """The figures of `period`'s card. `period_spend` is the budget's daily spend in the period
    (days outside it are a caller error); `month_to_date` is the unrounded spend from the 1st
    of the month to the period's end; `scheduled` the month's approved amount."""
    days = list(period_spend)
    outside = [d.day for d in days if d.day not in period]
    if outside:
        raise ValueError(f"spend on {outside[0]} is outside the period {period.start}..")
    actual = cents(sum((d.amount for d in days), ZERO))
    budget = period_budget(scheduled, period)
    variance = actual - budget
    ratio = None if budget == 0 else (variance / budget).quantize(RATIO, rounding=ROUND_HALF_UP)
    month_days = days_in_month(period.start)
    forecast = forecast_month_end(month_to_date, period.end)
    return CardFigures(
        actual=actual,
        budget=budget,
        variance=variance,
        variance_ratio=ratio,
        colour=bands.colour(actual, budget),
        month_scheduled=cents(scheduled),
        month_to_date=cents(month_to_date),
        month_to_date_budget=cents(scheduled * period.end.day / month_days),
        forecast=forecast,
        forecast_variance=forecast - cents(scheduled),
    )
