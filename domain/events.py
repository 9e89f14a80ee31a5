"""Domain events: facts a use case publishes on its unit of work. They are handed to their
handlers only after the transaction commits (background reallocation, CUR refresh, later
outbound webhooks), so a refused or rolled-back request triggers nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DomainEvent:
    """Base of every event."""


@dataclass(frozen=True)
class AllocationRulesChanged(DomainEvent):
    """A split, workload claim or release changed: materialized allocations are stale."""


@dataclass(frozen=True)
class CurDeliveryRecorded(DomainEvent):
    """A CUR delivery was announced (webhook) and recorded as `event_row_id`; refresh
    `periods` (None: every period the CUR holds)."""

    event_row_id: int
    periods: tuple[str, ...] | None


@dataclass(frozen=True)
class SpendRefreshed(DomainEvent):
    """A CUR refresh by hand replaced `periods` in the spend store (anomalies are detected
    again)."""

    periods: tuple[str, ...]


@dataclass(frozen=True)
class OutboundEvent(DomainEvent):
    """A fact told to the outbound webhook subscribers of `type` (`domain/webhooks/model.py`
    lists the types). The unit of work writes one delivery per subscription into the outbox
    in the same transaction, so a rolled-back request sends nothing."""

    type: str
    object_type: str
    object_id: str
    actor_id: int | None
    actor_email: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookDeliveriesQueued(DomainEvent):
    """Deliveries were written to the outbox: send them now (the poller retries the rest)."""
