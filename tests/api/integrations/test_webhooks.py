from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from adapters.clock import FixedClock, utc_now
from adapters.db.models import WebhookDeliveryRow
from adapters.db.uow import UnitOfWork
from adapters.security.signing import verify
from domain.audit import Actor, AuditEntry
from domain.identity.roles import Role
from tests.api.schedules.test_schedules import act, months, org, put  # noqa: F401 (fixture)
from tests.factories import auth_headers

SECRET = "s" * 40


async def subscribe(client, admin, url, events=("schedule.submitted",), **extra):
    r = await client.post(
        "/api/v1/webhook-subscriptions",
        headers=admin,
        json={"url": url, "events": list(events), **extra},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def submit(client, org):  # noqa: F811
    po, budget = org["po"], org["budget"]
    assert (await put(client, po, budget, {"months": months(), "version": 0})).status_code == 200
    r = await act(client, po, budget, "submit", 1)
    assert r.status_code == 200, r.text


async def deliveries(client, admin, sub_id, **params):
    r = await client.get(
        f"/api/v1/webhook-subscriptions/{sub_id}/deliveries", headers=admin, params=params
    )
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def outbox_rows(container) -> int:
    async with container.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(WebhookDeliveryRow)))


class TestDelivery:
    async def test_a_submitted_schedule_is_posted_signed_after_commit(
        self,
        client,
        container,
        org,  # noqa: F811
        receiver,
    ):
        sub = await subscribe(client, org["admin"], receiver.url, secret=SECRET)
        assert sub["secret"] == SECRET
        await submit(client, org)
        await container.idle()
        assert len(receiver.received) == 1
        got = receiver.received[0]
        # verified exactly as the inbound CUR webhook verifies: HMAC-SHA256 over timestamp.body
        verify(
            SECRET, got.headers["X-Finops-Timestamp"], got.headers["X-Finops-Signature"], got.body
        )
        payload = json.loads(got.body)
        assert payload["type"] == got.headers["X-Finops-Event"] == "schedule.submitted"
        assert payload["object"] == {"type": "schedule", "id": str(org["budget"])}
        assert payload["data"]["after"]["status"] == "pending"
        [d] = await deliveries(client, org["admin"], sub["id"])
        assert (d["status"], d["attempts"], d["last_status_code"]) == ("delivered", 1, 200)

    async def test_a_refused_request_sends_nothing(self, client, container, org, receiver):  # noqa: F811
        await subscribe(client, org["admin"], receiver.url)
        po, budget = org["po"], org["budget"]
        assert (
            await put(client, po, budget, {"months": months(), "version": 0})
        ).status_code == 200
        stale = await act(client, po, budget, "submit", 7)
        assert stale.status_code == 409
        await container.idle()
        assert receiver.received == []
        assert await outbox_rows(container) == 0

    async def test_events_not_subscribed_and_paused_subscriptions_get_nothing(
        self,
        client,
        container,
        org,  # noqa: F811
        receiver,
    ):
        await subscribe(client, org["admin"], receiver.url, events=["close.closed"])
        paused = await subscribe(client, org["admin"], receiver.url)
        r = await client.patch(
            f"/api/v1/webhook-subscriptions/{paused['id']}",
            headers=org["admin"],
            json={"is_active": False},
        )
        assert r.json()["is_active"] is False
        await submit(client, org)
        await container.idle()
        assert receiver.received == []

    async def test_a_slow_receiver_does_not_slow_the_request(
        self,
        client,
        container,
        org,  # noqa: F811
        receiver,
    ):
        receiver.delay = 5.0
        await subscribe(client, org["admin"], receiver.url)
        po, budget = org["po"], org["budget"]
        assert (
            await put(client, po, budget, {"months": months(), "version": 0})
        ).status_code == 200
        started = time.monotonic()
        r = await act(client, po, budget, "submit", 1)
        answered = time.monotonic() - started
        assert r.status_code == 200
        # the delivery runs in the background: the answer did not wait for the receiver
        assert answered < receiver.delay
        await container.idle()
        assert len(receiver.received) == 1


