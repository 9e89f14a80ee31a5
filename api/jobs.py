"""Background jobs and the handlers of domain events: what runs after a unit of work commits
(a CUR refresh announced by the webhook, the reallocation after a rule change). Each job opens
its own unit of work; a failure is logged and recorded, never raised into a request."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from adapters.allocation.card_spend import AllocatedCardSpend
from adapters.db.base import READ_ONLY
from adapters.db.job_lease import ANOMALY_DETECTION, CARD_SCHEDULER, CUR_REFRESH
from adapters.db.uow import UnitOfWork
from api.container import Container
from domain.allocation.service import current_rules
from domain.errors import DomainError
from domain.events import (
    AllocationRulesChanged,
    CurDeliveryRecorded,
    DomainEvent,
    OutboundEvent,
    SpendRefreshed,
    WebhookDeliveriesQueued,
)
from domain.forecasts.service import DetectionResult, find_anomalies, record_anomalies
from domain.spend import service as spend_service
from domain.spend_cards.service import GenerationResult, generate_cards

log = logging.getLogger("finops.jobs")


async def reallocate(container: Container) -> None:
    """Recompute the stale materialized allocations (after a rule change or a CUR delivery),
    so the next dashboard read answers from fresh summaries."""
    try:
        async with container.sessionmaker() as session:
            await spend_service.reallocate(UnitOfWork(session), container.spend)
    except Exception:  # a read recomputes anyway; log and move on
        log.exception("background reallocation failed")


async def remap_recommendations(container: Container) -> None:
    """Map the recommendations to budgets again after a split or claim changed."""
    from domain.recommendations.service import remap_budgets

    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            await remap_budgets(uow, container.clock)
            await uow.commit()
    except Exception:  # the next import maps them again; log and move on
        log.exception("remapping recommendations failed")


async def refresh_cur(container: Container, event_row_id: int, periods: list[str] | None) -> None:
    """Read the configured CUR for `periods` (all when None) and record the outcome on the
    delivery event; then reallocate what the new delivery made stale. One refresh runs at a
    time across every worker and server (the database lease): a second delivery waits."""
    async with container.lease(CUR_REFRESH).exclusive():
        refreshed, finalized = await _refresh_delivery(container, event_row_id, periods)
    if refreshed:
        await run_anomaly_detection(container)
    if finalized:
        # a final month's last card waits for the invoice id; a redelivery refreshes Open cards
        await run_card_generation(container)


async def _refresh_delivery(
    container: Container, event_row_id: int, periods: list[str] | None
) -> tuple[bool, bool]:
    """Whether the refresh succeeded and changed a period, and whether it brought a final
    month."""
    status, message, finalized = "done", "", False
    source = container.settings.resolved_cur_path()
    board = container.refresh_board
    board.start(by=f"CUR delivery (event #{event_row_id})", source=source, at=container.clock.now())
    names: list[str] = []
    final: list[str] = []
    changed = False
    try:
        before = set(await container.spend.billing_periods())
        done = await container.spend.refresh(source, periods, board.report)
        # a redelivery of unchanged files answers its periods as they stood (same
        # `refreshed_at`): nothing new to judge for anomalies
        changed = any(p not in before for p in done)
        names = [p.period for p in done]
        message = f"{len(done)} period(s): " + ", ".join(names)
        final = [p.period for p in done if p.finalized]
        finalized = bool(final)
    except DomainError as exc:
        status = "failed"
        message = spend_service.problem_text(exc)
    except Exception as exc:
        log.exception("CUR refresh failed")
        status, message = "failed", f"{exc.__class__.__name__}: {exc}"
    board.finish(
        at=container.clock.now(), failed=status == "failed", periods=names, message=message[:1000]
    )
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session, dispatch=container.dispatch)
        await uow.cur_events.finish(
            event_row_id, status=status, message=message[:1000], at=container.clock.now()
        )
        for period in final:
            uow.publish(
                OutboundEvent(
                    type="cur.period_final",
                    object_type="billing_period",
                    object_id=period,
                    actor_id=None,
                    actor_email=f"CUR delivery (event #{event_row_id})",
                    data={"period": period, "cur_event_id": event_row_id},
                )
            )
        await uow.commit()
    return status == "done" and changed, finalized


async def generate_spend_cards(container: Container, as_of: date | None = None) -> GenerationResult:
    """One generation run in its own unit of work (the service takes the job lock); raises."""
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session, dispatch=container.dispatch)
        try:
            rules, _ = await current_rules(uow)
            reader = AllocatedCardSpend(container.allocated, rules)
            result = await generate_cards(uow, container.clock, reader, as_of=as_of)
            await uow.commit()
        except BaseException:
            await uow.rollback()
            raise
    log.info(
        "spend cards as of %s: %s created, %s refreshed, %s noted",
        result.as_of,
        result.created,
        result.refreshed,
        result.noted,
    )
    return result


async def run_card_generation(container: Container) -> None:
    """A generation run from a job: a failure is logged, never raised."""
    try:
        await generate_spend_cards(container)
    except Exception:
        log.exception("spend card generation failed")


async def detect_anomalies(container: Container) -> DetectionResult:
    """One detection run over every budget's daily spend; raises. It reads (allocating what
    is stale) on a read-only snapshot, then records what changed in a short unit of work of
    its own: on SQLite a write transaction holds the single write lock, and holding it around
    an allocation (minutes on Spark, seconds at 60M rows) made every other writer fail with
    "database is locked". The new anomalies' webhook deliveries are sent once it commits.

    One detection runs at a time across the workers (a database lease): two at once both saw
    an anomaly as new and the second failed on its unique key (seen under load, ten CUR
    deliveries in a row)."""
    async with container.lease(ANOMALY_DETECTION).exclusive():
        return await _detect_anomalies(container)


async def _detect_anomalies(container: Container) -> DetectionResult:
    async with container.sessionmaker() as session:
        await session.connection(execution_options={READ_ONLY: True})
        reading = UnitOfWork(session)
        try:
            rules, _ = await current_rules(reading)
            findings = await find_anomalies(reading, container.spend, container.daily_spend(rules))
        finally:
            await reading.rollback()
    if findings is None:
        return DetectionResult(0, 0, 0)
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session, dispatch=container.dispatch)
        try:
            result = await record_anomalies(uow, container.clock, findings)
            await uow.commit()
        except BaseException:
            await uow.rollback()
            raise
    log.info(
        "anomalies: %s added, %s updated, %s removed", result.added, result.updated, result.removed
    )
    return result


async def run_anomaly_detection(container: Container) -> None:
    """Anomaly detection after a CUR refresh: a failure is logged, never raised."""
    try:
        await detect_anomalies(container)
    except Exception:
        log.exception("anomaly detection failed")


def next_monday(now: datetime) -> datetime:
    """The next Monday 06:00 UTC after `now` (the CUR of Saturday has landed by then)."""
    day = now.date() + timedelta(days=(7 - now.weekday()) % 7 or 7)
    at = datetime.combine(day, time(6), tzinfo=now.tzinfo)
    return at


async def card_scheduler(container: Container) -> None:
    """The in-process scheduler: catch up at start, then run every Monday. Every worker of
    every server runs this loop, and only the holder of the scheduler's database lease
    generates: the others check every third of the lease's time to live whether its holder
    is gone (then the next one takes over and catches up)."""
    lease = container.lease(CARD_SCHEDULER)
    due: datetime | None = None  # None: catch up as soon as this worker leads
    try:
        while True:
            try:
                leads = await lease.hold()
            except Exception:  # the database is away: try again at the next check
                log.exception("the card scheduler could not check its lease")
                leads = False
            if not leads:
                due = None
            elif due is None or container.clock.now() >= due:
                await run_card_generation(container)
                due = next_monday(container.clock.now())
            await asyncio.sleep(lease.ttl.total_seconds() / 3)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.shield(lease.release())


def dispatcher(container: Container) -> Callable[[DomainEvent], Awaitable[None]]:
    """The handler table: each event starts its job in the background (a request never waits
    for a refresh or a reallocation)."""

    async def dispatch(event: DomainEvent) -> None:
        if isinstance(event, AllocationRulesChanged):
            container.spawn(reallocate(container))
            container.spawn(remap_recommendations(container))
        elif isinstance(event, CurDeliveryRecorded):
            periods = list(event.periods) if event.periods is not None else None
            container.spawn(refresh_cur(container, event.event_row_id, periods))
        elif isinstance(event, SpendRefreshed):
            container.spawn(run_anomaly_detection(container))

        elif isinstance(event, WebhookDeliveriesQueued):
            container.spawn(container.webhooks.run_logged())
        else:
            log.warning("no handler for %s", type(event).__name__)

    return dispatch
