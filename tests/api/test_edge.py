"""The HTTP edge: body limits, security headers, the offline API docs, slow work off the event
loop, and integers out of range."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.security.passwords import Argon2PasswordHasher
from api.app import create_app
from domain.identity.roles import Role
from tests.factories import PASSWORD, auth_headers, make_user

MIB = 1024 * 1024
CHUNK = 64 * 1024


class Firehose:
    """A request body of `total` bytes streamed in chunks, counting how much was consumed."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.total:
            self.sent += CHUNK
            yield b"x" * CHUNK


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict = response.json()
    assert body["status"] == status
    return body


class TestBodyLimit:
    async def test_a_declared_oversized_json_body_is_refused_unread(self, client):
        body = Firehose(400 * MIB)
        r = await client.post(
            "/api/v1/users",
            content=body,
            headers={"Content-Length": str(body.total), "Content-Type": "application/json"},
        )
        assert "1 MB" in assert_problem(r, 413)["detail"]
        assert body.sent == 0

    async def test_a_chunked_oversized_body_stops_being_read_at_the_limit(self, client, container):
        headers = await auth_headers(client, container, role=Role.ADMIN)
        body = Firehose(400 * MIB)
        r = await client.post(
            "/api/v1/users", content=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert_problem(r, 413)
        assert "content-length" not in {k.lower() for k in r.request.headers}
        assert body.sent <= MIB + CHUNK

    async def test_the_webhook_refuses_missing_credentials_before_reading(self, client, container):
        container.settings.webhook_secret = "whsec-" + "k" * 32
        body = Firehose(400 * MIB)
        r = await client.post("/api/v1/webhooks/cur", content=body)
        assert_problem(r, 401)
        assert body.sent == 0

    async def test_the_webhook_refuses_a_stale_timestamp_before_reading(self, client, container):
        container.settings.webhook_secret = "whsec-" + "k" * 32
        body = Firehose(400 * MIB)
        r = await client.post(
            "/api/v1/webhooks/cur",
            content=body,
            headers={
                "X-Finops-Timestamp": str(int(time.time()) - 3600),
                "X-Finops-Signature": "sha256=" + "0" * 64,
            },
        )
        assert "older" in assert_problem(r, 401)["detail"]
        assert body.sent == 0

    async def test_uploads_get_the_upload_limit_not_the_json_limit(self, container):
        container.settings.upload_limit_mb = 3
        app = create_app(container=container)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            admin = await auth_headers(http, container, role=Role.ADMIN)
            # 2 MB: over the JSON limit, under the upload limit: read and judged on content.
            rows = "".join(f"user{i}@corp.example,User {i},nosuchrole\n" for i in range(50_000))
            csv = ("email,name,role\n" + rows).encode()[: 2 * MIB]
            r = await http.post(
                "/api/v1/users/import", headers=admin, files={"file": ("u.csv", csv, "text/csv")}
            )
            assert r.status_code == 422, r.text
            r = await http.post(
                "/api/v1/users/import",
                headers=admin,
                files={"file": ("u.csv", b"x" * (4 * MIB), "text/csv")},
            )
            assert "3 MB" in assert_problem(r, 413)["detail"]

    async def test_a_malformed_content_length_is_refused(self, client):
        r = await client.post("/api/v1/users", content=b"{}", headers={"Content-Length": "1e9"})
        assert r.status_code in {400, 413}


class TestSecurityHeaders:
    @pytest.mark.parametrize("path", ["/api/v1/health", "/", "/api/docs", "/api/nope"])
    async def test_every_response_carries_them(self, client, path):
        r = await client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in r.headers

    async def test_hsts_only_over_tls(self, container):
        app = create_app(container=container)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="https://finops.test") as http:
            r = await http.get("/api/v1/health")
        assert r.headers["strict-transport-security"].startswith("max-age=")

    async def test_the_api_docs_are_served_locally_without_inline_script(self, client):
        page = await client.get("/api/docs")
        assert page.status_code == 200
        html = page.text
        assert "http" not in html  # no CDN
        assert "<script>" not in html
        for asset in (
            "/api/docs/assets/swagger-ui-bundle.js",
            "/api/docs/assets/swagger-ui.css",
            "/api/docs/init.js",
        ):
            assert asset in html
            r = await client.get(asset)
            assert r.status_code == 200, asset
            assert len(r.content) > 0
        init = (await client.get("/api/docs/init.js")).text
        assert "/api/openapi.json" in init


