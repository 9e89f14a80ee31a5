"""A card's content from the spend the `CardSpendReader` port returns: what the generation
service computes for every wanted card before it plans the run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.spend_cards.explain import DEFAULT_LIMIT, explain
from domain.spend_cards.figures import (
    DEFAULT_BANDS,
    ZERO,
    ColourBands,
    DailySpend,
    card_figures,
    period_budget,
)
from domain.spend_cards.generation import CardSlot
from domain.spend_cards.model import CardContent
from domain.spend_cards.periods import previous_period


@dataclass(frozen=True)
class ItemSpend:
    """A service's or a resource's allocated spend over a date range."""

    name: str
    amount: Decimal


@dataclass(frozen=True)
class ResourceSpend:
    name: str
    amount: Decimal
    #: The resource's first usage day ever in the CUR (not only within the range).
    first_seen: date


@dataclass(frozen=True)
class BudgetSpend:
    """A budget's allocated spend (after discount, DECIMAL(20,10)) over `start`..`end`:
    per usage day, per service and per resource."""

    budget_id: int
    start: date
    end: date
    daily: tuple[DailySpend, ...] = ()
    services: tuple[ItemSpend, ...] = ()
    resources: tuple[ResourceSpend, ...] = ()

    def total(self) -> Decimal:
        return sum((d.amount for d in self.daily), ZERO)


def card_content(
    slot: CardSlot,
    *,
    spend: BudgetSpend,
    previous: BudgetSpend,
    month_to_date: Decimal,
    bands: ColourBands = DEFAULT_BANDS,
    limit: int = DEFAULT_LIMIT,
) -> CardContent:
    """The card's figures and why. `spend` is the budget's spend in the card's period,
    `previous` in the period before it (`previous_period`, possibly last month's), and
    `month_to_date` the unrounded spend from the 1st to the period's end."""
    period = slot.period
    figures = card_figures(
        period,
        scheduled=slot.scheduled,
        period_spend=spend.daily,
        month_to_date=month_to_date,
        bands=bands,
    )
    why = explain(
        period,
        previous_period(period),
        budget=period_budget(slot.scheduled, period),
        services=_by_name(spend.services),
        previous_services=_by_name(previous.services),
        resources=_by_name(spend.resources),
        previous_resources=_by_name(previous.resources),
        first_seen={r.name: r.first_seen for r in spend.resources},
        limit=limit,
    )
    return CardContent(figures=figures, why=why)


def _by_name(items: tuple[ItemSpend, ...] | tuple[ResourceSpend, ...]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for item in items:
        out[item.name] = out.get(item.name, ZERO) + item.amount
    return out
