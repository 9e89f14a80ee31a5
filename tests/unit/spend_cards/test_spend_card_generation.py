"""Generation runs, planned and applied to an in-memory store: idempotent, refreshes Open
cards, never changes a decided one (a late correction is a note and rides on the next card)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from domain.schedules.months import MonthAmount
from domain.spend_cards.content import BudgetSpend, ItemSpend, ResourceSpend, card_content
from domain.spend_cards.figures import DailySpend
from domain.spend_cards.generation import (
    GenerationPlan,
    ScheduledBudget,
    plan_generation,
    wanted_cards,
)
from domain.spend_cards.machine import CardStatus
from domain.spend_cards.model import CardContent, CardKey, Correction, SpendCard
from domain.spend_cards.periods import CardPeriod, due_periods, previous_period

MARCH = tuple(MonthAmount(m, D("3100.00")) for m in ("2025-02", "2025-03", "2025-04"))


def budget(budget_id=7, approved_on=date(2025, 1, 15), months=MARCH):
    return ScheduledBudget(budget_id, approved_on, months)


class World:
    """The spend per budget and day (one service and resource per budget) and the stored
    cards; `run` plans a generation as of a day and applies it like the store would."""

    def __init__(self, per_day=D("100")):
        self.per_day = per_day
        self.overrides: dict[date, D] = {}
        self.cards: dict[CardKey, SpendCard] = {}
        self.next_id = 1

    def spend(self, budget_id: int, period: CardPeriod) -> BudgetSpend:
        days = [
            DailySpend(date.fromordinal(o), self.overrides.get(date.fromordinal(o), self.per_day))
            for o in range(period.start.toordinal(), period.end.toordinal() + 1)
        ]
        total = sum(d.amount for d in days)
        return BudgetSpend(
            budget_id,
            period.start,
            period.end,
            tuple(days),
            (ItemSpend("EC2", total),),
            (ResourceSpend(f"i-{budget_id}", total, date(2024, 1, 1)),),
        )

    def content(self, slot) -> CardContent:
        p = slot.period
        mtd = sum(
            self.overrides.get(date(p.start.year, p.start.month, d), self.per_day)
            for d in range(1, p.end.day + 1)
        )
        return card_content(
            slot,
            spend=self.spend(slot.budget_id, p),
            previous=self.spend(slot.budget_id, previous_period(p)),
            month_to_date=mtd,
        )

    def plan(self, as_of, budgets, finalized=frozenset()) -> GenerationPlan:
        wanted = wanted_cards(due_periods(as_of, finalized), budgets)
        existing = [self.cards[s.key] for s in wanted if s.key in self.cards]
        return plan_generation(wanted, existing, {s.key: self.content(s) for s in wanted})

    def run(self, as_of, budgets, finalized=frozenset()) -> GenerationPlan:
        plan = self.plan(as_of, budgets, finalized)
        for new in plan.create:
            card = SpendCard(
                self.next_id,
                new.budget_id,
                new.period_start,
                new.period_end,
                CardStatus.OPEN,
                new.content,
            )
            self.next_id += 1
            assert card.key not in self.cards
            self.cards[card.key] = card
        by_id = {c.id: c for c in self.cards.values()}
        for change in plan.refresh:
            card = by_id[change.card_id]
            assert card.version == change.expected_version
            assert not card.decided
            self.cards[card.key] = replace(card, content=change.content, version=card.version + 1)
        for note in plan.notes:
            card = self.cards[by_id[note.card_id].key]
            self.cards[card.key] = replace(card, notes=(*card.notes, note.text))
        return plan

    def set_status(self, period_end, status, budget_id=7):
        key = CardKey(budget_id, period_end)
        self.cards[key] = replace(
            self.cards[key], status=status, version=self.cards[key].version + 1
        )


class TestCreation:
    def test_each_monday_adds_the_week_before_and_a_rerun_changes_nothing(self):
        world = World()
        first = world.run(date(2025, 3, 10), [budget()])  # backfills February too
        assert first.create[-1].period_end == date(2025, 3, 8)
        assert world.run(date(2025, 3, 10), [budget()]).changes_nothing
        nxt = world.run(date(2025, 3, 17), [budget()])
        assert [(c.period_start, c.period_end) for c in nxt.create] == [
            (date(2025, 3, 9), date(2025, 3, 15))
        ]

    def test_a_card_per_budget_per_period(self):
        world = World()
        world.run(date(2025, 3, 17), [budget(7), budget(8)])
        march = [k for k in world.cards if k.period_end.month == 3]
        assert sorted(march) == [CardKey(b, date(2025, 3, e)) for b in (7, 8) for e in (1, 8, 15)]

    def test_a_budget_approved_mid_month_gets_cards_from_the_approval_week(self):
        world = World()
        world.run(date(2025, 3, 24), [budget(approved_on=date(2025, 3, 12))])
        assert sorted(k.period_end for k in world.cards) == [date(2025, 3, 15), date(2025, 3, 22)]
        # a late run reaches the same cards
        late = World()
        late.run(date(2025, 4, 14), [budget(approved_on=date(2025, 3, 12))], {"2025-03"})
        assert min(k.period_end for k in late.cards) == date(2025, 3, 15)

    def test_no_card_for_a_month_without_a_scheduled_amount(self):
        world = World()
        world.run(date(2025, 3, 17), [budget(months=(MonthAmount("2025-02", D("10")),))])
        assert {k.period_end.month for k in world.cards} == {2}

    def test_the_last_period_comes_with_finalization(self):
        world = World()
        world.run(date(2025, 4, 7), [budget()])
        assert CardKey(7, date(2025, 3, 31)) not in world.cards
        plan = world.run(date(2025, 4, 8), [budget()], {"2025-03"})
        assert [c.period_end for c in plan.create] == [date(2025, 3, 31)]
        card = world.cards[CardKey(7, date(2025, 3, 31))]
        assert card.figures.budget == D("200.00")  # 2 of 31 days of 3100
        assert card.figures.forecast == card.figures.month_to_date == D("3100.00")

    def test_the_figures_and_why_are_on_the_card(self):
        world = World()
        world.overrides = {date(2025, 3, d): D("130") for d in range(9, 16)}
        world.run(date(2025, 3, 17), [budget()])
        card = world.cards[CardKey(7, date(2025, 3, 15))]
        f = card.figures
        assert (f.actual, f.budget, f.variance, f.colour.value) == (
            D("910.00"),
            D("700.00"),
            D("210.00"),
            "red",
        )
        assert card.content.why.against_previous[0].change == D("210.00")


class TestRedeliveredCur:
    def test_an_open_card_is_refreshed(self):
        world = World()
        world.run(date(2025, 3, 17), [budget()])
        world.overrides[date(2025, 3, 10)] = D("150")
        plan = world.run(date(2025, 3, 18), [budget()])
        assert [r.card_id for r in plan.refresh] == [world.cards[CardKey(7, date(2025, 3, 15))].id]
        card = world.cards[CardKey(7, date(2025, 3, 15))]
        assert (card.figures.actual, card.version) == (D("750.00"), 2)
        assert world.run(date(2025, 3, 18), [budget()]).changes_nothing

    @pytest.mark.parametrize("status", [s for s in CardStatus if s is not CardStatus.OPEN])
    def test_a_decided_card_is_never_changed_and_gets_one_note(self, status):
        world = World()
        world.run(date(2025, 3, 17), [budget()])
        world.set_status(date(2025, 3, 15), status)
        before = world.cards[CardKey(7, date(2025, 3, 15))]
        world.overrides[date(2025, 3, 10)] = D("150")
        plan = world.run(date(2025, 3, 18), [budget()])
        after = world.cards[CardKey(7, date(2025, 3, 15))]
        assert after.content == before.content
        assert after.status is status
        assert len(after.notes) == 1
        assert "now 750.00 (was 700.00, +50.00)" in after.notes[0]
        assert not any(r.card_id == after.id for r in plan.refresh)
        assert world.run(date(2025, 3, 19), [budget()]).changes_nothing

    def test_the_correction_rides_on_the_next_card_once(self):
        world = World()
        world.run(date(2025, 3, 17), [budget()])
        world.set_status(date(2025, 3, 15), CardStatus.ACCEPTED)
        world.overrides[date(2025, 3, 10)] = D("150")
        world.run(date(2025, 3, 18), [budget()])
        world.run(date(2025, 3, 24), [budget()])
        nxt = world.cards[CardKey(7, date(2025, 3, 22))]
        assert nxt.content.corrections == (
            Correction(date(2025, 3, 9), date(2025, 3, 15), D("700.00"), D("750.00")),
        )
        assert nxt.figures.month_to_date == D("2250.00")  # the corrected spend is in the MTD
        # once the next card is decided too, the correction is not carried again
        world.set_status(date(2025, 3, 22), CardStatus.APPROVED)
        world.run(date(2025, 3, 31), [budget()])
        assert world.cards[CardKey(7, date(2025, 3, 29))].content.corrections == ()

    def test_a_budget_no_longer_scheduled_keeps_its_cards(self):
        world = World()
        world.run(date(2025, 3, 17), [budget()])
        world.overrides[date(2025, 3, 10)] = D("150")
        plan = world.run(date(2025, 3, 18), [])
        assert plan.changes_nothing

    def test_fresh_content_is_required_for_every_wanted_card(self):
        wanted = wanted_cards(due_periods(date(2025, 3, 17), set()), [budget()])
        with pytest.raises(ValueError, match="no fresh content"):
            plan_generation(wanted, [], {})
