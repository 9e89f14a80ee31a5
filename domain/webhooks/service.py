"""Outbound webhook use cases: subscribe, (de)activate, redeliver. Sending is the deliverer's
(`adapters/webhooks/deliverer.py`); the outbox rows are written by the unit of work."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.audit import Actor, AuditEntry
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.events import WebhookDeliveriesQueued
from domain.ports import UnitOfWork
from domain.webhooks.model import EVENT_TYPES, address_problem, url_problem

MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Subscription:
    id: int
    url: str
    events: tuple[str, ...]
    is_active: bool
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Delivery:
    id: int
    subscription_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class WebhookStore(Protocol):
    async def add_subscription(
        self, *, url: str, events: Sequence[str], secret: str, created_by: str, at: datetime
    ) -> Subscription: ...

    async def subscription(self, subscription_id: int) -> Subscription | None: ...

    async def subscriptions(self) -> list[Subscription]: ...

    async def set_active(self, subscription_id: int, active: bool) -> Subscription: ...

    async def deliveries(
        self, subscription_id: int, *, status: str | None, limit: int, offset: int
    ) -> tuple[list[Delivery], int]: ...

    async def delivery(self, delivery_id: int) -> Delivery | None: ...

    async def requeue(self, delivery_id: int) -> Delivery: ...


class WebhookUnitOfWork(UnitOfWork, Protocol):
    @property
    def webhooks(self) -> WebhookStore: ...


class HostResolver(Protocol):
    async def addresses(self, host: str) -> list[str]:
        """The IP addresses `host` resolves to (empty when it does not resolve)."""
        ...


async def check_destination(
    url: str, resolver: HostResolver, *, allow_private: bool, field: str = "url"
) -> list[str]:
    """The addresses a delivery to `url` may go to; RuleViolation naming the reason when the
    URL is malformed, does not resolve, or reaches a loopback, private or link-local address
    (unless private addresses are allowed)."""
    from urllib.parse import urlsplit

    problem = url_problem(url, allow_private=allow_private)
    if problem is None:
        host = urlsplit(url).hostname or ""
        found = await resolver.addresses(host)
        if not found:
            problem = f"the host '{host}' does not resolve"
        else:
            refusals = [p for a in found if (p := address_problem(a, allow_private=allow_private))]
            if refusals:
                problem = f"refused: {refusals[0]}"
    if problem is not None:
        raise RuleViolation(
            "the webhook URL is not allowed", [ErrorDetail(message=f"url {problem}", field=field)]
        )
    return found


async def subscribe(
    uow: WebhookUnitOfWork,
    clock_now: datetime,
    actor: Actor,
    resolver: HostResolver,
    *,
    url: str,
    events: Sequence[str],
    secret: str | None,
    allow_private: bool,
) -> tuple[Subscription, str]:
    """Subscribe `url` to `events`; returns the subscription and its signing secret (the
    one sent, or a generated one: shown in this answer only)."""
    errors: list[ErrorDetail] = []
    unknown = [e for e in events if e not in EVENT_TYPES]
    if not events:
        errors.append(ErrorDetail(message="name at least one event", field="events"))
    for name in unknown:
        errors.append(
            ErrorDetail(
                message=f"unknown event '{name}'; expected some of: {', '.join(EVENT_TYPES)}",
                field="events",
            )
        )
    if secret is not None and len(secret) < MIN_SECRET_LENGTH:
        errors.append(
            ErrorDetail(
                message=f"secret must have at least {MIN_SECRET_LENGTH} characters "
                "(or omit it to have one generated)",
                field="secret",
            )
        )
    if errors:
        raise RuleViolation("the subscription cannot be created", errors)
    await check_destination(url, resolver, allow_private=allow_private)
    chosen = secret or "whsec_" + secrets.token_urlsafe(32)
    ordered = tuple(dict.fromkeys(events))
    sub = await uow.webhooks.add_subscription(
        url=url, events=ordered, secret=chosen, created_by=actor.email, at=clock_now
    )
    await uow.audit.record(
        AuditEntry(
            actor,
            "webhook.subscribe",
            "webhook_subscription",
            str(sub.id),
            after={"url": url, "events": list(ordered)},
        )
    )
    return sub, chosen


async def set_active(
    uow: WebhookUnitOfWork, actor: Actor, subscription_id: int, active: bool
) -> Subscription:
    """Pause or resume a subscription: a paused one gets no new deliveries and sends none."""
    sub = await uow.webhooks.subscription(subscription_id)
    if sub is None:
        raise NotFound("webhook subscription not found")
    if sub.is_active == active:
        return sub
    saved = await uow.webhooks.set_active(subscription_id, active)
    await uow.audit.record(
        AuditEntry(
            actor,
            "webhook.update",
            "webhook_subscription",
            str(sub.id),
            before={"is_active": sub.is_active},
            after={"is_active": active},
        )
    )
    return saved


async def redeliver(
    uow: WebhookUnitOfWork, actor: Actor, subscription_id: int, delivery_id: int
) -> Delivery:
    """Send a delivery again (the same body, a new signature), with a fresh set of attempts."""
    delivery = await uow.webhooks.delivery(delivery_id)
    if delivery is None or delivery.subscription_id != subscription_id:
        raise NotFound("delivery not found")
    queued = await uow.webhooks.requeue(delivery_id)
    await uow.audit.record(
        AuditEntry(
            actor,
            "webhook.redeliver",
            "webhook_delivery",
            str(delivery_id),
            before={"status": delivery.status, "attempts": delivery.attempts},
            after={"status": queued.status, "attempts": queued.attempts},
        )
    )
    uow.publish(WebhookDeliveriesQueued())
    return queued
