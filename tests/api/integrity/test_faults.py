"""Faults: DuckDB over its memory limit or its timeout, a CUR refresh killed midway, a store
folder that cannot be written, the database's connections killed under running requests."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from adapters import duck
from adapters.cur.generator import generate_cur
from domain.identity.roles import Role
from tests.api.integrity.test_audit_chain import _verify
from tests.conftest import PG_ADMIN_URL
from tests.factories import auth_headers, unique_email

FINOPS = Path(sys.executable).parent / "finops"


@pytest.fixture
def cur_dir(settings, tmp_path):
    out = tmp_path / "cur"
    generate_cur(out, rows=6_000, accounts=5, resources=60, months=2, start="2026-09")
    settings.cur_path = str(out)
    return out


@pytest.fixture
def tiny_memory(settings):
    settings.duckdb_memory_limit = "1MB"
    yield
    duck.configure(duck.DuckDBLimits())  # the limits are process-wide: later tests get defaults


@pytest.fixture
def instant_timeout(settings, monkeypatch):
    settings.duckdb_timeout_seconds = 0.001
    # an interrupt stops only the statement running at that moment, and the watchdog repeats
    # it every AGAIN seconds: at 50 ms a short refresh on a loaded machine could run all its
    # statements between two interrupts (seen once in CI) and finish; at 1 ms none escapes
    monkeypatch.setattr(duck, "AGAIN", 0.001)
    yield
    duck.configure(duck.DuckDBLimits())


async def _periods(client, headers):
    r = await client.get("/api/v1/billing-periods", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


class TestDuckDBLimits:
    @pytest.mark.usefixtures("tiny_memory", "cur_dir")
    async def test_over_the_memory_limit_is_a_clear_503_and_the_service_stays_up(
        self, client, container
    ):
        fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
        r = await client.post("/api/v1/cur/refresh", headers=fin)
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert "FINOPS_DUCKDB_MEMORY_LIMIT" in r.json()["detail"]
        assert (await client.get("/api/v1/health")).status_code == 200
        assert await _periods(client, fin) == []

    @pytest.mark.usefixtures("instant_timeout", "cur_dir")
    async def test_over_the_timeout_is_a_clear_503_and_the_next_refresh_completes(
        self, client, container
    ):
        fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
        r = await client.post("/api/v1/cur/refresh", headers=fin)
        assert r.status_code == 503, r.text
        assert "FINOPS_DUCKDB_TIMEOUT_SECONDS" in r.json()["detail"]
        assert await _periods(client, fin) == []
        duck.configure(duck.DuckDBLimits(timeout_seconds=600))
        r = await client.post("/api/v1/cur/refresh", headers=fin)
        assert r.status_code == 200, r.text
        assert [p["period"] for p in await _periods(client, fin)] == ["2026-09", "2026-10"]


class TestStoreFolder:
    @pytest.mark.usefixtures("cur_dir")
    async def test_an_unwritable_store_is_a_clear_503_and_corrupts_nothing(
        self, client, container, settings
    ):
        fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
        assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
        before = await _periods(client, fin)
        # the staging folder cannot be made (a file is in its way; root ignores permissions)
        blocker = settings.data_dir / "cur-store" / ".staging"
        shutil.rmtree(blocker, ignore_errors=True)
        blocker.write_text("in the way")
        r = await client.post("/api/v1/cur/refresh", headers=fin)
        assert r.status_code == 503, r.text
        assert "cannot be written" in r.json()["detail"]
        assert await _periods(client, fin) == before
        blocker.unlink()
        assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200


def _run(settings, *args, **kwargs):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINOPS_")}
    env.update(
        FINOPS_DATA_DIR=str(settings.data_dir),
        FINOPS_DATABASE_URL=settings.database_url,
        FINOPS_JWT_SECRET=settings.jwt_secret,
        FINOPS_CUR_PATH=settings.cur_path,
    )
    return subprocess.Popen(
        [str(FINOPS), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
    )


class TestRefreshKilledMidway:
    def test_the_previous_materialization_serves_and_the_next_refresh_completes(
        self, settings, tmp_path
    ):
        if not settings.database_url.startswith("sqlite"):
            pytest.skip("the spend store is the same on both databases")
        first = tmp_path / "cur"
        generate_cur(first, rows=2_000, accounts=3, resources=20, months=1, start="2026-09")
        settings.cur_path = str(first)
        assert _run(settings, "cur", "refresh").wait(120) == 0
        manifest = settings.data_dir / "cur-store" / "manifest.json"
        served = manifest.read_bytes()
        bigger = tmp_path / "cur-big"
        generate_cur(bigger, rows=300_000, accounts=8, resources=400, months=2, start="2026-09")
        settings.cur_path = str(bigger)
        staging = settings.data_dir / "cur-store" / ".staging"
        process = _run(settings, "cur", "refresh", start_new_session=True)
        deadline = time.monotonic() + 60
        while not (staging.is_dir() and any(staging.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.01)
        if process.poll() is not None:
            pytest.skip("the refresh finished before it could be killed")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        if manifest.read_bytes() != served:
            # killed just after its atomic swap: then the new manifest must be whole
            swapped = json.loads(manifest.read_bytes())
            for entry in swapped["periods"].values():
                assert (settings.data_dir / "cur-store" / entry["folder"]).is_dir()
            pytest.skip("the refresh swapped its manifest before it could be killed")
        done = _run(settings, "cur", "refresh")
        out, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
        assert manifest.read_bytes() != served
        assert not any(staging.iterdir()) if staging.exists() else True


class TestDatabaseConnectionsKilled:
    async def test_the_service_recovers_without_a_restart_and_writes_nothing_half(
        self, client, container, settings
    ):
        if not settings.database_url.startswith("postgresql"):
            pytest.skip("terminating server backends is a PostgreSQL test")
        database = settings.database_url.rsplit("/", 1)[1]
        admin = await auth_headers(client, container)

        async def create() -> int:
            r = await client.post(
                "/api/v1/users",
                headers=admin,
                json={"email": unique_email(), "name": "During", "role": "cloud_engineer"},
            )
            return r.status_code

        async def terminate() -> None:
            conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
            try:
                await conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = $1 AND pid <> pg_backend_pid()",
                    database,
                )
            finally:
                await conn.close()

        statuses: list[int] = []
        for _ in range(3):
            batch = [asyncio.create_task(create()) for _ in range(8)]
            await asyncio.sleep(0.01)
            await terminate()
            statuses += await asyncio.gather(*batch)
        assert set(statuses) <= {201, 503}, statuses
        # recovered: the next requests are served by fresh connections
        assert [await create() for _ in range(3)] == [201] * 3
        users = (await client.get("/api/v1/users", headers=admin, params={"limit": 500})).json()[
            "items"
        ]
        created = [u for u in users if u["name"] == "During"]
        audit = (
            await client.get(
                "/api/v1/audit", headers=admin, params={"action": "user.create", "limit": 500}
            )
        ).json()["items"]
        created_ids = {a["entity_id"] for a in audit}
        # every user the service kept has its audit row: no transaction was half written
        assert {str(u["id"]) for u in created} <= created_ids
        assert len(created) == statuses.count(201) + 3
        result = await _verify(settings)
        assert result.returncode == 0, result.stderr
