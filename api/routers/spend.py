"""Spend data: billing periods, CUR refreshes (by hand or announced by webhook) and the
resources the CUR shows."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, Field, ValidationError

from adapters.db.uow import UnitOfWork
from adapters.logging import request_id_var
from api import webhooks
from api.container import Container
from api.deps import AppContainer, CurrentUser, RequirePermission, ScopeFilter, UoW
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.spend import (
    BillingPeriodRead,
    CurEventRead,
    RefreshRead,
    ResourcePageRead,
    ResourceRead,
    SpendRead,
    SpendRow,
    WebhookAck,
)
from domain.allocation.service import current_rules
from domain.budgets.rollup import HierarchyNode, rollup_totals
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.events import CurDeliveryRecorded
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.periods import is_billing_period
from domain.scope import ResolvedScope

log = logging.getLogger("finops.spend")

router = APIRouter(prefix="/api/v1", tags=["spend"], responses=PROBLEM_RESPONSES)

Refresher = Annotated[User, RequirePermission(Permission.REFRESH_CUR)]
AllSpend = Annotated[User, RequirePermission(Permission.VIEW_ALL_SPEND)]


@router.get("/billing-periods", response_model=list[BillingPeriodRead])
async def list_billing_periods(
    _user: AllSpend, container: AppContainer, uow: UoW
) -> list[BillingPeriodRead]:
    """Billing periods in the spend store: final or not (the CUR carries an invoice id),
    invoice ids, rows, the unblended total and when they were last refreshed.
    `allocation_problem` says when the allocation rules are inconsistent, and so spend is
    served from the last consistent allocation, until the rules are put right."""
    periods = await asyncio.to_thread(container.cur.billing_periods)
    problem = await _rules_problem(uow, container)
    return [BillingPeriodRead.of(p, allocation_problem=problem) for p in periods]


async def _rules_problem(uow: UnitOfWork, container: Container) -> str | None:
    rules, version = await current_rules(uow)
    try:
        rules.validate()
    except RuleViolation as exc:
        met = container.allocated.problem
        seen = f" (correlation id {met.correlation_id})" if met and met.correlation_id else ""
        return (
            f"{exc.message}{seen}; spend is served from the last consistent allocation: "
            + "; ".join(e.message for e in exc.errors)
        )
    return None


@router.post("/cur/refresh", response_model=RefreshRead)
async def refresh_cur(_user: Refresher, container: AppContainer, uow: UoW) -> RefreshRead:
    """Read the configured CUR now and replace every period it holds, all or nothing.
    A file that cannot be read answers 422 naming it, and the store stays as it was."""
    source = container.settings.resolved_cur_path()
    periods = await asyncio.to_thread(container.cur.refresh, source)
    events = uow.cur_events
    row_id = await events.add(
        event_id=f"manual-{container.clock.now():%Y%m%dT%H%M%S.%f}",
        kind="manual",
        payload={"source": source},
    )
    await events.finish(
        row_id, status="done", message=f"{len(periods)} period(s)", at=container.clock.now()
    )
    return RefreshRead(source=source, periods=[BillingPeriodRead.of(p) for p in periods])


@router.get("/cur/events", response_model=list[CurEventRead])
async def list_cur_events(_user: Refresher, uow: UoW) -> list[CurEventRead]:
    """Recent CUR deliveries and refreshes, newest first."""
    return [CurEventRead(**e) for e in await uow.cur_events.recent()]


class CurDelivery(BaseModel):
    """What the CUR-delivery webhook announces."""

    event_id: str = Field(min_length=1, max_length=128)
    billing_period: str | None = Field(default=None, description="YYYY-MM; all when omitted")
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
    if await uow.cur_events.find(event.event_id) is not None:
        return WebhookAck(status="duplicate", event_id=event.event_id)
    row_id = await uow.cur_events.add(
        event_id=event.event_id, kind="webhook", payload=event.model_dump()
    )
    periods = (event.billing_period,) if event.billing_period else None
    uow.publish(CurDeliveryRecorded(row_id, periods))
    return WebhookAck(status="accepted", event_id=event.event_id)


@router.get("/resources", response_model=ResourcePageRead)
async def list_resources(
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    container: AppContainer,
    q: Annotated[str | None, Query(description="part of the resource id or a tag value")] = None,
    service: str | None = None,
    tag: Annotated[str | None, Query(description="`key` or `key=value`")] = None,
    account_id: str | None = None,
    period: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    status: Annotated[str, Query(pattern="^(open|claimed|all)$")] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> ResourcePageRead:
    """Resources of a billing period (default the latest) with their cost: open to claim
    (default), claimed (with the workload, budget, who and when) or all; searchable by service,
    resource id or tag; cursor-paginated. Finance roles see every account; owners the accounts
    whose spend reaches their scope. A page may hold fewer than `limit` items."""
    accounts = None if scope.prefixes is None else await uow.allocation.account_ids_in(scope)
    # claims are keyed by (account, resource): the same id in two accounts is two resources
    open_claims = {
        c.key: c for c in await uow.allocation.claims(ResolvedScope(prefixes=None), status="open")
    }
    visible_claims = (
        open_claims
        if scope.prefixes is None
        else {c.key: c for c in await uow.allocation.claims(scope, status="open")}
    )
    page = await asyncio.to_thread(
        container.cur.resources,
        q=q,
        service=service,
        tag=tag,
        account_id=account_id,
        period=period,
        limit=limit,
        cursor=cursor,
        account_ids=accounts,
        only_resource_ids=[r for _, r in visible_claims] if status == "claimed" else None,
        exclude_resource_ids=[r for _, r in open_claims] if status == "open" else None,
    )
    items = list(page.items)
    if status == "claimed":  # the id filter also let through an unclaimed twin in another account
        items = [r for r in items if (r.account_id, r.resource_id) in visible_claims]
    return ResourcePageRead(
        items=[
            ResourceRead.of(r, visible_claims.get((r.account_id, r.resource_id))) for r in items
        ],
        next_cursor=page.next_cursor,
    )


@router.get("/spend", response_model=SpendRead)
async def get_spend(
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    container: AppContainer,
    period: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    from_: Annotated[str | None, Query(alias="from", pattern=r"^\d{4}-\d{2}$")] = None,
    to: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    group_by: Annotated[str, Query(pattern="^(budget|account|service|day|node)$")] = "budget",
) -> SpendRead:
    """Allocated spend in the caller's scope for a billing period (or `from`..`to`), by
    budget, account, service, day, or hierarchy node (rolled up). Unallocated spend
    (`budget_id` null) is shown only to Financial Admins, Vendor Managers and Admins."""
    available = [p.period for p in await asyncio.to_thread(container.cur.billing_periods)]
    if period:
        wanted = [p for p in available if p == period]
    else:
        low, high = from_ or "0000-00", to or "9999-99"
        wanted = [p for p in available if low <= p <= high]
    if period and not wanted:
        raise NotFound(f"billing period {period} is not in the spend store")
    visible: set[int] | None = None
    if scope.prefixes is not None:
        visible = {b.id for b in await uow.budgets.list_budgets(scope)}
    unallocated = can(user.role, Permission.VIEW_UNALLOCATED)
    rows: list[SpendRow] = []
    if wanted and (visible is None or visible):
        rules, version = await current_rules(uow)
        done = await asyncio.to_thread(
            container.allocated.ensure,
            wanted,
            rules,
            version,
            correlation_id=request_id_var.get(),
        )
        folders = [m.folder for m in done]
        engine_group = "budget" if group_by == "node" else group_by
        found = await asyncio.to_thread(
            container.allocated.engine.spend,
            folders,
            group_by=engine_group,  # type: ignore[arg-type]
            budget_ids=visible,
            include_unallocated=unallocated and group_by != "node",
        )
        if group_by == "node":
            rows = await _by_node(uow, scope, {k: v for k, v in found if isinstance(k, int)})
        else:
            field = {
                "budget": "budget_id",
                "account": "account_id",
                "service": "service",
                "day": "day",
            }[group_by]
            rows = [
                SpendRow(
                    **{field: str(k) if group_by == "day" and k is not None else k, "amount": v}
                )
                for k, v in found
            ]
    total = sum((r.amount for r in rows if group_by != "node" or r.level == 1), Decimal("0"))
    roots = scope.root_ids()
    if group_by == "node" and roots is not None:
        total = sum((r.amount for r in rows if r.node_id in roots), Decimal("0"))
    return SpendRead(
        group_by=group_by,
        periods=wanted,
        basis=container.allocated.basis.value,
        rows=rows,
        total=total,
    )


async def _by_node(
    uow: UnitOfWork, scope: ResolvedScope, by_budget: dict[int, Decimal]
) -> list[SpendRow]:
    """Roll budget spend up the hierarchy: every visible node with the spend below it."""
    budgets = [b for b in await uow.budgets.list_budgets(scope) if b.id in by_budget]
    rows: list[SpendRow] = []
    for year in sorted({b.year for b in budgets}):
        nodes = await uow.budgets.nodes(year)
        leaf = {b.node_id: by_budget[b.id] for b in budgets if b.year == year}
        roots = scope.root_ids()
        totals = rollup_totals(
            [HierarchyNode(n.id, n.parent_id, n.level, n.name) for n in nodes],
            leaf,
            visible_roots=roots,
        )
        names = {n.id: n for n in nodes}
        rows += [
            SpendRow(node_id=i, name=names[i].name, level=names[i].level, amount=t.annual_amount)
            for i, t in sorted(totals.items(), key=lambda kv: (names[kv[0]].level, kv[0]))
        ]
    return rows
