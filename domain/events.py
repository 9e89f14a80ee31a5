"""Domain events: facts a use case publishes on its unit of work. They are handed to their
handlers only after the transaction commits (background reallocation, CUR refresh, later
outbound webhooks), so a refused or rolled-back request triggers nothing."""

from __future__ import annotations

from dataclasses import dataclass


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
