"""The schedule `act` use case against in-memory fakes of the unit of work: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from domain.audit import Actor
from domain.budgets.model import BudgetStatus
from domain.budgets.records import BudgetRecord
from domain.errors import Forbidden, NotFound
from domain.identity.roles import Role
from domain.identity.users import User
from domain.schedules.machine import Action, ScheduleStatus
from domain.schedules.queries import tasks_of
from domain.schedules.records import ApprovedSchedule, ScheduleMove, ScheduleState
from domain.schedules.service import ScheduleRequest, act, amount_changed
from domain.scope import ResolvedScope

EVERYTHING = ResolvedScope(prefixes=None)
CLOCK = FixedClock.on(date(2025, 3, 10))
BUDGET = BudgetRecord(
    id=7,
    year=2025,
    node_id=40,
    path=("Retail", "Digital", "Web", "Checkout"),
    node_ids=(10, 20, 30, 40),
    status=BudgetStatus.ACTIVE,
    start_date=date(2025, 1, 1),
    retired_from=None,
    annual_amount=Decimal("1200.00"),
    attributes={},
)
MONTHS = {f"2025-{m:02d}": Decimal("100.00") for m in range(1, 13)}


def user(user_id: int, role: Role) -> User:
    return User(user_id, f"u{user_id}@corp.com", f"U{user_id}", role, True, datetime.now(UTC))


OWNER = user(1, Role.PRODUCT_OWNER)
PORTFOLIO = user(2, Role.PORTFOLIO_OWNER)
FINANCE = user(3, Role.FINANCIAL_ADMIN)


class FakeBudgets:
    async def get_budget(self, scope, budget_id):  # noqa: ARG002
        return BUDGET if budget_id == BUDGET.id else None

    async def closed_periods(self):
        return set()


class FakeSchedules:
    def __init__(self, state: ScheduleState) -> None:
        self.state = state
        self.moves: list[ScheduleMove] = []

    async def get(self, budget_id):  # noqa: ARG002
        return self.state

    async def statuses(self, budget_ids):
        return {b: self.state.status for b in budget_ids if b == self.state.budget_id}

    async def in_states(self, states):
        return [self.state] if self.state.status in set(states) else []

    async def deciders(self, budget_id, *, excluding=()):  # noqa: ARG002
        return [u for u in (PORTFOLIO.id, FINANCE.id) if u not in excluding][:1]

    async def owners(self, budget_id):  # noqa: ARG002
        return [OWNER.id]

    async def names(self, user_ids):
        people = {u.id: u.name for u in (OWNER, PORTFOLIO, FINANCE)}
        return {u: people[u] for u in user_ids if u in people}

    async def set_status(self, budget_id, expected, status):  # noqa: ARG002
        self.state = replace(self.state, status=status, version=expected + 1)
        return expected + 1

    async def move(self, budget_id, expected, move):  # noqa: ARG002
        self.moves.append(move)
        fields = {
            Action.SUBMIT: {"submitted_by_id": move.by_id},
            Action.REQUEST_RESCHEDULE: {"reschedule_requested_by_id": move.by_id},
        }.get(move.action, {"decided_by_id": move.by_id, "decided_at": move.at})
        self.state = replace(self.state, status=move.status, version=expected + 1, **fields)
        return expected + 1


class FakeAllocation:
    async def workloads(self, scope, *, budget_id=None):  # noqa: ARG002
        return []


class FakeAudit:
    def __init__(self) -> None:
        self.entries = []

    async def record(self, entry):
        self.entries.append(entry)


class FakeNotifier:
    def __init__(self) -> None:
        self.sent = []
        self.cleared = []

    async def notify(self, user_ids, kind, message, link, *, budget_id, subject):
        assert (budget_id, subject) == (BUDGET.id, f"schedule:{BUDGET.id}")
        self.sent.append((list(user_ids), kind, message, link))

    async def clear(self, subject):
        self.cleared.append(subject)


class FakeUow:
    def __init__(self, state: ScheduleState) -> None:
        self.budgets = FakeBudgets()
        self.schedules = FakeSchedules(state)
        self.allocation = FakeAllocation()
        self.audit = FakeAudit()
        self.notifications = FakeNotifier()


def pending(submitted_by: int) -> ScheduleState:
    return ScheduleState(
        BUDGET.id, ScheduleStatus.PENDING, 3, dict(MONTHS), submitted_by_id=submitted_by
    )


class TestAct:
    async def test_the_submitter_cannot_approve_and_nothing_is_written(self):
        uow = FakeUow(pending(submitted_by=FINANCE.id))
        with pytest.raises(Forbidden):
            await act(
                uow,
                CLOCK,
                FINANCE,
                EVERYTHING,
                budget_id=BUDGET.id,
                request=ScheduleRequest(Action.APPROVE, 3),
            )
        assert uow.schedules.moves == []
        assert uow.audit.entries == []
        assert uow.notifications.sent == []

    async def test_a_decision_notifies_the_submitter_and_is_audited(self):
        uow = FakeUow(pending(submitted_by=OWNER.id))
        view = await act(
            uow,
            CLOCK,
            PORTFOLIO,
            EVERYTHING,
            budget_id=BUDGET.id,
            request=ScheduleRequest(Action.REJECT, 3, "too high in Q4"),
        )
        assert view.state.status is ScheduleStatus.REJECTED
        assert uow.schedules.moves == [
            ScheduleMove(
                Action.REJECT, ScheduleStatus.REJECTED, PORTFOLIO.id, CLOCK.now(), "too high in Q4"
            )
        ]
        assert uow.notifications.sent == [
            (
                [OWNER.id],
                "schedule.reject",
                "U2 rejected the Checkout schedule, version 4: too high in Q4",
                "/budgets/7",
            )
        ]
        assert uow.notifications.cleared == ["schedule:7"]
        assert [e.action for e in uow.audit.entries] == ["schedule.reject"]

    async def test_a_submission_notifies_the_deciders(self):
        draft = ScheduleState(BUDGET.id, ScheduleStatus.DRAFT, 1, dict(MONTHS))
        uow = FakeUow(draft)
        await act(
            uow,
            CLOCK,
            OWNER,
            EVERYTHING,
            budget_id=BUDGET.id,
            request=ScheduleRequest(Action.SUBMIT, 1),
        )
        assert uow.notifications.sent[0][:2] == ([PORTFOLIO.id], "schedule.submit")

    async def test_a_budget_outside_the_scope_answers_not_found(self):
        uow = FakeUow(pending(submitted_by=OWNER.id))
        with pytest.raises(NotFound):
            await act(
                uow,
                CLOCK,
                PORTFOLIO,
                EVERYTHING,
                budget_id=999,
                request=ScheduleRequest(Action.APPROVE, 3),
            )
        assert uow.schedules.moves == []


def approved_state(months=None) -> ScheduleState:
    months = dict(MONTHS if months is None else months)
    return ScheduleState(
        BUDGET.id,
        ScheduleStatus.APPROVED,
        5,
        months,
        submitted_by_id=OWNER.id,
        decided_by_id=PORTFOLIO.id,
        approved=ApprovedSchedule(5, PORTFOLIO.id, CLOCK.now(), dict(months)),
    )


class TestAmountChanged:
    """An amount change that leaves an agreed schedule off the amount in force."""

    async def test_an_approved_schedule_off_the_new_amount_needs_a_reschedule(self):
        uow = FakeUow(approved_state())
        uow.budgets = AmountBudgets(Decimal("1300.00"))
        flagged = await amount_changed(
            uow,
            Actor(FINANCE.id, FINANCE.email),
            budget_ids=[BUDGET.id],
            effective_from={BUDGET.id: date(2025, 12, 1)},
        )
        assert flagged == [BUDGET.id]
        assert uow.schedules.state.status is ScheduleStatus.NEEDS_RESCHEDULE
        assert uow.schedules.state.approved is not None  # variance keeps its basis
        assert uow.notifications.sent == [
            (
                [OWNER.id],
                "schedule.needs_reschedule",
                "U3 changed the Checkout annual amount to 1,300.00 from December 2025: its "
                "schedule totals 1,200.00, 100.00 short. Reschedule it.",
                "/budgets/7",
            )
        ]
        assert [e.action for e in uow.audit.entries] == ["schedule.amount_changed"]

    @pytest.mark.parametrize(
        "status",
        [ScheduleStatus.DRAFT, ScheduleStatus.REJECTED, ScheduleStatus.NONE],
    )
    async def test_a_schedule_still_being_written_is_left_alone(self, status):
        uow = FakeUow(replace(approved_state(), status=status, approved=None))
        uow.budgets = AmountBudgets(Decimal("1300.00"))
        assert await amount_changed(uow, Actor(FINANCE.id, FINANCE.email), budget_ids=[7]) == []
        assert uow.schedules.state.status is status
        assert uow.notifications.sent == []

    async def test_an_unchanged_total_changes_nothing(self):
        uow = FakeUow(approved_state())
        uow.budgets = AmountBudgets(Decimal("1200.00"))
        assert await amount_changed(uow, Actor(FINANCE.id, FINANCE.email), budget_ids=[7]) == []
        assert uow.schedules.state.status is ScheduleStatus.APPROVED
        assert uow.audit.entries == []

    async def test_changing_the_amount_back_restores_the_untouched_approval(self):
        uow = FakeUow(replace(approved_state(), status=ScheduleStatus.NEEDS_RESCHEDULE))
        uow.budgets = AmountBudgets(Decimal("1200.00"))
        assert await amount_changed(uow, Actor(FINANCE.id, FINANCE.email), budget_ids=[7]) == []
        assert uow.schedules.state.status is ScheduleStatus.APPROVED
        assert uow.notifications.cleared == ["schedule:7"]

    async def test_the_owner_gets_a_reschedule_task_with_the_amounts(self):
        state = replace(approved_state(), status=ScheduleStatus.NEEDS_RESCHEDULE)
        uow = FakeUow(state)
        uow.budgets = AmountBudgets(Decimal("1300.00"))
        tasks = await tasks_of(uow, OWNER, EVERYTHING)
        assert [(t.task.kind, t.task.title) for t in tasks] == [
            (
                "schedule.reschedule_needed",
                "Reschedule Retail › Digital › Web › Checkout: the amount in force is "
                "1,300.00, the schedule totals 1,200.00",
            )
        ]
        assert await tasks_of(uow, PORTFOLIO, EVERYTHING) == []


class AmountBudgets(FakeBudgets):
    def __init__(self, amount: Decimal) -> None:
        self.budget = replace(BUDGET, annual_amount=amount)

    async def get_budget(self, scope, budget_id):  # noqa: ARG002
        return self.budget if budget_id == BUDGET.id else None

    async def list_budgets(self, scope):  # noqa: ARG002
        return [self.budget]
