"""Budget scheduling: the monthly schedule, its approval flow, the tasks inbox and
notifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from adapters.logging import request_id_var
from api.deps import AppClock, AppContainer, CurrentUser, ScopeFilter, UoW
from api.params import MAX_ID, Id
from api.routers.recommendations import recommendation_tasks
from api.routers.spend_cards import spend_card_tasks
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.schedules import (
    ApprovedScheduleRead,
    MonthVarianceRead,
    NotificationRead,
    ScheduleAction,
    ScheduleMonthRead,
    ScheduleMonthWrite,
    ScheduleRead,
    ScheduleWrite,
    SpreadRead,
    SpreadWrite,
    TaskRead,
    VarianceRead,
)
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.schedules import queries, service
from domain.schedules.machine import Action
from domain.schedules.records import ApprovedSchedule

router = APIRouter(prefix="/api/v1", tags=["schedules"], responses=PROBLEM_RESPONSES)


def etag(version: int) -> str:
    return f'"schedule-v{version}"'


# The ETag `_etag` gives (weak or strong); `_version` reads it back.
IfMatch = Annotated[
    str | None, Header(pattern=r'^(W/)?"schedule-v(0|[1-9]\d{0,8})"$', examples=['"schedule-v3"'])
]


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


def _approved(
    approved: ApprovedSchedule | None, names: dict[int, str]
) -> ApprovedScheduleRead | None:
    if approved is None:
        return None
    return ApprovedScheduleRead(
        version=approved.version,
        approved_by_id=approved.approved_by_id,
        approved_by_name=names.get(approved.approved_by_id or 0),
        approved_at=approved.approved_at,
        total=approved.total,
    )


def _read(view: queries.ScheduleView) -> ScheduleRead:
    state = view.state
    return ScheduleRead(
        budget_id=view.budget.id,
        status=state.status,
        version=state.version,
        annual_amount=view.budget.annual_amount,
        scheduled_total=view.scheduled_total,
        amount_gap=view.amount_gap,
        months=[ScheduleMonthRead.model_validate(m, from_attributes=True) for m in view.months],
        reason=state.reason,
        submitted_by_id=state.submitted_by_id,
        submitted_by_name=view.name_of(state.submitted_by_id),
        submitted_at=state.submitted_at,
        reschedule_requested_by_id=state.reschedule_requested_by_id,
        decided_by_id=state.decided_by_id,
        decided_by_name=view.name_of(state.decided_by_id),
        decided_at=state.decided_at,
        approved=_approved(state.approved, dict(view.names)),
        first_approved_by_id=state.first_approved_by_id,
        first_approved_by_name=view.name_of(state.first_approved_by_id),
        first_approved_at=state.first_approved_at,
    )


def _tagged(view: queries.ScheduleView, response: Response) -> ScheduleRead:
    response.headers["ETag"] = etag(view.state.version)
    return _read(view)


@router.get("/budgets/{budget_id}/schedule", response_model=ScheduleRead)
async def get_schedule(
    budget_id: Id, _user: CurrentUser, uow: UoW, scope: ScopeFilter, response: Response
) -> ScheduleRead:
    """The budget's months from its start to year end, each with its amount and the cumulative
    estimate of the workloads active in it; the status and version (also as ETag)."""
    return _tagged(await queries.read_schedule(uow, scope, budget_id=budget_id), response)


@router.get("/budgets/{budget_id}/variance", response_model=VarianceRead)
async def get_variance(
    budget_id: Id,
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
) -> VarianceRead:
    """The budget's spend month by month against its last approved schedule (kept while a
    reschedule is requested, needed or edited). The month in progress compares month-to-date
    spend (days before today) with the schedule pro-rated to those days, and forecasts the
    month end at the run rate."""
    view = await queries.budget_variance(
        uow,
        container.spend,
        clock,
        scope,
        budget_id=budget_id,
        correlation_id=request_id_var.get(),
    )
    return VarianceRead(
        budget_id=view.budget.id,
        status=view.state.status,
        as_of=view.as_of,
        basis=_approved(view.state.approved, dict(view.names)),
        months=[
            MonthVarianceRead(
                month=m.month,
                scheduled=m.scheduled,
                spend=m.spend,
                variance=m.variance,
                in_progress=m.in_progress,
                days_elapsed=m.to_date.days_elapsed if m.to_date else None,
                days_in_month=m.to_date.days_in_month if m.to_date else None,
                prorated=m.to_date.prorated if m.to_date else None,
                forecast=m.to_date.forecast if m.to_date else None,
                forecast_variance=m.to_date.forecast_variance if m.to_date else None,
            )
            for m in view.months
        ],
    )


@router.put("/budgets/{budget_id}/schedule", response_model=ScheduleRead)
async def save_schedule(
    budget_id: Id,
    body: ScheduleWrite,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    response: Response,
    if_match: IfMatch = None,
) -> ScheduleRead:
    """Save a draft: exactly the open months, amounts ≥ 0 with 2 decimals, summing to the
    annual amount in force. A stale version answers 409."""
    view = await service.save_draft(
        uow,
        user,
        scope,
        budget_id=budget_id,
        given=[(m.month, m.amount) for m in body.months],
        version=_version(body.version, if_match),
    )
    return _tagged(view, response)


@router.post("/budgets/{budget_id}/schedule/spread", response_model=SpreadRead)
async def spread_schedule(
    budget_id: Id, body: SpreadWrite, _user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> SpreadRead:
    """A prefill (not saved): the annual amount spread evenly or following the workload
    estimates; remainder cents on the last month; closed months keep their amounts."""
    amounts = await service.spread_schedule(
        uow, scope, budget_id=budget_id, by_estimates=body.method == "estimates"
    )
    return SpreadRead(
        method=body.method,
        months=[ScheduleMonthWrite(month=m, amount=f"{a:.2f}") for m, a in amounts.items()],
    )


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
    container: AppContainer,
    if_match: IfMatch = None,
) -> ScheduleRead:
    """Move the schedule: `submit`, `approve`, `reject` (reason), `request-reschedule`
    (reason), `grant-reschedule`, `decline-reschedule`. An illegal move answers 409 with the
    current state; a stale version 409; deciding on your own request 403."""
    view = await service.act(
        uow,
        clock,
        user,
        scope,
        budget_id=budget_id,
        request=service.ScheduleRequest(
            action=action, version=_version(body.version, if_match), reason=body.reason
        ),
        dual_approval_above=container.settings.dual_approval_above,
    )
    return _tagged(view, response)


@router.get("/tasks", response_model=list[TaskRead], responses=CSV_RESPONSES)
async def list_tasks(
    user: CurrentUser, uow: UoW, scope: ScopeFilter, clock: AppClock, want: CsvWanted
) -> list[TaskRead] | Response:
    """The decisions waiting on the caller: schedules to approve or reject, reschedule
    requests to grant or decline, (for Product Owners) rejected schedules to fix, the
    spend cards waiting on them, and (for Cloud Engineers) approved recommendations to
    implement."""
    items = [
        TaskRead(
            kind=t.task.kind,
            title=t.task.title,
            budget_id=t.budget.id,
            status=t.state.status,
            version=t.state.version,
            link=f"/budgets/{t.budget.id}",
            reason=t.state.reason,
            actions=[a.value for a in t.task.actions],
        )
        for t in await queries.tasks_of(uow, user, scope)
    ] + [
        *await spend_card_tasks(uow, clock, user, scope),
        *await recommendation_tasks(uow, clock, user, scope),
    ]
    return table(want, items, items, TaskRead, "tasks")


@router.get("/notifications", response_model=list[NotificationRead], responses=CSV_RESPONSES)
async def list_notifications(
    user: CurrentUser, uow: UoW, want: CsvWanted, unread: bool = False
) -> list[NotificationRead] | Response:
    """The caller's in-app notifications, newest first."""
    found = await uow.notifications.notifications(user.id, unread_only=unread)
    items = [NotificationRead.model_validate(n, from_attributes=True) for n in found]
    return table(want, items, items, NotificationRead, "notifications")


@router.post("/notifications/{notification_id}/read", status_code=204)
async def mark_notification_read(notification_id: Id, user: CurrentUser, uow: UoW) -> None:
    """Mark one of the caller's notifications read."""
    if not await uow.notifications.mark_read(user.id, notification_id):
        raise NotFound("notification not found")
