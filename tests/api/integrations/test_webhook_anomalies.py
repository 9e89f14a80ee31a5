"""`anomaly.detected`: anomaly detection (after a CUR refresh) tells the outbound webhook
subscribers of each new anomaly once, signed like every delivery."""

from __future__ import annotations

import json
from decimal import Decimal

from adapters.security.signing import verify
from tests.api.forecasts.conftest import SPIKE_DAY, world  # noqa: F401 (fixture)
from tests.api.forecasts.test_anomalies_api import listed, refresh
from tests.api.integrations.test_webhooks import SECRET, deliveries, subscribe


class TestAnomalyDetected:
    async def test_each_new_anomaly_is_posted_once_with_its_figures(
        self,
        client,
        container,
        world,  # noqa: F811
        receiver,
    ):
        r = await client.get("/api/v1/webhook-events", headers=world["admin"])
        assert "anomaly.detected" in {e["type"] for e in r.json()}
        sub = await subscribe(
            client, world["admin"], receiver.url, events=("anomaly.detected",), secret=SECRET
        )
        await refresh(client, container, world)
        anomalies = await listed(client, world["fin"])
        assert [a for a in anomalies if a["day"] == SPIKE_DAY.isoformat()], anomalies
        assert len(receiver.received) == len(anomalies)
        posted = {}
        for got in receiver.received:
            # signed at the pinned clock's time (26 November 2026)
            stamp = got.headers["X-Finops-Timestamp"]
            assert int(stamp) == int(container.clock.now().timestamp())
            verify(SECRET, stamp, got.headers["X-Finops-Signature"], got.body, now=int(stamp))
            payload = json.loads(got.body)
            assert payload["type"] == got.headers["X-Finops-Event"] == "anomaly.detected"
            assert payload["actor"]["id"] is None
            posted[payload["object"]["id"]] = payload
        for a in anomalies:
            payload = posted[f"{a['budget_id']}:{a['day']}:{a['service']}"]
            assert payload["object"]["type"] == "anomaly"
            data = payload["data"]
            assert (data["budget_id"], data["budget_name"], data["day"], data["service"]) == (
                a["budget_id"],
                a["name"],
                a["day"],
                a["service"],
            )
            assert Decimal(data["amount"]) == Decimal(a["service_amount"])
            assert Decimal(data["expected"]) == Decimal(a["service_median"])
            assert Decimal(data["budget_total"]) == Decimal(a["total"])
            assert [r["resource_id"] for r in data["resources"]] == [
                r["resource_id"] for r in a["resources"]
            ]
        assert all(
            d["status"] == "delivered" for d in await deliveries(client, world["admin"], sub["id"])
        )

        # detected again by the next refresh: the same anomalies, nothing sent again
        await refresh(client, container, world)
        assert await listed(client, world["fin"]) == anomalies
        assert len(receiver.received) == len(anomalies)
        assert len(await deliveries(client, world["admin"], sub["id"])) == len(anomalies)

    async def test_subscribers_of_other_events_get_no_anomaly(
        self,
        client,
        container,
        world,  # noqa: F811
        receiver,
    ):
        await subscribe(client, world["admin"], receiver.url, events=("schedule.submitted",))
        await refresh(client, container, world)
        assert await listed(client, world["fin"])
        assert receiver.received == []
