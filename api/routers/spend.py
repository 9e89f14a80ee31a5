"""Spend data: billing periods, CUR refreshes (by hand or announced by webhook) and the
resources the CUR shows."""

from __future__ import annotations

import logging
from typing import Annotated, cast

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, Field, ValidationError

from adapters.logging import request_id_var
from api import webhooks
from api.deps import (
    AppContainer,
    CurrentUser,
    ReadUoW,
    RequirePermission,
    ScopeFilter,
    UoW,
)
from api.schemas.common import BILLING_MONTH_PATTERN, PROBLEM_RESPONSES
from api.schemas.spend import (
    BillingPeriodRead,
    CurEventRead,
    RefreshRead,
    RefreshStatusRead,
    ResourcePageRead,
    ResourceRead,
    SpendRead,
    SpendRow,
    WebhookAck,
)
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.errors import ErrorDetail, RuleViolation
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.periods import is_billing_period
from domain.scope import ResolvedScope, sees_all_resources
from domain.spend import queries
from domain.spend import service as spend_service
from domain.spend.ports import ResourceOrder, ResourceSearch

log = logging.getLogger("finops.spend")

router = APIRouter(prefix="/api/v1", tags=["spend"], responses=PROBLEM_RESPONSES)

Refresher = Annotated[User, RequirePermission(Permission.REFRESH_CUR)]
AllSpend = Annotated[User, RequirePermission(Permission.VIEW_ALL_SPEND)]


@router.get("/billing-periods", response_model=list[BillingPeriodRead], responses=CSV_RESPONSES)
async def list_billing_periods(
    _user: AllSpend, container: AppContainer, uow: UoW, want: CsvWanted
) -> list[BillingPeriodRead] | Response:
    """Billing periods in the spend store: final or not (the CUR carries an invoice id),
    invoice ids, rows, the unblended total and when they were last refreshed.
    `allocation_problem` says when the allocation rules are inconsistent, and so spend is
    served from the last consistent allocation, until the rules are put right."""
    view = await queries.billing_periods(uow, container.spend)
    items = [
        BillingPeriodRead.of(p, allocation_problem=view.allocation_problem) for p in view.periods
    ]
    return table(want, items, items, BillingPeriodRead, "billing-periods")


@router.post("/cur/refresh", response_model=RefreshRead)
async def refresh_cur(user: Refresher, container: AppContainer, uow: UoW) -> RefreshRead:
    """Read the configured CUR now and replace every period it holds, all or nothing.
    A file that cannot be read answers 422 naming it, and the store stays as it was. While it
    runs, `GET /cur/refresh/status` tells how far it is."""
    source = container.settings.resolved_cur_path()
    periods = await spend_service.refresh_now(
        uow,
        container.spend,
        container.clock,
        container.refresh_board,
        source=source,
        by=user.name or user.email,
    )
    return RefreshRead(source=source, periods=[BillingPeriodRead.of(p) for p in periods])


@router.get(
    "/cur/refresh/status",
    response_model=RefreshStatusRead,
    responses={204: {"description": "no refresh has run yet"}},
)
async def cur_refresh_status(
    _user: AllSpend, container: AppContainer
) -> RefreshStatusRead | Response:
    """The running CUR refresh (stage, files or periods done of total, CUR rows read so far)
    or, once over, the last one: who or which delivery started it, when, the periods and rows,
    how long it took and its outcome. 204 when no refresh has run on this data folder."""
    status = spend_service.refresh_status(container.refresh_board)
    if status is None:
        return Response(status_code=204)
    return RefreshStatusRead.of(status)


@router.get("/cur/events", response_model=list[CurEventRead], responses=CSV_RESPONSES)
async def list_cur_events(
    _user: Refresher, uow: UoW, want: CsvWanted
) -> list[CurEventRead] | Response:
    """Recent CUR deliveries and refreshes, newest first."""
    items = [CurEventRead.model_validate(e) for e in await queries.cur_events(uow)]
    return table(want, items, items, CurEventRead, "cur-events")


class CurDelivery(BaseModel):
    """What the CUR-delivery webhook announces."""

    event_id: str = Field(min_length=1, max_length=128)
    billing_period: str | None = Field(
        default=None, pattern=BILLING_MONTH_PATTERN, description="YYYY-MM; all when omitted"
    )
    status: str | None = Field(default=None, description="e.g. delivered or final")


