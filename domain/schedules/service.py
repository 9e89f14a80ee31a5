"""Schedule use cases: read a schedule, save a draft, prefill a spread, move a schedule
through the approval flow, and the tasks inbox.

Each takes the unit of work, loads the budget through the caller's scope (out of scope
answers like missing), applies the pure rules of `machine` and `months`, writes, audits and
notifies; the edge commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.audit import Actor, AuditEntry
from domain.budgets.records import BudgetRecord
from domain.errors import Conflict, ErrorDetail, Forbidden, NotFound, RuleViolation
from domain.identity.roles import Permission, Role, can
from domain.identity.users import User
from domain.ports import Clock, UnitOfWork
from domain.schedules.machine import (
    Action,
    ScheduleStatus,
    Who,
    check_side,
    editable,
    transition,
)
from domain.schedules.months import (
    ZERO,
    schedule_months,
    spread,
    validate_months,
    workload_estimates,
)
from domain.schedules.records import ScheduleMove, ScheduleState
from domain.schedules.tasks import Task, task_for
from domain.scope import ResolvedScope


@dataclass(frozen=True)
class ScheduleMonth:
    month: str
    amount: Decimal | None
    workload_estimate: Decimal
    closed: bool


@dataclass(frozen=True)
class ScheduleView:
    """A budget's schedule as shown: its open months from the start to year end."""

    budget: BudgetRecord
    state: ScheduleState
    months: list[ScheduleMonth]

    @property
    def scheduled_total(self) -> Decimal:
        return sum(self.state.months.values(), ZERO)


@dataclass(frozen=True)
class ScheduleRequest:
    """A move asked for: the action, the version the caller read, and the reason (reject,
    request a reschedule)."""

    action: Action
    version: int
    reason: str | None = None


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


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, email=user.email)


def _label(budget: BudgetRecord) -> str:
    return " › ".join(budget.path)


def check_version(state: ScheduleState, version: int) -> None:
    if version != state.version:
        raise Conflict(
            f"the schedule changed meanwhile (version {state.version}, you sent {version}); "
            "reload it",
            [ErrorDetail(message=f"current version is {state.version}", field="version")],
        )


async def _budget(uow: UnitOfWork, scope: ResolvedScope, budget_id: int) -> BudgetRecord:
    budget = await uow.budgets.get_budget(scope, budget_id)
    if budget is None:
        raise NotFound("budget not found")
    return budget


async def read_schedule(uow: UnitOfWork, scope: ResolvedScope, *, budget_id: int) -> ScheduleView:
    """The budget's months, each with its amount, the cumulative estimate of the workloads
    active in it and whether its billing period is closed."""
    return await _view(uow, scope, await _budget(uow, scope, budget_id))


async def _view(uow: UnitOfWork, scope: ResolvedScope, budget: BudgetRecord) -> ScheduleView:
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
    return ScheduleView(
        budget,
        state,
        [ScheduleMonth(m, state.months.get(m), estimates[m], m in closed) for m in months],
    )


async def save_draft(
    uow: UnitOfWork,
    user: User,
    scope: ResolvedScope,
    *,
    budget_id: int,
    given: Sequence[tuple[str, str]],
    version: int,
) -> ScheduleView:
    """Save a draft: exactly the open months, summing to the annual amount in force."""
    budget = await _budget(uow, scope, budget_id)
    if not who_of(user).owner_side:
        raise Forbidden("only the budget's Product Owner (or a Financial Admin) edits its schedule")
    state = await uow.schedules.get(budget_id)
    check_version(state, version)
    if not editable(state.status):
        hint = " request a reschedule first" if state.status is ScheduleStatus.APPROVED else ""
        raise Conflict(
            f"the schedule is {state.status.value} and cannot be edited;{hint}",
            [ErrorDetail(message=f"the schedule is {state.status.value}", field="status")],
        )
    closed = await uow.budgets.closed_periods()
    months = schedule_months(budget.start_date)
    locked = {m: state.months.get(m, ZERO) for m in months if m in closed}
    validated = validate_months(
        given, months=months, locked=locked, annual_amount=budget.annual_amount
    )
    new_version = await uow.schedules.save_months(budget_id, version, validated)
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            "schedule.save",
            "schedule",
            str(budget_id),
            before={"months": {m: str(a) for m, a in state.months.items()}}
            if state.months
            else None,
            after={"months": {m.month: str(m.amount) for m in validated}, "version": new_version},
        )
    )
    return await _view(uow, scope, budget)


