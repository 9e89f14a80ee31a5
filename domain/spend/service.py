"""Use cases of the spend store: a CUR refresh by hand, a delivery announced by webhook, and
the reallocation of what a rule change or a delivery made stale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.errors import DomainError
from domain.events import CurDeliveryRecorded, SpendRefreshed
from domain.ports import Clock
from domain.spend.models import BillingPeriod, RefreshStatus
from domain.spend.ports import RefreshBoard, SpendStore, SpendUnitOfWork
from domain.spend.queries import ensure_allocated


async def refresh_now(
    uow: SpendUnitOfWork,
    store: SpendStore,
    clock: Clock,
    board: RefreshBoard,
    *,
    source: str,
    by: str,
) -> list[BillingPeriod]:
    """Read the CUR at `source` now, replacing every period it holds (all or nothing: a file
    that cannot be read raises RuleViolation naming it), posting its progress on the board
    (periods done of total, rows read) and the outcome; record the refresh (who, rows,
    duration)."""
    started = clock.now()
    board.start(by=by, source=source, at=started)
    try:
        periods = await store.refresh(source, None, board.report)
    except DomainError as exc:
        board.finish(at=clock.now(), failed=True, periods=(), message=problem_text(exc))
        raise
    except BaseException:
        board.finish(at=clock.now(), failed=True, periods=(), message="the refresh failed")
        raise
    finished = clock.now()
    names = [p.period for p in periods]
    message = f"{len(periods)} period(s): {', '.join(names)}" if names else "0 period(s)"
    board.finish(at=finished, failed=False, periods=names, message=message)
    row_id = await uow.cur_events.add(
        event_id=f"manual-{started:%Y%m%dT%H%M%S.%f}",
        kind="manual",
        payload={
            "source": source,
            "by": by,
            "rows": sum(p.rows for p in periods),
            "periods": names,
            "started_at": started.isoformat(),
            "duration_seconds": round((finished - started).total_seconds(), 3),
        },
    )
    await uow.cur_events.finish(row_id, status="done", message=message, at=finished)
    uow.publish(SpendRefreshed(tuple(names)))
    return periods


def problem_text(exc: DomainError) -> str:
    """A refused refresh in one line: the reason and each error."""
    return "; ".join([exc.message, *(e.message for e in exc.errors)])[:1000]


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


def refresh_status(board: RefreshBoard) -> RefreshStatus | None:
    """The running CUR refresh, or the last one: None when none ran on this data folder."""
    return board.read()
