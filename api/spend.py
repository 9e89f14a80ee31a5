"""Spend data: billing periods, CUR refreshes (by hand or announced by webhook) and the
resources the CUR shows."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, Field, ValidationError

from adapters.db.cur_events import CurEventRepository
from api import webhooks
from api.container import Container
from api.deps import AppContainer, CurrentUser, RequirePermission, UoW
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.spend import (
    BillingPeriodRead,
    CurEventRead,
    RefreshRead,
    ResourcePageRead,
    ResourceRead,
    WebhookAck,
)
from domain.errors import DomainError, ErrorDetail, RuleViolation
from domain.identity.roles import Permission, sees_all_spend
from domain.identity.users import User
from domain.spend.models import is_billing_period

log = logging.getLogger("finops.spend")

router = APIRouter(prefix="/api/v1", tags=["spend"], responses=PROBLEM_RESPONSES)

Refresher = Annotated[User, RequirePermission(Permission.REFRESH_CUR)]
AllSpend = Annotated[User, RequirePermission(Permission.VIEW_ALL_SPEND)]


@router.get("/billing-periods", response_model=list[BillingPeriodRead])
async def list_billing_periods(_user: AllSpend, container: AppContainer) -> list[BillingPeriodRead]:
    """Billing periods in the spend store: final or not (the CUR carries an invoice id),
    invoice ids, rows, the unblended total and when they were last refreshed."""
    periods = await asyncio.to_thread(container.cur.billing_periods)
    return [BillingPeriodRead.of(p) for p in periods]


@router.post("/cur/refresh", response_model=RefreshRead)
async def refresh_cur(_user: Refresher, container: AppContainer, uow: UoW) -> RefreshRead:
    """Read the configured CUR now and replace every period it holds, all or nothing.
    A file that cannot be read answers 422 naming it, and the store stays as it was."""
    source = container.settings.resolved_cur_path()
    periods = await asyncio.to_thread(container.cur.refresh, source)
    events = CurEventRepository(uow.session)
    row_id = await events.add(
        event_id=f"manual-{datetime.now(UTC):%Y%m%dT%H%M%S.%f}",
        kind="manual",
        payload={"source": source},
    )
    await events.finish(
        row_id, status="done", message=f"{len(periods)} period(s)", at=datetime.now(UTC)
    )
    return RefreshRead(source=source, periods=[BillingPeriodRead.of(p) for p in periods])


@router.get("/cur/events", response_model=list[CurEventRead])
async def list_cur_events(_user: Refresher, uow: UoW) -> list[CurEventRead]:
    """Recent CUR deliveries and refreshes, newest first."""
    return [CurEventRead(**e) for e in await CurEventRepository(uow.session).recent()]


class CurDelivery(BaseModel):
    """What the CUR-delivery webhook announces."""

    event_id: str = Field(min_length=1, max_length=128)
    billing_period: str | None = Field(default=None, description="YYYY-MM; all when omitted")
    status: str | None = Field(default=None, description="e.g. delivered or final")


async def _refresh_job(container: Container, row_id: int, periods: list[str] | None) -> None:
    status, message = "done", ""
    try:
        done = await asyncio.to_thread(
            container.cur.refresh, container.settings.resolved_cur_path(), periods=periods
        )
        message = f"{len(done)} period(s): " + ", ".join(p.period for p in done)
    except DomainError as exc:
        status = "failed"
        message = "; ".join([exc.message, *(e.message for e in exc.errors)])
    except Exception as exc:
        log.exception("CUR refresh failed")
        status, message = "failed", f"{exc.__class__.__name__}: {exc}"
    async with container.sessionmaker() as session:
        await CurEventRepository(session).finish(
            row_id, status=status, message=message[:1000], at=datetime.now(UTC)
        )
        await session.commit()


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
    events = CurEventRepository(uow.session)
    if await events.find(event.event_id) is not None:
        return WebhookAck(status="duplicate", event_id=event.event_id)
    row_id = await events.add(event_id=event.event_id, kind="webhook", payload=event.model_dump())
    periods = [event.billing_period] if event.billing_period else None

    async def start() -> None:
        container.spawn(_refresh_job(container, row_id, periods))

    uow.after_commit(start)
    return WebhookAck(status="accepted", event_id=event.event_id)


@router.get("/resources", response_model=ResourcePageRead)
async def list_resources(
    user: CurrentUser,
    container: AppContainer,
    q: Annotated[str | None, Query(description="part of the resource id or a tag value")] = None,
    service: str | None = None,
    tag: Annotated[str | None, Query(description="`key` or `key=value`")] = None,
    account_id: str | None = None,
    period: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> ResourcePageRead:
    """Resources of a billing period (default the latest) with their cost, searchable by
    service, resource id or tag; cursor-paginated. Finance roles see every account; owners
    see resources once accounts are allocated into their scope."""
    if not sees_all_spend(user.role):
        return ResourcePageRead(items=[], next_cursor=None)
    page = await asyncio.to_thread(
        container.cur.resources,
        q=q,
        service=service,
        tag=tag,
        account_id=account_id,
        period=period,
        limit=limit,
        cursor=cursor,
    )
    return ResourcePageRead(
        items=[ResourceRead.of(r) for r in page.items], next_cursor=page.next_cursor
    )
