"""The outbox's deliverer: takes the lease of due deliveries, sends them outside any
transaction, records each outcome (retry with backoff, or dead after the last attempt).

Runs after each commit that queued deliveries and every 30 s from the server (retries, and
what a crashed worker left); several workers may run it at once: the lease keeps a delivery
with one of them for 5 minutes."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.db.webhooks import DueDelivery, WebhookRepository
from adapters.webhooks.sender import HttpWebhookSender
from domain.ports import Clock
from domain.webhooks.model import LEASE, after_attempt

log = logging.getLogger("finops.webhooks")

BATCH = 50
CONCURRENCY = 8
POLL_SECONDS = 30.0


class WebhookDeliverer:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        sender: HttpWebhookSender,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.clock = clock
        self.sender = sender

    async def run_due(self) -> int:
        """Send what is due now; how many attempts were made."""
        attempted = 0
        while True:
            now = self.clock.now()
            async with self._sessionmaker() as session:
                due = await WebhookRepository(session).claim_due(now, now + LEASE, BATCH)
                await session.commit()
            if not due:
                return attempted
            gate = asyncio.Semaphore(CONCURRENCY)
            await asyncio.gather(*(self._gated(gate, item) for item in due))
            attempted += len(due)
            if len(due) < BATCH:
                return attempted

    async def _gated(self, gate: asyncio.Semaphore, item: DueDelivery) -> None:
        async with gate:
            await self._attempt(item)

    async def _attempt(self, item: DueDelivery) -> None:
        at = self.clock.now()
        result = await self.sender.send(
            url=item.url,
            secret=item.secret,
            delivery_id=item.id,
            event_type=item.event_type,
            body=item.body,
            at=at,
        )
        outcome = after_attempt(ok=result.ok, attempts=item.attempts + 1, now=self.clock.now())
        async with self._sessionmaker() as session:
            await WebhookRepository(session).record_attempt(
                item.id,
                at=at,
                status=outcome.status,
                next_attempt_at=outcome.next_attempt_at,
                status_code=result.status_code,
                error=result.error,
            )
            await session.commit()
        if not result.ok:
            log.warning(
                "webhook delivery %s to %s failed (%s): %s",
                item.id,
                item.url,
                outcome.status,
                result.error,
            )

    async def run_logged(self) -> None:
        """A run from a job: a failure is logged, never raised."""
        try:
            await self.run_due()
        except Exception:
            log.exception("webhook delivery run failed")

    async def poll_forever(self, every: float = POLL_SECONDS) -> None:
        while True:
            await self.run_logged()
            await asyncio.sleep(every)
