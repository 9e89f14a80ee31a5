"""Why a card's spend moved: the services and resources behind it.

Three bounded lists (the top `limit` services then the top `limit` resources, default 5):

- ``against_previous``: the items whose spend changed most against the previous period, by
  absolute change. Periods differ in length (a month's first and last periods are short), so
  the previous spend is first brought to this period's length at its daily rate:
  ``change = current − previous × days ÷ previous days``. Items present in only one of the two
  periods count with 0 in the other.
- ``against_budget``: the items that used most of the daily budget: each item's spend in the
  period as a share of the period's budget (the daily budget × days), largest spend first.
  The share is None when the budget is zero.
- ``new_resources``: resources first seen (their first usage day ever) inside the period,
  largest spend first; ``new_resource_count`` says how many there were in all.

Ties are broken by name, so the lists repeat run after run. Amounts are rounded half-up to
cents; the share to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.spend_cards.figures import RATIO, ZERO, cents
from domain.spend_cards.periods import CardPeriod

DEFAULT_LIMIT = 5


class MoverKind(StrEnum):
    SERVICE = "service"
    RESOURCE = "resource"


@dataclass(frozen=True)
class Mover:
    kind: MoverKind
    name: str
    current: Decimal
    #: The previous period's spend at this period's length (see the module docstring).
    previous: Decimal
    change: Decimal
    #: current ÷ the period's budget; None when the budget is zero.
    share_of_budget: Decimal | None


@dataclass(frozen=True)
class NewResource:
    name: str
    first_seen: date
    current: Decimal


@dataclass(frozen=True)
class CardWhy:
    against_previous: tuple[Mover, ...] = ()
    against_budget: tuple[Mover, ...] = ()
    new_resources: tuple[NewResource, ...] = ()
    new_resource_count: int = 0


def _movers(
    kind: MoverKind,
    current: Mapping[str, Decimal],
    previous: Mapping[str, Decimal],
    scale: Decimal,
    budget: Decimal,
) -> list[Mover]:
    out = []
    for name in sorted(set(current) | set(previous)):
        now = current.get(name, ZERO)
        before = previous.get(name, ZERO) * scale
        share = None if budget == 0 else (now / budget).quantize(RATIO, rounding=ROUND_HALF_UP)
        out.append(Mover(kind, name, cents(now), cents(before), cents(now - before), share))
    return out


def explain(
    period: CardPeriod,
    previous_period: CardPeriod,
    *,
    budget: Decimal,
    services: Mapping[str, Decimal],
    previous_services: Mapping[str, Decimal],
    resources: Mapping[str, Decimal],
    previous_resources: Mapping[str, Decimal],
    first_seen: Mapping[str, date],
    limit: int = DEFAULT_LIMIT,
) -> CardWhy:
    """The card's "why" from the spend per service and per resource of this period and the
    previous one. `budget` is the period's budget (daily budget × days); `first_seen` the first
    usage day of the resources (a resource missing from it is not reported as new)."""
    if limit < 0:
        raise ValueError("limit must not be negative")
    scale = Decimal(period.days) / Decimal(previous_period.days)
    against_previous: list[Mover] = []
    against_budget: list[Mover] = []
    for kind, now, before in (
        (MoverKind.SERVICE, services, previous_services),
        (MoverKind.RESOURCE, resources, previous_resources),
    ):
        movers = _movers(kind, now, before, scale, budget)
        by_change = sorted((m for m in movers if m.change != 0), key=lambda m: -abs(m.change))
        by_spend = sorted((m for m in movers if m.current != 0), key=lambda m: -m.current)
        against_previous += by_change[:limit]
        against_budget += by_spend[:limit]
    new = sorted(
        (
            NewResource(name, first_seen[name], cents(amount))
            for name, amount in resources.items()
            if name in first_seen and first_seen[name] in period and amount != 0
        ),
        key=lambda r: (-r.current, r.name),
    )
    return CardWhy(
        against_previous=tuple(against_previous),
        against_budget=tuple(against_budget),
        new_resources=tuple(new[:limit]),
        new_resource_count=len(new),
    )
