from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text

from api import jobs
from tests.api.forecasts.conftest import SPIKE_DAY


async def refresh(client, container, world):
    """A CUR refresh by hand (a minute later than the last): detection runs after it, in
    the background."""
    container.clock.at += timedelta(minutes=1)
    r = await client.post("/api/v1/cur/refresh", headers=world["fin"])
    assert r.status_code == 200, r.text
    await container.idle()


async def listed(client, headers, **params):
    r = await client.get("/api/v1/anomalies", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


class TestDetection:
    async def test_the_load_test_is_detected_after_a_refresh_with_its_causes(
        self, client, container, world
    ):
        assert await listed(client, world["fin"]) == []  # the first refresh had no splits
        await refresh(client, container, world)
        items = await listed(client, world["fin"])
        spike = [a for a in items if a["day"] == SPIKE_DAY.isoformat()]
        assert spike, items
        assert {a["budget_id"] for a in spike} == {world["budget"]}
        head = spike[0]
        assert head["name"] == "Checkout"
        assert Decimal(head["total"]) > Decimal("15000")
        assert Decimal(head["excess"]) == Decimal(head["total"]) - Decimal(head["median"])
        excess = Decimal(head["excess"])
        for a in spike:  # each service carries at least a quarter of the excess
            assert Decimal(a["service_amount"]) - Decimal(a["service_median"]) >= excess / 4
            assert 0 < len(a["resources"]) <= 5

    async def test_detection_is_idempotent_and_tells_the_owners_once(
        self, client, container, world
    ):
        await refresh(client, container, world)
        first = await listed(client, world["fin"])
        await refresh(client, container, world)
        assert await listed(client, world["fin"]) == first
        for who in ("po", "pf"):
            r = await client.get("/api/v1/notifications", headers=world[who])
            notices = [n for n in r.json() if n["kind"] == "anomaly"]
            days = [n for n in notices if SPIKE_DAY.isoformat() in n["message"]]
            assert len(days) == 1, notices
            assert days[0]["link"] == f"/budgets/{world['budget']}"
        r = await client.get("/api/v1/notifications", headers=world["other_pf"])
        assert [n for n in r.json() if n["kind"] == "anomaly"] == []


class TestList:
    async def test_scope_filters_and_csv(self, client, container, world):
        await refresh(client, container, world)
        mine = await listed(client, world["po"])
        assert mine
        assert {a["budget_id"] for a in mine} == {world["budget"]}
        assert await listed(client, world["other_pf"]) == []
        day = SPIKE_DAY.isoformat()
        assert {a["day"] for a in await listed(client, world["fin"], since=day, until=day)} == {day}
        assert await listed(client, world["fin"], budget_id=world["ledger"]) == []
        r = await client.get("/api/v1/anomalies", headers=world["po"], params={"format": "csv"})
        assert r.status_code == 200
        assert r.text.splitlines()[0].startswith("id,budget_id,name,day,service")

    async def test_bad_filters_answer_422_naming_the_field(self, client, world):
        r = await client.get(
            "/api/v1/anomalies",
            headers=world["fin"],
            params={"since": "2026-11-20", "until": "2026-11-01"},
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "since"
        r = await client.get("/api/v1/anomalies", headers=world["fin"], params={"limit": 0})
        assert r.status_code == 422


class TestLocking:
    async def test_a_long_read_of_the_detection_leaves_other_writers_free(
        self, client, container, world, monkeypatch
    ):
        """Detection reads (allocating what is stale) before it writes: held here where a long
        allocation would hold it (minutes on Spark), a request's write still commits, where
        on SQLite it used to wait 30 s for the write lock and answer 500 "database is
        locked"; the anomalies are recorded once the read is done."""
        await container.idle()
        entered, release = asyncio.Event(), asyncio.Event()
        make_reader = container.daily_spend

        def held_reader(rules=None):
            reader = make_reader(rules)
            last_day = reader.last_day

            async def held(*args, **kwargs):
                entered.set()
                await release.wait()
                return await last_day(*args, **kwargs)

            reader.last_day = held
            return reader

        monkeypatch.setattr(container, "daily_spend", held_reader)
        container.clock.at += timedelta(minutes=1)
        detection = asyncio.create_task(jobs.detect_anomalies(container))
        try:
            await asyncio.wait_for(entered.wait(), 60)
            r = await asyncio.wait_for(
                client.post(
                    "/api/v1/years",
                    headers=world["admin"],
                    json={"year": 2031, "labels": ["BU", "Dept", "Portfolio", "Product"]},
                ),
                10,
            )
            assert r.status_code == 201, r.text
        finally:
            release.set()
            result = await detection
        assert result.added > 0
        assert any(a["day"] == SPIKE_DAY.isoformat() for a in await listed(client, world["fin"]))

    async def test_two_detections_at_once_run_one_after_the_other(self, client, container, world):
        """Deliveries in a row start a detection each; two at once both saw the spike as new
        and the second failed on the anomalies' unique key. The lease runs them one after
        the other: both succeed, the second finds nothing new."""
        await container.idle()
        container.clock.at += timedelta(minutes=1)
        await client.post("/api/v1/cur/refresh", headers=world["fin"])
        await container.idle()
        assert await listed(client, world["fin"])  # the refresh's own detection found them
        async with container.sessionmaker() as session:  # start again from none recorded
            await session.execute(text("DELETE FROM anomalies"))
            await session.commit()
        first, second = await asyncio.gather(
            jobs.detect_anomalies(container), jobs.detect_anomalies(container)
        )
        assert first.added + second.added > 0
        assert 0 in (first.added, second.added)
        assert any(a["day"] == SPIKE_DAY.isoformat() for a in await listed(client, world["fin"]))