@router.post("/webhooks/cur", response_model=WebhookAck, status_code=202)
async def cur_delivery_webhook(
    request: Request,
    uow: UoW,
    container: AppContainer,
    x_finops_timestamp: Annotated[str | None, Header()] = None,
    x_finops_signature: Annotated[str | None, Header()] = None,
) -> WebhookAck:
    """A new or finalized CUR delivery. Signed with HMAC-SHA256 of
    `timestamp + "." + raw body` (`X-Finops-Timestamp`, `X-Finops-Signature: sha256=<hex>`);
    older than 5 minutes or a bad signature → 401. A redelivered `event_id` is acknowledged
    and does nothing twice. The refresh runs in the background after the event is recorded."""
    webhooks.check_headers(
        container.settings.webhook_secret, x_finops_timestamp, x_finops_signature
    )
    body = await request.body()
    webhooks.verify(container.settings.webhook_secret, x_finops_timestamp, x_finops_signature, body)
    try:
        event = CurDelivery.model_validate_json(body)
    except ValidationError as exc:
        raise RuleViolation(
            "the event is not valid",
            [
                ErrorDetail(message=e["msg"], field=".".join(str(p) for p in e["loc"]) or "body")
                for e in exc.errors()
            ],
        ) from None
    if event.billing_period is not None and not is_billing_period(event.billing_period):
        raise RuleViolation(
            "the event is not valid",
            [ErrorDetail(message="must be YYYY-MM", field="billing_period")],
        )
    status = await spend_service.record_delivery(
        uow,
        spend_service.CurDelivery(
            event_id=event.event_id, billing_period=event.billing_period, status=event.status
        ),
    )
    return WebhookAck(status=status, event_id=event.event_id)


@router.get("/resources", response_model=ResourcePageRead, responses=CSV_RESPONSES)
async def list_resources(
    user: CurrentUser,
    want: CsvWanted,
    uow: UoW,
    scope: ScopeFilter,
    container: AppContainer,
    q: Annotated[str | None, Query(description="part of the resource id or a tag value")] = None,
    service: str | None = None,
    tag: Annotated[str | None, Query(description="`key` or `key=value`")] = None,
    account_id: str | None = None,
    period: Annotated[str | None, Query(pattern=BILLING_MONTH_PATTERN)] = None,
    status: Annotated[str, Query(pattern="^(open|claimed|all)$")] = "open",
    sort: Annotated[str, Query(pattern="^(cost|resource)$")] = "cost",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    cursor: str | None = None,
) -> ResourcePageRead | Response:
    """Resources of a billing period (default the last full month: the newest final one) with
    their cost in it: open to claim (default), claimed (with the workload, budget, who and
    when) or all; searchable by service, resource id or tag. Sorted by that cost, highest first
    (default), or by resource id; paged by `offset` (with `total`) or by `cursor` (not both).
    Finance roles see every account; owners the accounts whose spend reaches their scope; a
    Cloud Engineer mapped to no budget every account. A page may hold fewer than `limit`."""
    listing = await queries.resources(
        uow,
        container.spend,
        ResolvedScope.everything() if sees_all_resources(user.role, scope) else scope,
        ResourceSearch(
            q=q,
            service=service,
            tag=tag,
            account_id=account_id,
            period=period,
            limit=limit,
            cursor=cursor,
            order=cast(ResourceOrder, sort),
            offset=offset,
        ),
        status=cast(queries.ResourceStatus, status),
    )
    items = [ResourceRead.of(line.resource, line.claim) for line in listing.items]
    page = ResourcePageRead(
        items=items,
        next_cursor=listing.next_cursor,
        total=listing.total,
        offset=offset,
        period=listing.period,
    )
    return table(want, page, items, ResourceRead, "resources")


@router.get("/spend", response_model=SpendRead, responses=CSV_RESPONSES)
async def get_spend(
    user: CurrentUser,
    want: CsvWanted,
    uow: ReadUoW,
    scope: ScopeFilter,
    container: AppContainer,
    period: Annotated[str | None, Query(pattern=BILLING_MONTH_PATTERN)] = None,
    from_: Annotated[str | None, Query(alias="from", pattern=BILLING_MONTH_PATTERN)] = None,
    to: Annotated[str | None, Query(pattern=BILLING_MONTH_PATTERN)] = None,
    group_by: Annotated[str, Query(pattern="^(budget|account|service|day|node)$")] = "budget",
) -> SpendRead | Response:
    """Allocated spend in the caller's scope for a billing period (or `from`..`to`), by
    budget, account, service, day, or hierarchy node (rolled up). Unallocated spend
    (`budget_id` null) is shown only to Financial Admins, Vendor Managers and Admins."""
    viewer = queries.SpendViewer(
        scope, sees_unallocated=can(user.role, Permission.VIEW_UNALLOCATED)
    )

    async def render() -> SpendRead:
        view = await queries.spend(
            uow,
            container.spend,
            viewer,
            period=period,
            from_=from_,
            to=to,
            group_by=cast(queries.SpendGroupBy, group_by),
            correlation_id=request_id_var.get(),
        )
        return SpendRead.model_validate(view, from_attributes=True)

    if want:
        body = await render()
        return table(want, body, body.rows, SpendRow, "spend")
    # kept per scope (and whether Unallocated is shown) under the version of the CUR
    # deliveries, the allocation rules and the database's writes (budgets, nodes, scopes)
    version = await queries.spend_version(uow, container.spend)
    key = ("spend", period, from_, to, group_by, viewer, version)

    async def rendered() -> bytes:
        return (await render()).model_dump_json().encode()

    return await container.answers.respond(key, rendered)
