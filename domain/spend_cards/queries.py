"""Reads of spend cards: the scoped list, one card with its why, and the tasks inbox.

A card's *pending action* belongs to one side (`machine.pending_side`): the budget's Product
Owners while it is Open, the Portfolio Owners above it while Accepted, Rejected or Disputed,
nobody once Approved or Resolved. Management roles see who that is on every card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.identity.roles import Permission, Role, can
from domain.identity.users import User
from domain.periods import period_key
from domain.ports import Clock, UnitOfWork
from domain.scope import ResolvedScope
from domain.spend_cards.machine import (
    TRANSITIONS,
    CardAction,
    CardStatus,
    Side,
    Who,
    actionable,
    pending_side,
)
from domain.spend_cards.model import SpendCard
from domain.spend_cards.periods import month_start, previous_month


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


@dataclass(frozen=True)
class CardFilter:
    """`period` is a billing month ``'YYYY-MM'`` (the cards whose period ends in it)."""

    period: str | None = None
    status: CardStatus | None = None
    budget_id: int | None = None
    card_id: int | None = None


@dataclass(frozen=True)
class CardRecord:
    """A card with what a reader needs around it: its budget's path and its owners."""

    card: SpendCard
    budget_path: tuple[str, ...]
    product_owners: tuple[Person, ...] = ()
    portfolio_owners: tuple[Person, ...] = ()
    #: who decides instead when no Portfolio Owner but the one who answered the card can (the
    #: Financial Admins, else the Admins): filled only for such cards
    escalated: tuple[Person, ...] = ()

    @property
    def deciders(self) -> tuple[Person, ...]:
        """Who approves, rejects or resolves the card: the Portfolio Owners above it, never the
        one who answered it (segregation of duties); when that leaves nobody, the decision
        goes up to `escalated`."""
        eligible = tuple(p for p in self.portfolio_owners if p.id != self.card.responded_by)
        return eligible or self.escalated

    @property
    def pending_side(self) -> Side | None:
        return pending_side(self.card.status)

    @property
    def pending_with(self) -> tuple[Person, ...]:
        side = self.pending_side
        if side is Side.OWNER:
            return self.product_owners
        if side is Side.DECIDER:
            return self.deciders
        return ()

    def waiting_on(self, today: date) -> tuple[Side | None, tuple[Person, ...]]:
        """Whose action the card waits on `today`: nobody once it is closed, or too old to be
        decided (only cards of this month and the month before are)."""
        if not actionable(self.card.period_end, today):
            return None, ()
        return self.pending_side, self.pending_with

    @property
    def label(self) -> str:
        return " › ".join(self.budget_path)


def who_for(user: User) -> Who:
    """The caller as the card machine sees them. Scope already limits a Product Owner to their
    products and a Portfolio Owner to the products below their portfolios."""
    return Who(
        user_id=user.id,
        owner_side=can(user.role, Permission.RESPOND_SPEND_CARDS),
        decider_side=can(user.role, Permission.DECIDE_SPEND_CARDS),
    )


def who_on(record: CardRecord, user: User) -> Who:
    """The caller as the card machine sees them on this card: a Financial Admin or Admin
    the decision was escalated to decides it like a Portfolio Owner."""
    who = who_for(user)
    if who.decider_side or all(p.id != user.id for p in record.deciders):
        return who
    return Who(user_id=user.id, owner_side=who.owner_side, decider_side=True)


def may_inherit(user: User) -> bool:
    """Whether decisions on spend cards can be escalated to `user` (a Financial Admin, or an
    Admin when there is none)."""
    return user.role in (Role.FINANCIAL_ADMIN, Role.ADMIN)


def actions_for(record: CardRecord, who: Who, today: date) -> tuple[CardAction, ...]:
    """The actions `who` may take on the card now (empty when none)."""
    card = record.card
    if not actionable(card.period_end, today):
        return ()
    out = []
    for action, (allowed_from, _, side) in TRANSITIONS.items():
        if card.status not in allowed_from:
            continue
        if side is Side.OWNER and who.owner_side:
            out.append(action)
        elif (
            side is Side.DECIDER
            and who.decider_side
            and (card.responded_by is None or card.responded_by != who.user_id)
        ):
            out.append(action)
    return tuple(out)


async def list_cards(
    uow: UnitOfWork, scope: ResolvedScope, filters: CardFilter
) -> list[CardRecord]:
    """The cards in the caller's scope matching `filters`, newest period first."""
    return await uow.spend_cards.records(scope, filters)


async def card_tasks(
    uow: UnitOfWork, clock: Clock, user: User, scope: ResolvedScope
) -> list[tuple[CardRecord, tuple[CardAction, ...]]]:
    """The cards waiting on `user`, each with the actions open to them, oldest period first."""
    who = who_for(user)
    wanted: list[CardStatus] = []
    if who.owner_side:
        wanted.append(CardStatus.OPEN)
    if who.decider_side or may_inherit(user):
        wanted += [CardStatus.ACCEPTED, CardStatus.REJECTED, CardStatus.DISPUTED]
    out = []
    today = clock.today()
    # only cards of this month and the last may be decided: a Financial Admin, who may
    # inherit any card, reads those two months rather than every card ever answered
    months = [period_key(previous_month(today)), period_key(month_start(today))]
    for status in wanted:
        for month in months:
            filters = CardFilter(status=status, period=month)
            for record in await uow.spend_cards.records(scope, filters):
                actions = actions_for(record, who_on(record, user), today)
                if actions:
                    out.append((record, actions))
    return sorted(out, key=lambda t: (t[0].card.period_end, t[0].card.budget_id))