class GatedHasher(Argon2PasswordHasher):
    """Cheap Argon2 whose verify waits (in whatever thread runs it) until the test says go."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024)
        self.entered = threading.Event()
        self.go = threading.Event()
        self.released: list[bool] = []  # True: the test let it go; False: the wait timed out

    def verify(self, password_hash: str, password: str) -> bool:
        self.entered.set()
        self.released.append(self.go.wait(timeout=20))
        return super().verify(password_hash, password)


class TestSlowWorkOffTheLoop:
    async def test_health_answers_while_a_password_is_being_verified(self, client, container):
        user = await make_user(container, role=Role.ADMIN)
        gated = GatedHasher()
        container.hasher = gated
        login = asyncio.create_task(
            client.post("/api/v1/auth/token", data={"username": user.email, "password": PASSWORD})
        )
        # If verify ran on the event loop, nothing else could run until the gate times out.
        await asyncio.to_thread(gated.entered.wait, 20)
        health = await client.get("/api/v1/health")
        answered_during_verify = not gated.go.is_set()
        gated.go.set()
        assert health.status_code == 200
        assert answered_during_verify
        assert (await login).status_code == 200
        # On the loop, the gate could only have opened by timing out.
        assert gated.released == [True]

    @pytest.mark.parametrize("step", ["parse_chart_of_accounts", "plan_load"])
    async def test_health_and_log_ins_answer_while_a_large_upload_is_worked_on(
        self, client, container, monkeypatch, step
    ):
        """The chart's parse and plan hold a worker thread, not the event loop: while either
        is held, /health answers and a user logs in. How long the loop still stalls under a
        real 50,000-row upload with twelve log-ins is measured, not asserted:
        `benchmarks/health_under_load.py` prints it."""
        from domain.budgets import service as budgets_service

        finance = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
        user = await make_user(container, role=Role.ADMIN)
        entered, go = threading.Event(), threading.Event()
        released: list[bool] = []  # True: the test let it go; False: the wait timed out
        real = getattr(budgets_service, step)

        def held(*args, **kwargs):
            entered.set()
            released.append(go.wait(timeout=20))
            return real(*args, **kwargs)

        monkeypatch.setattr(budgets_service, step, held)
        header = "Business Unit,Department,Portfolio,Product,Annual Budget,Cost Centre\n"
        rows = "".join(
            f"BU{i % 7},Dept{i % 31},Port{i},Product {i},{1000 + i},CC-{i}\n" for i in range(2_000)
        )
        upload = asyncio.create_task(
            client.post(
                "/api/v1/budget-imports",
                headers=finance,
                files={
                    "file": (
                        "Customer_2025_true_2025-01-01_false_Budget_v1.csv",
                        (header + rows).encode(),
                        "text/csv",
                    )
                },
            )
        )
        await asyncio.to_thread(entered.wait, 20)
        health = await client.get("/api/v1/health")
        login = await client.post(
            "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
        )
        answered_while_held = not go.is_set()
        go.set()
        assert entered.is_set()
        assert health.status_code == 200
        assert login.status_code == 200
        assert answered_while_held
        r = await upload
        assert r.status_code == 201, r.text
        assert r.json()["created"] == 2_000
        # Held on the event loop, the step could only have gone on by timing out.
        assert released == [True]


class TestIntegersOutOfRange:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/budgets/9223372036854775808",
            "/api/v1/budgets/0",
            "/api/v1/users/99999999999999999999999",
            "/api/v1/workloads/9223372036854775808",
            "/api/v1/budgets/9223372036854775808/schedule",
            "/api/v1/budget-imports/9223372036854775808/file",
        ],
    )
    async def test_an_id_past_int64_is_not_found(self, client, container, path):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.get(path, headers=admin)
        assert_problem(r, 404)

    @pytest.mark.parametrize("budget_id", [2**31 - 1, 2**31, 2**63 - 1])
    async def test_ids_at_and_past_the_column_are_simply_missing(
        self, client, container, budget_id
    ):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.get(f"/api/v1/budgets/{budget_id}", headers=admin)
        assert_problem(r, 404)

    @pytest.mark.parametrize(
        ("path", "param"),
        [
            ("/api/v1/users", {"offset": str(10**20)}),
            ("/api/v1/audit", {"offset": str(10**20)}),
            ("/api/v1/audit", {"actor_id": str(2**63)}),
            ("/api/v1/budgets", {"year": str(10**20)}),
            ("/api/v1/workloads", {"budget_id": str(2**31)}),
            ("/api/v1/claims", {"workload_id": str(2**63)}),
            ("/api/v1/hierarchy", {"year": str(10**20)}),
        ],
    )
    async def test_a_query_number_out_of_range_is_422_naming_it(
        self, client, container, path, param
    ):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.get(path, headers=admin, params=param)
        body = assert_problem(r, 422)
        assert [e["field"] for e in body["errors"]] == list(param)

    async def test_a_huge_webhook_timestamp_is_401(self, client, container):
        container.settings.webhook_secret = "whsec-" + "k" * 32
        r = await client.post(
            "/api/v1/webhooks/cur",
            content=b"{}",
            headers={"X-Finops-Timestamp": "9" * 400, "X-Finops-Signature": "sha256=" + "0" * 64},
        )
        assert "Unix seconds" in assert_problem(r, 401)["detail"]
