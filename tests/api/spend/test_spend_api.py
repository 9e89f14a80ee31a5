from __future__ import annotations

import json
import time

import duckdb
import pytest

from adapters.cur.generator import generate_cur
from api.webhooks import sign
from domain.identity.roles import Role
from tests.factories import auth_headers

SECRET = "whsec-" + "k" * 32


@pytest.fixture
def cur_dir(settings, tmp_path):
    out = tmp_path / "cur"
    generate_cur(out, rows=6_000, accounts=5, resources=60, months=2, start="2026-09")
    settings.cur_path = str(out)
    settings.webhook_secret = SECRET
    return out


@pytest.fixture
async def finance(client, container):
    return await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)


def expected_totals(cur_dir):
    rows = duckdb.sql(
        "SELECT strftime(bill_billing_period_start_date, '%Y-%m') AS p, count(*) AS n, "
        "sum(line_item_unblended_cost::DECIMAL(20,10)) AS total "
        f"FROM read_parquet('{cur_dir}/**/*.parquet') GROUP BY ALL ORDER BY p"
    ).fetchall()
    return {p: (n, total) for p, n, total in rows}


def signed(body: dict, *, secret=SECRET, at=None):
    raw = json.dumps(body).encode()
    ts = str(int(at if at is not None else time.time()))
    return raw, {
        "X-Finops-Timestamp": ts,
        "X-Finops-Signature": sign(secret, ts, raw),
        "Content-Type": "application/json",
    }


class TestRefreshAndPeriods:
    async def test_refresh_materializes_every_period_with_exact_totals(
        self, client, finance, cur_dir
    ):
        r = await client.post("/api/v1/cur/refresh", headers=finance)
        assert r.status_code == 200, r.text
        periods = (await client.get("/api/v1/billing-periods", headers=finance)).json()
        expected = expected_totals(cur_dir)
        assert [p["period"] for p in periods] == sorted(expected)
        for p in periods:
            rows, total = expected[p["period"]]
            assert p["rows"] == rows
            assert p["total_unblended_cost"] == format(total.normalize(), "f")
        assert [p["finalized"] for p in periods] == [True, False]
        assert periods[0]["invoice_ids"]
        # which spend engine materialized each period (the manifest records it)
        assert {p["engine"] for p in periods} == {"duckdb"}
        health = (await client.get("/api/v1/health")).json()
        assert (health["refresh_engine"], health["allocation_engine"]) == ("duckdb", "duckdb")

    async def test_owners_cannot_see_company_totals(self, client, container, cur_dir):
        owner = await auth_headers(client, container, role=Role.PORTFOLIO_OWNER)
        assert cur_dir.exists()
        assert (await client.get("/api/v1/billing-periods", headers=owner)).status_code == 403
        assert (await client.post("/api/v1/cur/refresh", headers=owner)).status_code == 403

    async def test_a_corrupt_file_is_422_naming_it_and_nothing_changes(
        self, client, finance, cur_dir
    ):
        await client.post("/api/v1/cur/refresh", headers=finance)
        before = (await client.get("/api/v1/billing-periods", headers=finance)).json()
        bad = cur_dir / "data" / "BILLING_PERIOD=2026-09" / "zz-broken.parquet"
        bad.write_bytes(b"PAR1 this is not parquet")
        r = await client.post("/api/v1/cur/refresh", headers=finance)
        assert r.status_code == 422
        assert "zz-broken.parquet" in r.text
        assert (await client.get("/api/v1/billing-periods", headers=finance)).json() == before


