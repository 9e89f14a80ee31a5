"""The refresh button's status endpoint: where a refresh stands, then its outcome (who, when,
periods, rows, duration), kept as the last refresh."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.cur.generator import generate_cur
from adapters.cur.refresh_board import FileRefreshBoard
from domain.identity.roles import Role
from tests.factories import auth_headers


@pytest.fixture
def cur_dir(settings, tmp_path):
    out = tmp_path / "cur"
    generate_cur(out, rows=3_000, accounts=3, resources=30, months=2, start="2026-09")
    settings.cur_path = str(out)
    return out


@pytest.fixture
async def finance(client, container):
    return await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)


class TestRefreshStatus:
    async def test_nothing_before_the_first_refresh(self, client, finance):
        r = await client.get("/api/v1/cur/refresh/status", headers=finance)
        assert r.status_code == 204

    @pytest.mark.usefixtures("cur_dir")
    async def test_the_outcome_with_who_rows_and_duration(self, client, finance):
        refreshed = (await client.post("/api/v1/cur/refresh", headers=finance)).json()
        status = (await client.get("/api/v1/cur/refresh/status", headers=finance)).json()
        assert status["state"] == "done"
        assert status["periods"] == ["2026-09", "2026-10"]
        assert (status["periods_done"], status["periods_total"]) == (2, 2)
        assert status["rows_read"] == sum(p["rows"] for p in refreshed["periods"]) == 3_000
        assert status["duration_seconds"] is not None
        assert status["duration_seconds"] >= 0
        me = (await client.get("/api/v1/me", headers=finance)).json()
        assert status["by"] == me["name"]
        event = (await client.get("/api/v1/cur/events", headers=finance)).json()[0]
        assert event["payload"]["by"] == me["name"]
        assert event["payload"]["rows"] == 3_000
        assert event["payload"]["periods"] == ["2026-09", "2026-10"]

    async def test_a_refused_refresh_is_failed_with_the_reason(
        self, client, finance, settings, tmp_path
    ):
        broken = tmp_path / "broken"
        broken.mkdir()
        (broken / "part-0.parquet").write_bytes(b"not parquet")
        settings.cur_path = str(broken)
        r = await client.post("/api/v1/cur/refresh", headers=finance)
        assert r.status_code == 422
        status = (await client.get("/api/v1/cur/refresh/status", headers=finance)).json()
        assert status["state"] == "failed"
        assert "part-0.parquet" in status["message"]

    async def test_owners_may_not_read_it(self, client, container):
        owner = await auth_headers(client, container, role=Role.PRODUCT_OWNER)
        r = await client.get("/api/v1/cur/refresh/status", headers=owner)
        assert r.status_code == 403


class TestBoard:
    def test_a_running_refresh_is_readable_step_by_step(self, tmp_path):
        path = tmp_path / "status.json"
        board = FileRefreshBoard(path)
        at = datetime(2026, 12, 2, 9, tzinfo=UTC)
        board.start(by="Frank Finance", source="/cur", at=at)
        reader = FileRefreshBoard(path)  # another server process
        assert reader.read().state == "running"
        board.report("aggregate", 3, 12)
        board.report("rows", 1_234_567, 0)
        board.report("accounts", 2, 9)
        seen = reader.read()
        assert (seen.stage, seen.done, seen.total) == ("accounts", 3, 12)
        assert (seen.periods_done, seen.periods_total, seen.rows_read) == (2, 9, 1_234_567)
        done = board.finish(
            at=datetime(2026, 12, 2, 9, 0, 7, tzinfo=UTC),
            failed=False,
            periods=["2026-11"],
            message="1 period(s)",
        )
        assert done == reader.read()
        assert (done.state, done.duration_seconds, done.rows_read) == ("done", 7.0, 1_234_567)

    def test_an_unreadable_board_is_no_status(self, tmp_path):
        path = tmp_path / "status.json"
        path.write_text("{not json")
        assert FileRefreshBoard(path).read() is None
