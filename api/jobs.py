"""Background jobs and the handlers of domain events: what runs after a unit of work commits
(a CUR refresh announced by the webhook, the reallocation after a rule change). Each job opens
its own unit of work; a failure is logged and recorded, never raised into a request."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from adapters.db.uow import UnitOfWork
from api.container import Container
from domain.errors import DomainError
from domain.events import AllocationRulesChanged, CurDeliveryRecorded, DomainEvent
from domain.spend import service as spend_service

log = logging.getLogger("finops.jobs")


async def reallocate(container: Container) -> None:
    """Recompute the stale materialized allocations (after a rule change or a CUR delivery),
    so the next dashboard read answers from fresh summaries."""
    try:
        async with container.sessionmaker() as session:
            await spend_service.reallocate(UnitOfWork(session), container.spend)
    except Exception:  # a read recomputes anyway; log and move on
        log.exception("background reallocation failed")


async def refresh_cur(container: Container, event_row_id: int, periods: list[str] | None) -> None:
    """Read the configured CUR for `periods` (all when None) and record the outcome on the
    delivery event; then reallocate what the new delivery made stale."""
    status, message = "done", ""
    try:
        done = await container.spend.refresh(container.settings.resolved_cur_path(), periods)
        message = f"{len(done)} period(s): " + ", ".join(p.period for p in done)
    except DomainError as exc:
        status = "failed"
        message = "; ".join([exc.message, *(e.message for e in exc.errors)])
    except Exception as exc:
        log.exception("CUR refresh failed")
        status, message = "failed", f"{exc.__class__.__name__}: {exc}"
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        await uow.cur_events.finish(
            event_row_id, status=status, message=message[:1000], at=container.clock.now()
        )
        await uow.commit()


def dispatcher(container: Container) -> Callable[[DomainEvent], Awaitable[None]]:
    """The handler table: each event starts its job in the background (a request never waits
    for a refresh or a reallocation)."""

    async def dispatch(event: DomainEvent) -> None:
        if isinstance(event, AllocationRulesChanged):
            container.spawn(reallocate(container))
        elif isinstance(event, CurDeliveryRecorded):
            periods = list(event.periods) if event.periods is not None else None
            container.spawn(refresh_cur(container, event.event_row_id, periods))
        else:
            log.warning("no handler for %s", type(event).__name__)

    return dispatch
