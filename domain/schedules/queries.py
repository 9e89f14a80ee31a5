"""Schedule reads: a budget's schedule as shown, the tasks inbox and the variance against the
last approved schedule.

Each loads the budget through the caller's scope (out of scope answers like missing); the
decisions that change a schedule are in `service`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.budgets.records import BudgetRecord
from domain.errors import NotFound
from domain.identity.roles import Permission, Role, can
from domain.identity.users import User
from domain.ports import Clock, UnitOfWork
from domain.schedules.machine import ScheduleStatus, Who
from domain.schedules.months import ZERO, schedule_months, workload_estimates
from domain.schedules.records import ScheduleState
from domain.schedules.tasks import Task, task_for
from domain.schedules.variance import MonthVariance, month_variances
from domain.scope import ResolvedScope
from domain.spend.ports import SpendStore, SpendUnitOfWork
from domain.spend.queries import ensure_allocated


@dataclass(frozen=True)
class ScheduleMonth:
    month: str
    amount: Decimal | None
    workload_estimate: Decimal
    closed: bool


@dataclass(frozen=True)
class ScheduleView:
    """A budget's schedule as shown: its open months from the start to year end, and the
    names of the people its who-fields point at."""

    budget: BudgetRecord
    state: ScheduleState
    months: list[ScheduleMonth]
    names: Mapping[int, str] = field(default_factory=dict)

    @property
    def scheduled_total(self) -> Decimal:
        return sum(self.state.months.values(), ZERO)

    @property
    def amount_gap(self) -> Decimal:
        """The amount in force minus the scheduled total (positive: the schedule is short)."""
        return self.budget.annual_amount - self.scheduled_total

    def name_of(self, user_id: int | None) -> str | None:
        return None if user_id is None else self.names.get(user_id)


@dataclass(frozen=True)
class BudgetTask:
    budget: BudgetRecord
    state: ScheduleState
    task: Task


def who_of(user: User) -> Who:
    return Who(
        user_id=user.id,
        # Financial Admins and Vendor Managers may act for an owner; the Admin may not
        # (docs/decisions.md: owners' own actions stay with owners).
        owner_side=can(user.role, Permission.EDIT_SCHEDULES)
        or (can(user.role, Permission.MANAGE_BUDGETS) and user.role is not Role.ADMIN),
        decider_side=can(user.role, Permission.DECIDE_SCHEDULES),
    )


def label(budget: BudgetRecord) -> str:
    return " › ".join(budget.path)


async def budget_in_scope(uow: UnitOfWork, scope: ResolvedScope, budget_id: int) -> BudgetRecord:
    budget = await uow.budgets.get_budget(scope, budget_id)
    if budget is None:
        raise NotFound("budget not found")
    return budget


async def read_schedule(uow: UnitOfWork, scope: ResolvedScope, *, budget_id: int) -> ScheduleView:
    """The budget's months, each with its amount, the cumulative estimate of the workloads
    active in it and whether its billing period is closed."""
    return await view_of(uow, scope, await budget_in_scope(uow, scope, budget_id))


async def view_of(uow: UnitOfWork, scope: ResolvedScope, budget: BudgetRecord) -> ScheduleView:
    state = await uow.schedules.get(budget.id)
    months = schedule_months(budget.start_date)
    workloads = await uow.allocation.workloads(scope, budget_id=budget.id)
    estimates = workload_estimates(
        months,
        [
            (w.launch_month.isoformat()[:7], w.end_month.isoformat()[:7], w.monthly_estimate)
            for w in workloads
        ],
    )
    closed = await uow.budgets.closed_periods()
    who = [
        state.submitted_by_id,
        state.decided_by_id,
        state.reschedule_requested_by_id,
        state.first_approved_by_id,
    ]
    if state.approved is not None:
        who.append(state.approved.approved_by_id)
    return ScheduleView(
        budget,
        state,
        [ScheduleMonth(m, state.months.get(m), estimates[m], m in closed) for m in months],
        await uow.schedules.names(u for u in who if u is not None),
    )


async def tasks_of(uow: UnitOfWork, user: User, scope: ResolvedScope) -> list[BudgetTask]:
    """The decisions waiting on the caller, in budget order."""
    who = who_of(user)
    wanted: list[ScheduleStatus] = []
    if who.decider_side:
        wanted += [ScheduleStatus.PENDING, ScheduleStatus.RESCHEDULE_REQUESTED]
    if can(user.role, Permission.EDIT_SCHEDULES):
        wanted += [
            ScheduleStatus.REJECTED,
            ScheduleStatus.DRAFT,
            ScheduleStatus.NEEDS_RESCHEDULE,
        ]
    states = await uow.schedules.in_states(wanted)
    ids = {s.budget_id for s in states}
    budgets = {b.id: b for b in await uow.budgets.list_budgets(scope) if b.id in ids}
    out: list[BudgetTask] = []
    for listed in sorted(states, key=lambda s: s.budget_id):
        budget = budgets.get(listed.budget_id)
        if budget is None:
            continue
        # a reschedule task names the amounts: the full state carries the months
        state = (
            await uow.schedules.get(listed.budget_id)
            if listed.status is ScheduleStatus.NEEDS_RESCHEDULE
            else listed
        )
        task = task_for(state, who, label(budget), annual_amount=budget.annual_amount)
        if task is not None:
            out.append(BudgetTask(budget, state, task))
    return out


@dataclass(frozen=True)
class VarianceView:
    """A budget's months against its last approved schedule (see `variance`)."""

    budget: BudgetRecord
    state: ScheduleState
    as_of: date
    months: list[MonthVariance]
    names: Mapping[int, str] = field(default_factory=dict)


async def budget_variance(
    uow: SpendUnitOfWork,
    store: SpendStore,
    clock: Clock,
    scope: ResolvedScope,
    *,
    budget_id: int,
    correlation_id: str | None = None,
) -> VarianceView:
    """The budget's spend month by month against the schedule it last had approved (kept
    while a reschedule is under way); the month in progress pro-rated to yesterday, with a
    run-rate forecast of its end."""
    budget = await budget_in_scope(uow, scope, budget_id)
    state = await uow.schedules.get(budget_id)
    months = schedule_months(budget.start_date)
    available = [p for p in await store.billing_periods() if p.period in set(months)]
    daily: dict[date, Decimal] = {}
    if available:
        await ensure_allocated(uow, store, available, correlation_id=correlation_id)
        for row in await store.sums(
            [p.period for p in available],
            group_by="day",
            budget_ids=frozenset({budget_id}),
            include_unallocated=False,
        ):
            if isinstance(row.key, date):
                daily[row.key] = daily.get(row.key, ZERO) + row.amount
            elif isinstance(row.key, str):
                day = date.fromisoformat(row.key[:10])
                daily[day] = daily.get(day, ZERO) + row.amount
    approved = state.approved
    rows = month_variances(
        months,
        approved=approved.months if approved is not None else None,
        daily=daily,
        periods={p.period for p in available},
        today=clock.today(),
    )
    who = [approved.approved_by_id] if approved and approved.approved_by_id else []
    return VarianceView(budget, state, clock.today(), rows, await uow.schedules.names(who))
