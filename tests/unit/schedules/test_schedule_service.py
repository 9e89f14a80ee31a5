"""The schedule `act` use case against in-memory fakes of the unit of work: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from domain.budgets.model import BudgetStatus
from domain.budgets.records import BudgetRecord
from domain.errors import Forbidden, NotFound
from domain.identity.roles import Role
from domain.identity.users import User
from domain.schedules.machine import Action, ScheduleStatus
from domain.schedules.records import ScheduleMove, ScheduleState
from domain.schedules.service import ScheduleRequest, act
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

    async def deciders(self, budget_id):  # noqa: ARG002
        return [PORTFOLIO.id]

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

    async def notify(self, user_ids, kind, message, link):
        self.sent.append((list(user_ids), kind, message, link))


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
                "Retail › Digital › Web › Checkout: reject — too high in Q4",
                "/budgets/7",
            )
        ]
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
