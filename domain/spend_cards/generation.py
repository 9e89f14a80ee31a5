"""The plan of a generation run: which cards to create, which Open cards to refresh, which
decided cards to leave with a note. Pure: the service loads budgets, cards and spend through
the ports, computes each card's fresh content, and applies the plan.

Two steps:

1. `wanted_cards(due, budgets)`: the (budget, period) pairs that should have a card — every
   due period of every budget with an approved schedule that has an amount for the period's
   month, for periods that end on or after the day the schedule was approved (a period that
   was over before the approval is not reviewed; this makes a late run give the same cards as
   a punctual one).
2. `plan_generation(wanted, existing, fresh)`: with the fresh content of each wanted card,
   - no card yet: create it (one card per budget per period end: idempotent);
   - an Open card: refresh it when its content changed (a redelivered CUR), else leave it;
   - a decided card (any state but Open) is never changed. If its actual would now differ (a
     late CUR correction), the card gets a note (once per corrected amount) and the correction
     (`Correction`: was, now) is carried by the budget's next Open card, unless a decided card
     in between already carries that same correction.

Budgets not in `budgets` (e.g. whose schedule is being rescheduled) keep their cards as they
are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from itertools import groupby

from domain.schedules.months import MonthAmount
from domain.spend_cards.model import CardContent, CardKey, Correction, SpendCard
from domain.spend_cards.periods import CardPeriod


@dataclass(frozen=True)
class ScheduledBudget:
    """A product budget with an approved schedule: the day it was approved and its months."""

    budget_id: int
    approved_on: date
    months: tuple[MonthAmount, ...]

    def scheduled(self, month: str) -> Decimal | None:
        return next((m.amount for m in self.months if m.month == month), None)


@dataclass(frozen=True)
class CardSlot:
    """A card that should exist: its budget, period and the month's scheduled amount."""

    budget_id: int
    period: CardPeriod
    scheduled: Decimal

    @property
    def key(self) -> CardKey:
        return CardKey(self.budget_id, self.period.end)


@dataclass(frozen=True)
class NewCard:
    budget_id: int
    period_start: date
    period_end: date
    content: CardContent


@dataclass(frozen=True)
class CardRefresh:
    card_id: int
    expected_version: int
    content: CardContent


@dataclass(frozen=True)
class CardNote:
    card_id: int
    text: str


@dataclass(frozen=True)
class GenerationPlan:
    create: tuple[NewCard, ...] = ()
    refresh: tuple[CardRefresh, ...] = ()
    notes: tuple[CardNote, ...] = ()
    unchanged: tuple[CardKey, ...] = ()

    @property
    def changes_nothing(self) -> bool:
        return not (self.create or self.refresh or self.notes)


def wanted_cards(
    due: Sequence[CardPeriod], budgets: Sequence[ScheduledBudget]
) -> tuple[CardSlot, ...]:
    """The cards that should exist for the due periods, ordered by budget then period."""
    slots = []
    for budget in sorted(budgets, key=lambda b: b.budget_id):
        for period in sorted(due):
            scheduled = budget.scheduled(period.month)
            if scheduled is not None and period.end >= budget.approved_on:
                slots.append(CardSlot(budget.budget_id, period, scheduled))
    return tuple(slots)


def correction_note(correction: Correction) -> str:
    return (
        f"Late CUR correction: the actual of {correction.period_start}..{correction.period_end} "
        f"is now {correction.now} (was {correction.was}, {correction.delta:+})."
    )


def plan_generation(
    wanted: Sequence[CardSlot],
    existing: Sequence[SpendCard],
    fresh: Mapping[CardKey, CardContent],
) -> GenerationPlan:
    """What a run does (see the module docstring). `existing` are the stored cards of the
    wanted keys (others are ignored); `fresh` the content computed now for every wanted key
    (its `corrections` are set here)."""
    missing = [slot.key for slot in wanted if slot.key not in fresh]
    if missing:
        raise ValueError(f"no fresh content for {missing[0]}")
    stored = {card.key: card for card in existing}
    create: list[NewCard] = []
    refresh: list[CardRefresh] = []
    notes: list[CardNote] = []
    unchanged: list[CardKey] = []
    ordered = sorted(wanted, key=lambda s: s.key)
    for _, slots in groupby(ordered, key=lambda s: s.budget_id):
        pending: list[Correction] = []
        for slot in slots:
            content = fresh[slot.key]
            card = stored.get(slot.key)
            if card is not None and card.decided:
                unchanged.append(slot.key)
                carried = set(card.content.corrections)
                pending = [c for c in pending if c not in carried]
                now, was = content.figures.actual, card.figures.actual
                if now != was:
                    correction = Correction(card.period_start, card.period_end, was, now)
                    pending.append(correction)
                    text = correction_note(correction)
                    if text not in card.notes:
                        notes.append(CardNote(card.id, text))
                continue
            content = replace(content, corrections=tuple(pending))
            pending = []
            if card is None:
                create.append(NewCard(slot.budget_id, slot.period.start, slot.period.end, content))
            elif card.content != content:
                refresh.append(CardRefresh(card.id, card.version, content))
            else:
                unchanged.append(slot.key)
    return GenerationPlan(tuple(create), tuple(refresh), tuple(notes), tuple(unchanged))
