"""Spend cards as the domain sees them, and deciding one.

A card is keyed by (budget, period end): one card per product budget per period. `version`
starts at 1 and goes up with every change (a refresh or a decision), so a decision made on a
stale card is refused (optimistic concurrency, like schedules).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from domain.errors import Conflict, ErrorDetail
from domain.spend_cards.explain import CardWhy
from domain.spend_cards.figures import CardFigures
from domain.spend_cards.machine import (
    DECIDED,
    TRANSITIONS,
    CardAction,
    CardStatus,
    Side,
    Who,
    transition,
)
from domain.spend_cards.periods import CardPeriod, period_of


@dataclass(frozen=True, order=True)
class CardKey:
    budget_id: int
    period_end: date


@dataclass(frozen=True)
class Correction:
    """A late CUR correction of an earlier, already decided card of the same budget: its
    actual would now be `now` instead of the `was` it was decided on."""

    period_start: date
    period_end: date
    was: Decimal
    now: Decimal

    @property
    def delta(self) -> Decimal:
        return self.now - self.was


@dataclass(frozen=True)
class CardContent:
    """What generation computes for a card: its figures, its why, and the late corrections of
    earlier decided cards it carries."""

    figures: CardFigures
    why: CardWhy = CardWhy()
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True)
class CardDecision:
    """One step of a card's life: who did what, when, and why."""

    action: CardAction
    by: int
    at: datetime
    comment: str | None


@dataclass(frozen=True)
class SpendCard:
    id: int
    budget_id: int
    period_start: date
    period_end: date
    status: CardStatus
    content: CardContent
    version: int = 1
    #: The Product Owner who accepted or disputed the card (segregation of duties).
    responded_by: int | None = None
    decisions: tuple[CardDecision, ...] = ()
    #: Notes of late corrections that arrived after the card was decided.
    notes: tuple[str, ...] = ()

    @property
    def key(self) -> CardKey:
        return CardKey(self.budget_id, self.period_end)

    @property
    def period(self) -> CardPeriod:
        return period_of(self.period_start)

    @property
    def decided(self) -> bool:
        return self.status in DECIDED

    @property
    def figures(self) -> CardFigures:
        return self.content.figures


def decide(
    card: SpendCard,
    action: CardAction,
    who: Who,
    *,
    expected_version: int,
    comment: str | None,
    today: date,
    at: datetime,
) -> SpendCard:
    """The card after `who` takes `action` on it, or the error that refuses it (Conflict for a
    stale version, a wrong state or a card too old; Forbidden for the wrong side or deciding
    one's own response; RuleViolation for a missing comment)."""
    if expected_version != card.version:
        raise Conflict(
            "the spend card changed since it was read",
            [ErrorDetail(message=f"the card is at version {card.version}", field="version")],
        )
    status = transition(
        card.status,
        action,
        who,
        period_end=card.period_end,
        today=today,
        responded_by=card.responded_by,
        comment=comment,
    )
    responded_by = who.user_id if TRANSITIONS[action][2] is Side.OWNER else card.responded_by
    text = comment.strip() if comment and comment.strip() else None
    return replace(
        card,
        status=status,
        version=card.version + 1,
        responded_by=responded_by,
        decisions=(*card.decisions, CardDecision(action, who.user_id, at, text)),
    )
