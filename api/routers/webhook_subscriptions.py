"""Outbound event webhooks (Admins only): subscriptions, their deliveries, redelivery."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import AppClock, AppContainer, RequirePermission, UoW, actor_of
from api.params import Id, Offset
from api.schemas.common import PROBLEM_RESPONSES, Page
from api.schemas.integrations import (
    WebhookDeliveryRead,
    WebhookEventRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)
from domain.errors import NotFound
from domain.identity.roles import Permission
from domain.identity.users import User
from domain.webhooks import service
from domain.webhooks.model import EVENT_TYPES

router = APIRouter(prefix="/api/v1", tags=["webhooks"], responses=PROBLEM_RESPONSES)

Admin = Annotated[User, RequirePermission(Permission.MANAGE_USERS)]


@router.get("/webhook-events", response_model=list[WebhookEventRead])
async def list_webhook_events(_admin: Admin) -> list[WebhookEventRead]:
    """The event types a subscription may name."""
    return [WebhookEventRead(type=k, description=v) for k, v in EVENT_TYPES.items()]


@router.post("/webhook-subscriptions", response_model=WebhookSubscriptionCreated, status_code=201)
async def create_webhook_subscription(
    body: WebhookSubscriptionCreate,
    admin: Admin,
    uow: UoW,
    clock: AppClock,
    container: AppContainer,
) -> WebhookSubscriptionCreated:
    """Subscribe a URL to events. Deliveries are POSTed after the change commits, signed with
    HMAC-SHA256 over `timestamp.body` (`X-Finops-Timestamp`, `X-Finops-Signature`), and tried
    again with backoff. Only https URLs outside loopback, private and link-local ranges,
    unless `FINOPS_WEBHOOK_ALLOW_PRIVATE=true`. The secret is shown only in this answer."""
    sub, secret = await service.subscribe(
        uow,
        clock.now(),
        actor_of(admin),
        container.resolver,
        url=body.url,
        events=body.events,
        secret=body.secret,
        allow_private=container.settings.webhook_allow_private,
    )
    read = WebhookSubscriptionRead.of(sub)
    return WebhookSubscriptionCreated(**read.model_dump(), secret=secret)


@router.get("/webhook-subscriptions", response_model=list[WebhookSubscriptionRead])
async def list_webhook_subscriptions(_admin: Admin, uow: UoW) -> list[WebhookSubscriptionRead]:
    """Every subscription."""
    return [WebhookSubscriptionRead.of(s) for s in await uow.webhooks.subscriptions()]


@router.get("/webhook-subscriptions/{subscription_id}", response_model=WebhookSubscriptionRead)
async def get_webhook_subscription(
    subscription_id: Id, _admin: Admin, uow: UoW
) -> WebhookSubscriptionRead:
    """One subscription."""
    sub = await uow.webhooks.subscription(subscription_id)
    if sub is None:
        raise NotFound("webhook subscription not found")
    return WebhookSubscriptionRead.of(sub)


@router.patch("/webhook-subscriptions/{subscription_id}", response_model=WebhookSubscriptionRead)
async def update_webhook_subscription(
    subscription_id: Id, body: WebhookSubscriptionUpdate, admin: Admin, uow: UoW
) -> WebhookSubscriptionRead:
    """Pause (`is_active: false`) or resume a subscription."""
    sub = await service.set_active(uow, actor_of(admin), subscription_id, body.is_active)
    return WebhookSubscriptionRead.of(sub)


@router.get(
    "/webhook-subscriptions/{subscription_id}/deliveries",
    response_model=Page[WebhookDeliveryRead],
)
async def list_webhook_deliveries(
    subscription_id: Id,
    _admin: Admin,
    uow: UoW,
    status: Literal["pending", "delivered", "dead"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[WebhookDeliveryRead]:
    """The subscription's deliveries, newest first, with status, attempts and last error."""
    if await uow.webhooks.subscription(subscription_id) is None:
        raise NotFound("webhook subscription not found")
    found, total = await uow.webhooks.deliveries(
        subscription_id, status=status, limit=limit, offset=offset
    )
    items = [WebhookDeliveryRead.of(d) for d in found]
    return Page[WebhookDeliveryRead](items=items, total=total, limit=limit, offset=offset)


@router.post(
    "/webhook-subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver",
    response_model=WebhookDeliveryRead,
)
async def redeliver_webhook(
    subscription_id: Id, delivery_id: Id, admin: Admin, uow: UoW
) -> WebhookDeliveryRead:
    """Send a delivery again: the same body, a fresh signature and a fresh set of attempts."""
    delivery = await service.redeliver(uow, actor_of(admin), subscription_id, delivery_id)
    return WebhookDeliveryRead.of(delivery)
