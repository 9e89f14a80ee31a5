"""docs/api.md's Python examples, run in order against a live server (uvicorn on loopback)."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from adapters.config import Settings
from adapters.cur.generator import generate_cur
from adapters.security.signing import sign
from api.app import create_app
from domain.identity.roles import Role
from tests.factories import auth_headers

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def cur_dir(settings: Settings, tmp_path: Path) -> Path:
    out = tmp_path / "cur"
    generate_cur(out, rows=2_000, accounts=3, resources=30, months=1, start="2026-01")
    settings.cur_path = str(out)
    return out


async def test_the_documented_examples_run(client, container, cur_dir, live_url, monkeypatch):
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    assert any(cur_dir.rglob("*.parquet"))  # read by the refresh below
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    account = (
        await client.post(
            "/api/v1/service-accounts",
            headers=admin,
            json={"name": "Docs", "role": "financial_admin"},
        )
    ).json()
    token = (
        await client.post(
            f"/api/v1/service-accounts/{account['id']}/tokens", headers=admin, json={"name": "d"}
        )
    ).json()["token"]
    monkeypatch.setenv("FINOPS_URL", live_url)
    monkeypatch.setenv("FINOPS_TOKEN", token)
    blocks = python_blocks()
    assert len(blocks) == 5
    namespace: dict[str, object] = {}

    def run_all() -> None:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 (our own docs)

    await asyncio.to_thread(run_all)
    assert namespace["me"]["name"] == "Docs"  # type: ignore[index]
    assert "amount" in namespace["header"]  # type: ignore[operator]
    assert namespace["spend"]["rows"]  # type: ignore[index]

    verified = namespace["verified"]
    body = b'{"type":"close.closed"}'
    now = str(int(time.time()))
    good = {"X-Finops-Timestamp": now, "X-Finops-Signature": sign("k" * 32, now, body)}
    assert verified("k" * 32, good, body)  # type: ignore[operator]
    assert not verified("k" * 32, good, body + b" ")  # type: ignore[operator]
    assert not verified("x" * 32, good, body)  # type: ignore[operator]
    old = str(int(time.time()) - 301)
    stale = {"X-Finops-Timestamp": old, "X-Finops-Signature": sign("k" * 32, old, body)}
    assert not verified("k" * 32, stale, body)  # type: ignore[operator]