class TestWebhook:
    async def test_a_signed_delivery_refreshes_in_the_background(
        self, client, container, finance, cur_dir
    ):
        raw, headers = signed({"event_id": "evt-1", "billing_period": "2026-09"})
        r = await client.post("/api/v1/webhooks/cur", content=raw, headers=headers)
        assert r.status_code == 202, r.text
        assert r.json() == {"status": "accepted", "event_id": "evt-1"}
        await container.idle()
        periods = (await client.get("/api/v1/billing-periods", headers=finance)).json()
        assert [p["period"] for p in periods] == ["2026-09"]
        events = (await client.get("/api/v1/cur/events", headers=finance)).json()
        assert (events[0]["event_id"], events[0]["status"]) == ("evt-1", "done")
        assert cur_dir.exists()

    async def test_a_redelivery_does_nothing_twice(self, client, container, finance, cur_dir):
        raw, headers = signed({"event_id": "evt-2"})
        assert (
            await client.post("/api/v1/webhooks/cur", content=raw, headers=headers)
        ).status_code == 202
        await container.idle()
        again = await client.post("/api/v1/webhooks/cur", content=raw, headers=headers)
        assert again.status_code == 202
        assert again.json()["status"] == "duplicate"
        assert not container.background
        events = (await client.get("/api/v1/cur/events", headers=finance)).json()
        assert [e["event_id"] for e in events] == ["evt-2"]
        assert cur_dir.exists()

    @pytest.mark.parametrize(
        "tamper", ["signature", "secret", "stale", "future", "missing", "body"]
    )
    async def test_bad_signatures_are_401_and_record_nothing(
        self, client, finance, cur_dir, tamper
    ):
        body = {"event_id": f"evt-{tamper}"}
        raw, headers = signed(
            body,
            secret="other-secret" if tamper == "secret" else SECRET,
            at=time.time() - 400
            if tamper == "stale"
            else time.time() + 400
            if tamper == "future"
            else None,
        )
        if tamper == "signature":
            headers["X-Finops-Signature"] = "sha256=" + "0" * 64
        if tamper == "missing":
            del headers["X-Finops-Signature"]
        if tamper == "body":
            raw = raw.replace(b"evt", b"EVT")
        r = await client.post("/api/v1/webhooks/cur", content=raw, headers=headers)
        assert r.status_code == 401
        assert (await client.get("/api/v1/cur/events", headers=finance)).json() == []
        assert cur_dir.exists()

    @pytest.mark.parametrize(
        "raw",
        [
            b"not json",
            b"{}",
            b'{"event_id": ""}',
            b'{"event_id": "e", "billing_period": "2026-13"}',
        ],
    )
    async def test_malformed_bodies_are_422(self, client, finance, cur_dir, raw):
        ts = str(int(time.time()))
        headers = {"X-Finops-Timestamp": ts, "X-Finops-Signature": sign(SECRET, ts, raw)}
        r = await client.post("/api/v1/webhooks/cur", content=raw, headers=headers)
        assert r.status_code == 422
        assert (await client.get("/api/v1/cur/events", headers=finance)).json() == []
        assert cur_dir.exists()


class TestResources:
    async def test_search_filter_and_paginate(self, client, finance, cur_dir):
        await client.post("/api/v1/cur/refresh", headers=finance)
        seen, cursor = [], None
        while True:
            params = {"limit": 7, "period": "2026-09", **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/api/v1/resources", headers=finance, params=params)).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        ids = [(r["resource_id"], r["account_id"]) for r in seen]
        assert len(ids) == len(set(ids)) > 7
        expected = duckdb.sql(
            "SELECT count(DISTINCT (line_item_resource_id, line_item_usage_account_id)) "
            f"FROM read_parquet('{cur_dir}/**/*.parquet') WHERE line_item_resource_id <> '' "
            "AND strftime(bill_billing_period_start_date, '%Y-%m') = '2026-09'"
        ).fetchall()[0][0]
        assert len(ids) == expected
        service = seen[0]["service"]
        filtered = (
            await client.get(
                "/api/v1/resources", headers=finance, params={"service": service, "limit": 500}
            )
        ).json()
        assert filtered["items"]
        assert {r["service"] for r in filtered["items"]} == {service}

    async def test_owners_see_no_resources_until_an_account_reaches_their_scope(
        self, client, container, finance, cur_dir
    ):
        await client.post("/api/v1/cur/refresh", headers=finance)
        owner = await auth_headers(client, container, role=Role.PRODUCT_OWNER)
        page = (await client.get("/api/v1/resources", headers=owner)).json()
        assert page == {
            "items": [],
            "next_cursor": None,
            "total": 0,
            "offset": 0,
            "period": "2026-09",
        }
        assert cur_dir.exists()


class TestDiscoverFromCur:
    async def test_accounts_appear_when_they_show_in_the_cur(self, client, finance, cur_dir):
        await client.post("/api/v1/cur/refresh", headers=finance)
        r = (await client.post("/api/v1/accounts/discover", headers=finance)).json()
        assert r["sources"]["organizations"] == "not configured"
        expected = duckdb.sql(
            "SELECT count(DISTINCT line_item_usage_account_id) FROM "
            f"read_parquet('{cur_dir}/**/*.parquet')"
        ).fetchall()[0][0]
        assert len(r["created"]) == expected
        accounts = (await client.get("/api/v1/accounts", headers=finance)).json()
        assert {a["source"] for a in accounts} == {"cur"}
        assert all(len(a["account_id"]) == 12 for a in accounts)
