"""Leases on background jobs across server workers and hosts, kept in the `job_locks` table.

A lease row (`lease:<job>`) is free while its `last_run_at` is NULL or older than the lease's
time to live; a holder writes its own token there (the moment it took or renewed the lease,
plus random microseconds) and only the holder of that exact token renews or releases it. One
UPDATE … WHERE free is the whole acquisition: PostgreSQL re-checks the condition on the row a
concurrent transaction just changed, SQLite has a single writer, so two workers never both
win. A holder that dies without releasing loses the lease when its time to live runs out.

Row locks (`SELECT … FOR UPDATE`) would hold a transaction open for a whole CUR refresh, and
on SQLite block every write meanwhile; a lease holds nothing between its statements.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.clock import utc_now
from adapters.db.models import JobLockRow

log = logging.getLogger("finops.jobs")

CUR_REFRESH = "cur.refresh"
CARD_SCHEDULER = "spend_cards.scheduler"
ANOMALY_DETECTION = "anomalies.detect"


class JobLease:
    """One job's lease for one holder (a worker's job); see the module's text."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        job: str,
        *,
        ttl: timedelta = timedelta(minutes=2),
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.name = f"lease:{job}"
        self.ttl = ttl
        self.now = now
        self.token: datetime | None = None

    def _new_token(self) -> datetime:
        # the moment, moved by up to a millisecond so two holders never write the same token
        return self.now() + timedelta(microseconds=1 + secrets.randbelow(999))

    async def hold(self) -> bool:
        """Take the lease when free, or renew it when this holder has it; whether it is held."""
        token = self._new_token()
        held_by_me = JobLockRow.last_run_at == self.token if self.token else None
        free = or_(JobLockRow.last_run_at.is_(None), JobLockRow.last_run_at < self.now() - self.ttl)
        async with self.sessionmaker() as session:
            result = await session.execute(
                update(JobLockRow)
                .where(
                    JobLockRow.name == self.name,
                    or_(free, held_by_me) if held_by_me is not None else free,
                )
                .values(last_run_at=token)
                .execution_options(synchronize_session=False)
            )
            won = bool(result.rowcount)  # type: ignore[attr-defined]
            if not won and await session.get(JobLockRow, self.name) is None:
                session.add(JobLockRow(name=self.name, last_run_at=token))
                try:
                    await session.flush()
                    won = True
                except IntegrityError:  # another holder created it first
                    await session.rollback()
                    return self._lost()
            await session.commit()
        if not won:
            return self._lost()
        self.token = token
        return True

    def _lost(self) -> bool:
        if self.token is not None:
            log.warning("lost the lease %s", self.name)
        self.token = None
        return False

    async def release(self) -> None:
        """Free the lease when this holder still has it."""
        if self.token is None:
            return
        async with self.sessionmaker() as session:
            await session.execute(
                update(JobLockRow)
                .where(JobLockRow.name == self.name, JobLockRow.last_run_at == self.token)
                .values(last_run_at=None)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
        self.token = None

    @contextlib.asynccontextmanager
    async def exclusive(self, poll_seconds: float = 1.0) -> AsyncIterator[None]:
        """Wait until the lease is this holder's, keep it renewed while the block runs, then
        release it: the block runs in one worker at a time across every server."""
        while not await self.hold():
            await asyncio.sleep(poll_seconds)
        renewing = asyncio.get_running_loop().create_task(self._renew_every(self.ttl / 3))
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
            await asyncio.shield(self.release())

    async def _renew_every(self, every: timedelta) -> None:
        while True:
            await asyncio.sleep(every.total_seconds())
            try:
                await self.hold()
            except Exception:  # a database hiccup: the next renewal tries again
                log.exception("renewing the lease %s failed", self.name)
