"""Use cases of the spend store: a CUR refresh by hand, a delivery announced by webhook, and
the reallocation of what a rule change or a delivery made stale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.events import CurDeliveryRecorded
from domain.ports import Clock
from domain.spend.models import BillingPeriod
from domain.spend.ports import SpendStore, SpendUnitOfWork
from domain.spend.queries import ensure_allocated


async def refresh_now(
    uow: SpendUnitOfWork, store: SpendStore, clock: Clock, *, source: str
) -> list[BillingPeriod]:
    """Read the CUR at `source` now, replacing every period it holds (all or nothing: a file
    that cannot be read raises RuleViolation naming it), and record the refresh."""
    periods = await store.refresh(source, None)
    row_id = await uow.cur_events.add(
        event_id=f"manual-{clock.now():%Y%m%dT%H%M%S.%f}",
        kind="manual",
        payload={"source": source},
    )
    await uow.cur_events.finish(
        row_id, status="done", message=f"{len(periods)} period(s)", at=clock.now()
    )
    return periods


@dataclass(frozen=True)
class CurDelivery:
    """A CUR delivery as the webhook announces it (already validated)."""

    event_id: str
    billing_period: str | None
    status: str | None


async def record_delivery(
    uow: SpendUnitOfWork, delivery: CurDelivery
) -> Literal["accepted", "duplicate"]:
    """Record an announced delivery once; its refresh runs after the commit (a redelivered
    event id is a duplicate and does nothing twice)."""
    if await uow.cur_events.find(delivery.event_id) is not None:
        return "duplicate"
    row_id = await uow.cur_events.add(
        event_id=delivery.event_id,
        kind="webhook",
        payload={
            "event_id": delivery.event_id,
            "billing_period": delivery.billing_period,
            "status": delivery.status,
        },
    )
    periods = (delivery.billing_period,) if delivery.billing_period else None
    uow.publish(CurDeliveryRecorded(row_id, periods))
    return "accepted"


async def reallocate(uow: SpendUnitOfWork, store: SpendStore) -> None:
    """Recompute the stale materialized allocations of every period, so the next dashboard
    read answers from fresh summaries (nothing is loaded when nothing is stale)."""
    await ensure_allocated(uow, store, await store.billing_periods())
