# ruff: noqa: ARG002  (the fakes implement the ports' signatures)
"""The spend-card services over in-memory fakes: generation is idempotent and takes the job
lock first; a decision is saved, audited and told to the other side."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from domain.errors import Conflict
from domain.identity.roles import Role
from domain.identity.users import User
from domain.schedules.months import MonthAmount
from domain.scope import ResolvedScope
from domain.spend_cards.content import BudgetSpend
from domain.spend_cards.figures import DailySpend
from domain.spend_cards.generation import ScheduledBudget
from domain.spend_cards.machine import CardAction, CardStatus
from domain.spend_cards.model import SpendCard
from domain.spend_cards.queries import CardRecord, Person
from domain.spend_cards.service import decide_card, generate_cards


class FakeCards:
    def __init__(self):
        self.cards: dict[int, SpendCard] = {}
        self.locked: list[str] = []

    async def lock_job(self, name, at):
        self.locked.append(name)

    async def approved_budgets(self, months):
        return [ScheduledBudget(7, date(2026, 1, 2), (MonthAmount("2026-10", Decimal("310")),))]

    async def cards_for(self, keys):
        return [c for c in self.cards.values() if c.key in set(keys)]

    async def add(self, new):
        card = SpendCard(
            len(self.cards) + 1,
            new.budget_id,
            new.period_start,
            new.period_end,
            CardStatus.OPEN,
            new.content,
        )
        self.cards[card.id] = card
        return card

    async def refresh(self, change):
        card = self.cards[change.card_id]
        self.cards[card.id] = replace(card, content=change.content, version=card.version + 1)

    async def add_note(self, note):
        raise AssertionError("no note expected")

    async def owners(self, budget_ids):
        return {b: ((Person(1, "Paul", "p@x"),), (Person(2, "Pia", "f@x"),)) for b in budget_ids}

    async def records(self, scope, filters):
        owners = (await self.owners([7]))[7]
        return [
            CardRecord(c, ("R", "D", "W", "Checkout"), *owners)
            for c in self.cards.values()
            if filters.card_id in (None, c.id)
        ]

    async def save_decision(self, card, expected):
        if self.cards[card.id].version != expected:
            raise Conflict("stale")
        self.cards[card.id] = card
        return card


class FakeUow:
    def __init__(self):
        self.spend_cards = FakeCards()
        self.entries, self.sent = [], []
        self.audit = self
        self.notifications = self
        self.budgets = self
        self.cleared: list[str] = []

    async def get_budget(self, scope, budget_id):
        return None

    async def clear(self, subject):
        self.cleared.append(subject)

    async def record(self, entry):
        self.entries.append(entry)

    async def notify(self, user_ids, kind, message, link, *, budget_id, subject):
        assert (budget_id, subject) == (7, link.replace("/spend-cards/", "spend_card:"))
        self.sent.append((list(user_ids), kind))


class FakeSpend:
    async def budget_spend(self, budget_ids, start, end):
        days = [
            DailySpend(date.fromordinal(d), Decimal("10"))
            for d in range(start.toordinal(), end.toordinal() + 1)
        ]
        return [BudgetSpend(7, start, end, tuple(days))]

    async def finalized_months(self, months):
        return frozenset()


def user(uid, role):
    return User(uid, f"{uid}@x", str(uid), role, True, datetime(2026, 1, 1, tzinfo=UTC))


class TestGenerateCards:
    async def test_creates_the_due_cards_once_under_the_lock(self):
        uow, clock = FakeUow(), FixedClock.on(date(2026, 10, 12))
        first = await generate_cards(uow, clock, FakeSpend())
        assert uow.spend_cards.locked == ["spend_cards.generate"]
        assert first.created == 2  # 1–3 and 4–10 October
        card = next(c for c in uow.spend_cards.cards.values() if c.period_end.day == 10)
        assert (card.figures.actual, card.figures.budget) == (Decimal("70.00"), Decimal("70.00"))
        assert uow.sent[0] == ([1], "spend_card.open")
        again = await generate_cards(uow, clock, FakeSpend())
        assert (again.created, again.refreshed, again.unchanged) == (0, 0, 2)


class TestDecideCard:
    async def test_accept_tells_the_portfolio_owner_and_a_stale_version_is_refused(self):
        uow, clock = FakeUow(), FixedClock.on(date(2026, 10, 12))
        await generate_cards(uow, clock, FakeSpend())
        scope = ResolvedScope(prefixes=None)
        po = user(1, Role.PRODUCT_OWNER)
        done = await decide_card(
            uow, clock, po, scope, card_id=1, action=CardAction.ACCEPT, comment=None, version=1
        )
        assert (done.card.status, done.card.version) == (CardStatus.ACCEPTED, 2)
        assert uow.sent[-1] == ([2], "spend_card.accept")
        assert uow.cleared == ["spend_card:1"]
        assert uow.entries[-1].action == "spend_card.accept"
        with pytest.raises(Conflict):
            await decide_card(
                uow,
                clock,
                user(2, Role.PORTFOLIO_OWNER),
                scope,
                card_id=1,
                action=CardAction.APPROVE,
                comment=None,
                version=1,
            )


class TestGenerationAudit:
    def test_a_run_of_hundreds_of_cards_fits_the_audit_entity_id(self):
        # the audit log's entity id is 128 characters (PostgreSQL refused the demo's roll-out)
        from domain.spend_cards.service import _entity_ids

        assert _entity_ids([4, 5]) == "4,5"
        assert _entity_ids([]) == "-"
        many = _entity_ids(list(range(185, 465)))
        assert many == "280 cards, 185..464"
        assert len(many) <= 128