async def spread_schedule(
    uow: UnitOfWork, scope: ResolvedScope, *, budget_id: int, by_estimates: bool
) -> dict[str, Decimal]:
    """A prefill (not saved): the annual amount spread evenly or following the workload
    estimates; closed months keep their amounts."""
    view = await read_schedule(uow, scope, budget_id=budget_id)
    locked = {m.month: m.amount or ZERO for m in view.months if m.closed}
    weights = {m.month: m.workload_estimate for m in view.months} if by_estimates else None
    return spread(
        [m.month for m in view.months],
        amount=view.budget.annual_amount - sum(locked.values(), ZERO),
        weights=weights,
        locked=set(locked),
    )


async def act(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    scope: ResolvedScope,
    *,
    budget_id: int,
    request: ScheduleRequest,
) -> ScheduleView:
    """Apply the requested move; notify whoever must act next (or the requester of a
    decision). Nothing is written when the move is refused."""
    budget = await _budget(uow, scope, budget_id)
    who = who_of(user)
    action, reason = request.action, request.reason
    check_side(action, who)
    state = await uow.schedules.get(budget_id)
    check_version(state, request.version)
    requested_by = (
        state.submitted_by_id
        if action in (Action.APPROVE, Action.REJECT)
        else state.reschedule_requested_by_id
    )
    target = transition(state.status, action, who, requested_by=requested_by, reason=reason)
    if action is Action.SUBMIT:
        total = sum(state.months.values(), ZERO)
        if not state.months or total != budget.annual_amount:
            raise RuleViolation(
                "the schedule does not add up",
                [
                    ErrorDetail(
                        message=f"the months total {total}; the annual amount in force is "
                        f"{budget.annual_amount}: edit the schedule first",
                        field="months",
                    )
                ],
            )
    move = ScheduleMove(
        action=action, status=target, by_id=who.user_id, at=clock.now(), reason=reason
    )
    new_version = await uow.schedules.move(budget_id, request.version, move)
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            f"schedule.{action.value}",
            "schedule",
            str(budget_id),
            before={"status": state.status.value, "version": state.version},
            after={"status": target.value, "version": new_version},
            details={"reason": reason} if reason else {},
        )
    )
    label = _label(budget)
    if action in (Action.SUBMIT, Action.REQUEST_RESCHEDULE):
        deciders = await uow.schedules.deciders(budget_id)
        recipients: Sequence[int] = [d for d in deciders if d != who.user_id]
        message = (
            f"{label}: schedule submitted for approval"
            if action is Action.SUBMIT
            else f"{label}: reschedule requested — {reason}"
        )
    else:
        recipients = [requested_by] if requested_by is not None else []
        message = f"{label}: {action.value.replace('-', ' ')}" + (f" — {reason}" if reason else "")
    await uow.notifications.notify(
        recipients, f"schedule.{action.value}", message, f"/budgets/{budget_id}"
    )
    return await _view(uow, scope, budget)


async def tasks_of(uow: UnitOfWork, user: User, scope: ResolvedScope) -> list[BudgetTask]:
    """The decisions waiting on the caller, in budget order."""
    who = who_of(user)
    wanted: list[ScheduleStatus] = []
    if who.decider_side:
        wanted += [ScheduleStatus.PENDING, ScheduleStatus.RESCHEDULE_REQUESTED]
    if can(user.role, Permission.EDIT_SCHEDULES):
        wanted += [ScheduleStatus.REJECTED, ScheduleStatus.DRAFT]
    states = await uow.schedules.in_states(wanted)
    ids = {s.budget_id for s in states}
    budgets = {b.id: b for b in await uow.budgets.list_budgets(scope) if b.id in ids}
    out: list[BudgetTask] = []
    for state in sorted(states, key=lambda s: s.budget_id):
        budget = budgets.get(state.budget_id)
        task = task_for(state, who, _label(budget)) if budget is not None else None
        if budget is not None and task is not None:
            out.append(BudgetTask(budget, state, task))
    return out


def status_of(statuses: Mapping[int, ScheduleStatus], budget_id: int) -> ScheduleStatus:
    return statuses.get(budget_id, ScheduleStatus.NONE)
