"""Webhook subscriptions and the delivery outbox."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, update

from adapters.db.base import utcnow
from adapters.db.models import WebhookDeliveryRow, WebhookSubscriptionRow
from adapters.db.repository import Repository
from domain.events import OutboundEvent
from domain.webhooks.service import Delivery, Subscription


def to_subscription(row: WebhookSubscriptionRow) -> Subscription:
    return Subscription(
        id=row.id,
        url=row.url,
        events=tuple(row.events),
        is_active=row.is_active,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def to_delivery(row: WebhookDeliveryRow) -> Delivery:
    return Delivery(
        id=row.id,
        subscription_id=row.subscription_id,
        event_id=row.event_id,
        event_type=row.event_type,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_attempt_at=row.last_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


@dataclass(frozen=True)
class DueDelivery:
    """A delivery a worker holds the lease of, with what it needs to send it."""

    id: int
    event_id: str
    event_type: str
    url: str
    secret: str
    body: bytes
    attempts: int


def event_body(event: OutboundEvent, event_id: str, at: datetime) -> str:
    """The JSON a receiver gets (signed as these exact bytes)."""
    return json.dumps(
        {
            "id": event_id,
            "type": event.type,
            "occurred_at": at.isoformat(),
            "actor": {"id": event.actor_id, "email": event.actor_email},
            "object": {"type": event.object_type, "id": event.object_id},
            "data": event.data,
        },
        separators=(",", ":"),
        sort_keys=True,
        default=str,
    )


class WebhookRepository(Repository[WebhookSubscriptionRow]):
    model = WebhookSubscriptionRow

    async def add_subscription(
        self, *, url: str, events: Sequence[str], secret: str, created_by: str, at: datetime
    ) -> Subscription:
        row = await self.add_row(
            WebhookSubscriptionRow(
                url=url,
                events=list(events),
                secret=secret,
                is_active=True,
                created_at=at,
                created_by=created_by,
            )
        )
        return to_subscription(row)

    async def subscription(self, subscription_id: int) -> Subscription | None:
        row = await self.get_row(subscription_id)
        return to_subscription(row) if row else None

    async def subscriptions(self) -> list[Subscription]:
        rows = await self.all(self.select().order_by(WebhookSubscriptionRow.id))
        return [to_subscription(r) for r in rows]

    async def set_active(self, subscription_id: int, active: bool) -> Subscription:
        row = await self.get_row(subscription_id)
        assert row is not None
        row.is_active = active
        await self.session.flush()
        return to_subscription(row)

    async def enqueue(self, events: Sequence[OutboundEvent]) -> int:
        """One outbox row per event and active subscription naming it (in the caller's
        transaction); how many were written."""
        stmt = select(WebhookSubscriptionRow).where(WebhookSubscriptionRow.is_active)
        subs = (await self.session.scalars(stmt)).all()
        if not subs:
            return 0
        at = utcnow()
        written = 0
        for event in events:
            event_id = str(uuid.uuid4())
            body = event_body(event, event_id, at)
            for sub in subs:
                if event.type in sub.events:
                    self.session.add(
                        WebhookDeliveryRow(
                            subscription_id=sub.id,
                            event_id=event_id,
                            event_type=event.type,
                            body=body,
                            status="pending",
                            attempts=0,
                            created_at=at,
                        )
                    )
                    written += 1
        await self.session.flush()
        return written

    async def deliveries(
        self, subscription_id: int, *, status: str | None, limit: int, offset: int
    ) -> tuple[list[Delivery], int]:
        stmt = select(WebhookDeliveryRow).where(
            WebhookDeliveryRow.subscription_id == subscription_id
        )
        if status:
            stmt = stmt.where(WebhookDeliveryRow.status == status)
        total = await self.count(stmt)
        rows = (
            await self.session.scalars(
                stmt.order_by(WebhookDeliveryRow.id.desc()).limit(limit).offset(offset)
            )
        ).all()
        return [to_delivery(r) for r in rows], total

    async def delivery(self, delivery_id: int) -> Delivery | None:
        row = await self.session.get(WebhookDeliveryRow, delivery_id)
        return to_delivery(row) if row else None

    async def requeue(self, delivery_id: int) -> Delivery:
        row = await self.session.get(WebhookDeliveryRow, delivery_id)
        assert row is not None
        row.status, row.attempts = "pending", 0
        row.next_attempt_at, row.lease_until = None, None
        await self.session.flush()
        return to_delivery(row)

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueDelivery]:
        """Take the lease of up to `limit` due deliveries of active subscriptions. Each row is
        taken by a compare-and-set on its lease, so two workers never both hold one."""
        free = or_(WebhookDeliveryRow.lease_until.is_(None), WebhookDeliveryRow.lease_until < now)
        due = and_(
            WebhookDeliveryRow.status == "pending",
            or_(
                WebhookDeliveryRow.next_attempt_at.is_(None),
                WebhookDeliveryRow.next_attempt_at <= now,
            ),
            free,
        )
        stmt = (
            select(WebhookDeliveryRow, WebhookSubscriptionRow)
            .join(
                WebhookSubscriptionRow,
                WebhookSubscriptionRow.id == WebhookDeliveryRow.subscription_id,
            )
            .where(due, WebhookSubscriptionRow.is_active)
            .order_by(WebhookDeliveryRow.id)
            .limit(limit)
        )
        candidates = (await self.session.execute(stmt)).all()
        taken: list[DueDelivery] = []
        for delivery, sub in candidates:
            result = await self.session.execute(
                update(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.id == delivery.id, due)
                .values(lease_until=lease_until)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                taken.append(
                    DueDelivery(
                        id=delivery.id,
                        event_id=delivery.event_id,
                        event_type=delivery.event_type,
                        url=sub.url,
                        secret=sub.secret,
                        body=delivery.body.encode(),
                        attempts=delivery.attempts,
                    )
                )
        return taken

    async def record_attempt(
        self,
        delivery_id: int,
        *,
        at: datetime,
        status: str,
        next_attempt_at: datetime | None,
        status_code: int | None,
        error: str | None,
    ) -> None:
        await self.session.execute(
            update(WebhookDeliveryRow)
            .where(WebhookDeliveryRow.id == delivery_id)
            .values(
                status=status,
                attempts=WebhookDeliveryRow.attempts + 1,
                next_attempt_at=next_attempt_at,
                lease_until=None,
                last_attempt_at=at,
                last_status_code=status_code,
                last_error=error[:1000] if error else None,
                delivered_at=at if status == "delivered" else None,
            )
            .execution_options(synchronize_session=False)
        )