class TestRetries:
    async def test_failures_back_off_doubling_then_deliver(
        self,
        client,
        container,
        org,  # noqa: F811
        receiver,
    ):
        clock = FixedClock(utc_now())
        container.clock = clock
        receiver.statuses = [500, 503, 200]
        sub = await subscribe(client, org["admin"], receiver.url)
        await submit(client, org)
        await container.idle()
        [d] = await deliveries(client, org["admin"], sub["id"])
        assert (d["status"], d["attempts"], d["last_status_code"]) == ("pending", 1, 500)
        assert d["last_error"] == "answered 500"
        first_wait = _at(d["next_attempt_at"]) - clock.at
        assert first_wait == timedelta(seconds=30)

        # not due yet: nothing is sent
        clock.at += timedelta(seconds=29)
        assert await container.webhooks.run_due() == 0
        clock.at += timedelta(seconds=1)
        assert await container.webhooks.run_due() == 1
        [d] = await deliveries(client, org["admin"], sub["id"])
        assert (d["attempts"], d["last_status_code"]) == (2, 503)
        assert _at(d["next_attempt_at"]) - clock.at == timedelta(seconds=60)

        clock.at += timedelta(seconds=60)
        assert await container.webhooks.run_due() == 1
        [d] = await deliveries(client, org["admin"], sub["id"])
        assert (d["status"], d["attempts"], d["last_error"]) == ("delivered", 3, None)
        assert len(receiver.received) == 3
        # the same event each time (the receiver de-duplicates on its id)
        assert len({json.loads(r.body)["id"] for r in receiver.received}) == 1

    async def test_twelve_failures_make_it_dead_and_redelivery_sends_it_again(
        self,
        client,
        container,
        org,  # noqa: F811
        receiver,
    ):
        clock = FixedClock(utc_now())
        container.clock = clock
        receiver.statuses = [500]
        sub = await subscribe(client, org["admin"], receiver.url)
        await submit(client, org)
        await container.idle()
        waits = []
        for _ in range(11):
            [d] = await deliveries(client, org["admin"], sub["id"])
            wait = _at(d["next_attempt_at"]) - clock.at
            waits.append(int(wait.total_seconds()))
            clock.at += wait
            assert await container.webhooks.run_due() == 1
        assert waits == [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600]
        [d] = await deliveries(client, org["admin"], sub["id"], status="dead")
        assert (d["attempts"], d["next_attempt_at"]) == (12, None)
        clock.at += timedelta(days=1)
        assert await container.webhooks.run_due() == 0

        receiver.statuses = [200]
        r = await client.post(
            f"/api/v1/webhook-subscriptions/{sub['id']}/deliveries/{d['id']}/redeliver",
            headers=org["admin"],
        )
        assert r.status_code == 200, r.text
        await container.idle()
        [d] = await deliveries(client, org["admin"], sub["id"])
        assert (d["status"], d["attempts"]) == ("delivered", 1)
        assert len(receiver.received) == 13

    async def test_a_leased_delivery_is_not_sent_twice(
        self,
        client,
        container,
        org,  # noqa: F811
        receiver,
    ):
        clock = FixedClock(utc_now())
        container.clock = clock
        receiver.statuses = [500]
        await subscribe(client, org["admin"], receiver.url)
        await submit(client, org)
        await container.idle()
        clock.at += timedelta(seconds=30)
        receiver.delay = 0.5
        sent = await asyncio.gather(container.webhooks.run_due(), container.webhooks.run_due())
        assert sorted(sent) == [0, 1]
        assert len(receiver.received) == 2


class TestTheOutbox:
    async def test_a_rolled_back_unit_of_work_queues_nothing(self, client, container, receiver):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        await subscribe(client, admin, receiver.url)
        entry = AuditEntry(Actor.system("test"), "schedule.submit", "schedule", "1")
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session, dispatch=container.dispatch)
            await uow.audit.record(entry)
            await uow.rollback()
        assert await outbox_rows(container) == 0
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session, dispatch=container.dispatch)
            await uow.audit.record(entry)
            await uow.commit()
        await container.idle()
        assert await outbox_rows(container) == 1
        assert len(receiver.received) == 1


class TestServerSideRequestForgery:
    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("http://hooks.example.com/x", "https"),
            ("https://127.0.0.1/x", "loopback"),
            ("https://10.1.2.3/x", "private"),
            ("https://169.254.169.254/latest/meta-data", "link-local"),
            ("https://[::1]/x", "loopback"),
            ("https://[::ffff:192.168.0.1]/x", "private"),
            ("https://user:pw@203.0.113.9/x", "credentials"),
            ("ftp://203.0.113.9/x", "https"),
        ],
    )
    async def test_private_destinations_are_refused_at_subscribe(
        self, client, container, url, reason
    ):
        container.settings = container.settings.model_copy(update={"webhook_allow_private": False})
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.post(
            "/api/v1/webhook-subscriptions",
            headers=admin,
            json={"url": url, "events": ["schedule.submitted"]},
        )
        assert r.status_code == 422, r.text
        error = r.json()["errors"][0]
        assert error["field"] == "url"
        assert reason in error["message"]
        assert (await client.get("/api/v1/webhook-subscriptions", headers=admin)).json() == []

    async def test_a_destination_that_turned_private_is_refused_at_send(
        self,
        client,
        container,
        org,  # noqa: F811
        receiver,
    ):
        sub = await subscribe(client, org["admin"], receiver.url)
        container.settings = container.settings.model_copy(update={"webhook_allow_private": False})
        await submit(client, org)
        await container.idle()
        assert receiver.received == []
        [d] = await deliveries(client, org["admin"], sub["id"])
        assert d["status"] == "pending"
        assert "loopback" in d["last_error"]

    async def test_unknown_events_and_short_secrets_name_the_field(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.post(
            "/api/v1/webhook-subscriptions",
            headers=admin,
            json={"url": "http://127.0.0.1:9/x", "events": ["schedule.exploded"]},
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "events"
        r = await client.post(
            "/api/v1/webhook-subscriptions",
            headers=admin,
            json={"url": "http://127.0.0.1:9/x", "events": ["close.closed"], "secret": "short"},
        )
        assert r.status_code == 422
        assert "secret" in r.text

    async def test_only_admins_subscribe(self, client, container):
        fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
        r = await client.post(
            "/api/v1/webhook-subscriptions",
            headers=fin,
            json={"url": "http://127.0.0.1:9/x", "events": ["close.closed"]},
        )
        assert r.status_code == 403


def _at(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)
