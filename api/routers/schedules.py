"""Budget scheduling: the monthly schedule, its approval flow, the tasks inbox and
notifications."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Header, Response

from adapters.db.uow import UnitOfWork
from api.deps import AppClock, CurrentUser, ScopeFilter, UoW, actor_of
from api.params import MAX_ID, Id
from api.routers.spend_cards import spend_card_tasks
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.schedules import (
    NotificationRead,
    ScheduleAction,
    ScheduleMonthRead,
    ScheduleMonthWrite,
    ScheduleRead,
    ScheduleWrite,
    SpreadRead,
    SpreadWrite,
    TaskRead,
)
from domain.budgets.records import BudgetRecord
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.identity.roles import Permission, Role, can
from domain.identity.users import User
from domain.schedules import service
from domain.schedules.machine import Action, ScheduleStatus, Who
from domain.schedules.months import schedule_months, spread, workload_estimates
from domain.schedules.records import ScheduleState
from domain.schedules.tasks import task_for
from domain.scope import ResolvedScope

router = APIRouter(prefix="/api/v1", tags=["schedules"], responses=PROBLEM_RESPONSES)


def etag(version: int) -> str:
    return f'"schedule-v{version}"'


def _version(body_version: int | None, if_match: str | None) -> int:
    if if_match:
        tag = if_match.strip().removeprefix("W/")
        if tag.startswith('"schedule-v') and tag.endswith('"'):
            number = tag[len('"schedule-v') : -1]
            if number.isdigit() and int(number) <= MAX_ID:
                return int(number)
        raise RuleViolation(
            "bad If-Match",
            [
                ErrorDetail(
                    message='If-Match must be an ETag of this schedule, e.g. "schedule-v3"',
                    field="If-Match",
                )
            ],
        )
    if body_version is None:
        raise RuleViolation(
            "the version is required",
            [
                ErrorDetail(
                    message="send the version you read (body `version` or If-Match)",
                    field="version",
                )
            ],
        )
    return body_version


def _who(user: User) -> Who:
    return Who(
        user_id=user.id,
        # Financial Admins and Vendor Managers may act for an owner; the Admin may not
        # (docs/decisions.md: owners' own actions stay with owners).
        owner_side=can(user.role, Permission.EDIT_SCHEDULES)
        or (can(user.role, Permission.MANAGE_BUDGETS) and user.role is not Role.ADMIN),
        decider_side=can(user.role, Permission.DECIDE_SCHEDULES),
    )


async def _budget(uow: UnitOfWork, scope: ResolvedScope, budget_id: int) -> BudgetRecord:
    budget = await uow.budgets.get_budget(scope, budget_id)
    if budget is None:
        raise NotFound("budget not found")
    return budget


async def _read(uow: UnitOfWork, budget: BudgetRecord, scope: ResolvedScope) -> ScheduleRead:
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
    return ScheduleRead(
        budget_id=budget.id,
        status=state.status,
        version=state.version,
        annual_amount=budget.annual_amount,
        scheduled_total=sum(state.months.values(), Decimal("0")),
        months=[
            ScheduleMonthRead(
                month=m,
                amount=state.months.get(m),
                workload_estimate=estimates[m],
                closed=m in closed,
            )
            for m in months
        ],
        reason=state.reason,
        submitted_by_id=state.submitted_by_id,
        reschedule_requested_by_id=state.reschedule_requested_by_id,
        decided_by_id=state.decided_by_id,
        decided_at=state.decided_at,
    )


@router.get("/budgets/{budget_id}/schedule", response_model=ScheduleRead)
async def get_schedule(
    budget_id: Id, _user: CurrentUser, uow: UoW, scope: ScopeFilter, response: Response
) -> ScheduleRead:
    """The budget's months from its start to year end, each with its amount and the cumulative
    estimate of the workloads active in it; the status and version (also as ETag)."""
    read = await _read(uow, await _budget(uow, scope, budget_id), scope)
    response.headers["ETag"] = etag(read.version)
    return read


@router.put("/budgets/{budget_id}/schedule", response_model=ScheduleRead)
async def save_schedule(
    budget_id: Id,
    body: ScheduleWrite,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> ScheduleRead:
    """Save a draft: exactly the open months, amounts ≥ 0 with 2 decimals, summing to the
    annual amount in force. A stale version answers 409."""
    budget = await _budget(uow, scope, budget_id)
    await service.save_draft(
        uow.schedules,
        uow.audit,
        actor_of(user),
        _who(user),
        state=await uow.schedules.get(budget_id),
        given=[(m.month, m.amount) for m in body.months],
        version=_version(body.version, if_match),
        months=schedule_months(budget.start_date),
        closed_periods=await uow.budgets.closed_periods(),
        annual_amount=budget.annual_amount,
    )
    read = await _read(uow, budget, scope)
    response.headers["ETag"] = etag(read.version)
    return read


@router.post("/budgets/{budget_id}/schedule/spread", response_model=SpreadRead)
async def spread_schedule(
    budget_id: Id, body: SpreadWrite, _user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> SpreadRead:
    """A prefill (not saved): the annual amount spread evenly or following the workload
    estimates; remainder cents on the last month; closed months keep their amounts."""
    budget = await _budget(uow, scope, budget_id)
    read = await _read(uow, budget, scope)
    locked = {m.month: m.amount or Decimal("0") for m in read.months if m.closed}
    weights = (
        {m.month: m.workload_estimate for m in read.months} if body.method == "estimates" else None
    )
    amounts = spread(
        [m.month for m in read.months],
        amount=budget.annual_amount - sum(locked.values(), Decimal("0")),
        weights=weights,
        locked=set(locked),
    )
    return SpreadRead(
        method=body.method,
        months=[ScheduleMonthWrite(month=m, amount=f"{a:.2f}") for m, a in amounts.items()],
    )


async def _deciders(uow: UnitOfWork, budget: BudgetRecord) -> list[int]:
    above = await uow.schedules.users_mapped_to(budget.node_ids[2], Role.PORTFOLIO_OWNER.value)
    return above or await uow.schedules.users_with_role(Role.FINANCIAL_ADMIN.value)


@router.post("/budgets/{budget_id}/schedule/{action}", response_model=ScheduleRead)
async def act_on_schedule(
    budget_id: Id,
    action: Action,
    body: ScheduleAction,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    response: Response,
    clock: AppClock,
    if_match: Annotated[str | None, Header()] = None,
) -> ScheduleRead:
    """Move the schedule: `submit`, `approve`, `reject` (reason), `request-reschedule`
    (reason), `grant-reschedule`, `decline-reschedule`. An illegal move answers 409 with the
    current state; a stale version 409; deciding on your own request 403."""
    budget = await _budget(uow, scope, budget_id)
    await service.act(
        uow.schedules,
        uow.audit,
        uow.notifications,
        actor_of(user),
        _who(user),
        state=await uow.schedules.get(budget_id),
        action=action,
        version=_version(body.version, if_match),
        reason=body.reason,
        now=clock.now(),
        annual_amount=budget.annual_amount,
        deciders=await _deciders(uow, budget),
        link=f"/budgets/{budget_id}",
        label=" › ".join(budget.path),
    )
    read = await _read(uow, budget, scope)
    response.headers["ETag"] = etag(read.version)
    return read


@router.get("/tasks", response_model=list[TaskRead])
async def list_tasks(
    user: CurrentUser, uow: UoW, scope: ScopeFilter, clock: AppClock
) -> list[TaskRead]:
    """The decisions waiting on the caller: schedules to approve or reject, reschedule
    requests to grant or decline, (for Product Owners) rejected schedules to fix, and the
    spend cards waiting on them."""
    who = _who(user)
    wanted: list[ScheduleStatus] = []
    if who.decider_side:
        wanted += [ScheduleStatus.PENDING, ScheduleStatus.RESCHEDULE_REQUESTED]
    if can(user.role, Permission.EDIT_SCHEDULES):
        wanted += [ScheduleStatus.REJECTED, ScheduleStatus.DRAFT]
    states = await uow.schedules.in_states(wanted)
    budgets = {
        b.id: b
        for b in await uow.budgets.list_budgets(scope)
        if b.id in {s.budget_id for s in states}
    }
    tasks: list[TaskRead] = []
    for state in sorted(states, key=lambda s: s.budget_id):
        budget = budgets.get(state.budget_id)
        if budget is None:
            continue
        tasks += _task(state, budget, who)
    return tasks + await spend_card_tasks(uow, clock, user, scope)


def _task(state: ScheduleState, budget: BudgetRecord, who: Who) -> list[TaskRead]:
    task = task_for(state, who, " › ".join(budget.path))
    if task is None:
        return []
    return [
        TaskRead(
            kind=task.kind,
            title=task.title,
            budget_id=budget.id,
            status=state.status,
            version=state.version,
            link=f"/budgets/{budget.id}",
            reason=state.reason,
            actions=[a.value for a in task.actions],
        )
    ]


@router.get("/notifications", response_model=list[NotificationRead])
async def list_notifications(
    user: CurrentUser, uow: UoW, unread: bool = False
) -> list[NotificationRead]:
    """The caller's in-app notifications, newest first."""
    found = await uow.notifications.notifications(user.id, unread_only=unread)
    return [NotificationRead(**vars(n)) for n in found]


@router.post("/notifications/{notification_id}/read", status_code=204)
async def mark_notification_read(notification_id: Id, user: CurrentUser, uow: UoW) -> None:
    """Mark one of the caller's notifications read."""
    if not await uow.notifications.mark_read(user.id, notification_id):
        raise NotFound("notification not found")
