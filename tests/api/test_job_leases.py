"""Background jobs under several workers or servers: two app instances share only the
database (each its own data folder, so no lock file is shared) and the database lease lets
one of them run a job at a time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.config import Settings
from adapters.db.job_lease import JobLease
from api import jobs
from api.app import create_app
from api.container import Container, build_container


@contextlib.asynccontextmanager
async def instance(settings: Settings, name: str) -> AsyncIterator[Container]:
    """One server's app with its jobs started (the card scheduler on, a 1 s lease)."""
    own = settings.model_copy(
        update={
            "data_dir": settings.data_dir.parent / name,
            "card_scheduler": True,
            "job_lease_seconds": 1,
        }
    )
    container = build_container(own)
    app = create_app(container=container)
    try:
        async with app.router.lifespan_context(app):
            yield container
    finally:
        await container.close()


async def until(condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)


@pytest.fixture
def generations(monkeypatch) -> list[Container]:
    """The containers that ran a spend-card generation, in order."""
    ran: list[Container] = []

    async def record(container: Container) -> None:
        ran.append(container)

    monkeypatch.setattr(jobs, "run_card_generation", record)
    return ran


class TestTheCardScheduler:
    async def test_two_instances_with_the_scheduler_generate_once(self, settings, generations):
        async with instance(settings, "a") as a, instance(settings, "b") as b:
            await until(lambda: generations)
            await asyncio.sleep(1.5)  # several lease checks of both instances
            assert len(generations) == 1
            assert generations[0] in (a, b)

    async def test_another_instance_takes_over_when_the_leader_stops(self, settings, generations):
        async with contextlib.AsyncExitStack() as first:
            a = await first.enter_async_context(instance(settings, "a"))
            await until(lambda: generations)
            async with instance(settings, "b") as b:
                await asyncio.sleep(1.0)
                assert generations == [a]  # b waits while a leads
                await first.aclose()  # a stops and releases its lease
                await until(lambda: len(generations) == 2)
                assert generations == [a, b]  # b took over and caught up


class TestOneRefreshAtATime:
    async def test_deliveries_to_two_instances_refresh_one_after_the_other(
        self, settings, monkeypatch
    ):
        running: list[str] = []
        overlap: list[int] = []
        done: list[str] = []

        async def slow_refresh(_container, event_row_id, _periods):  # type: ignore[no-untyped-def]
            running.append(str(event_row_id))
            overlap.append(len(running))
            await asyncio.sleep(0.4)
            running.remove(str(event_row_id))
            done.append(str(event_row_id))
            return False, False  # (refreshed, a final month): nothing follows the refresh

        monkeypatch.setattr(jobs, "_refresh_delivery", slow_refresh)
        async with instance(settings, "a") as a, instance(settings, "b") as b:
            await asyncio.gather(
                jobs.refresh_cur(a, 1, None),
                jobs.refresh_cur(b, 2, None),
                jobs.refresh_cur(a, 3, None),
            )
        assert sorted(done) == ["1", "2", "3"]
        assert max(overlap) == 1


class TestTheLease:
    async def test_a_holder_that_died_loses_the_lease_after_its_time_to_live(self, container):
        first = JobLease(container.sessionmaker, "test", ttl=timedelta(seconds=1))
        second = JobLease(container.sessionmaker, "test", ttl=timedelta(seconds=1))
        assert await first.hold()
        assert not await second.hold()
        assert await first.hold()  # the holder renews
        await asyncio.sleep(1.2)  # the first holder stopped renewing
        assert await second.hold()
        assert not await first.hold()
        await second.release()
        assert await first.hold()
