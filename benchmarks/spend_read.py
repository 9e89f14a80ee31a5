"""A warm `GET /api/v1/spend` with 50,000 claims, in process (httpx ASGITransport).

    python benchmarks/spend_read.py [--requests 200] [--cur-rows 200000] [--postgres]

The organisation is the load benchmark's (benchmarks/organisation.py, shared with load.py):
2,000 product budgets, 300 accounts split onto one or two budgets, 1,000 workloads holding
50,000 claimed resources; the CUR is one generated month. It goes into a temporary SQLite
database (and, with `--postgres`, a PostgreSQL database created on 127.0.0.1:5432 and dropped
at the end) and a temporary data folder; nothing else is touched.

For each database and each caller (a Financial Admin, a Portfolio Owner scoped to one
portfolio) `GET /api/v1/spend?group_by=budget` is warmed once (the first read materializes the
month's allocation) and then timed `--requests` times, one after the other.

Prints the median and p95 per caller; the last line is JSON. Not a test: the figures depend
on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import organisation  # noqa: E402

from adapters.config import Settings  # noqa: E402
from adapters.db.migrate import upgrade  # noqa: E402
from api.app import create_app  # noqa: E402
from api.container import build_container  # noqa: E402

PATH = "/api/v1/spend?group_by=budget"
CALLERS = (("Financial Admin", "fin@load.bench"), ("Portfolio Owner", "portfolio@load.bench"))


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201


def one_month(generate: Any) -> Any:
    """The load benchmark's CUR generator, held to one month."""

    def generate_month(*args: Any, **kwargs: Any) -> Any:
        return generate(*args, **{**kwargs, "months": 1})

    return generate_month


async def timed(settings: Settings, requests: int) -> dict[str, dict[str, float]]:
    container = build_container(settings)
    app = create_app(container=container)
    figures: dict[str, dict[str, float]] = {}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=600
        ) as http:
            for name, email in CALLERS:
                response = await http.post(
                    "/api/v1/auth/token",
                    data={"username": email, "password": organisation.PASSWORD},
                )
                response.raise_for_status()
                headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
                started = time.perf_counter()
                warm = await http.get(PATH, headers=headers)
                warm.raise_for_status()
                warm_ms = (time.perf_counter() - started) * 1000
                times = []
                for _ in range(requests):
                    started = time.perf_counter()
                    answer = await http.get(PATH, headers=headers)
                    times.append((time.perf_counter() - started) * 1000)
                    answer.raise_for_status()
                times.sort()
                figures[name] = {
                    "first_ms": round(warm_ms, 1),
                    "median_ms": round(statistics.median(times), 2),
                    "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
                    "rows": len(warm.json()["rows"]),
                }
                say(
                    f"  {name:16} first {warm_ms:8.1f} ms   median "
                    f"{figures[name]['median_ms']:7.2f} ms   p95 {figures[name]['p95_ms']:7.2f} ms"
                    f"   ({figures[name]['rows']} rows)"
                )
    finally:
        await container.close()
    return figures


def run(database_url: str, work: Path, cur_rows: int, requests: int) -> dict[str, Any]:
    settings = Settings(
        data_dir=work / "data",
        database_url=database_url,
        jwt_secret="spend-read-bench-" + "s" * 32,
        frontend_dir=work / "no-frontend",
        _env_file=None,  # type: ignore[call-arg]
    )
    settings.ensure_data_dir()
    upgrade(settings.resolved_database_url())
    started = time.perf_counter()
    asyncio.run(organisation.seed(settings, cur_rows, say))
    say(f"  seeded in {time.perf_counter() - started:.0f} s; {requests} warm requests each")
    return asyncio.run(timed(settings, requests))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--cur-rows", type=int, default=200_000)
    parser.add_argument("--postgres", action="store_true", help="also on 127.0.0.1:5432")
    args = parser.parse_args()
    organisation.generate_cur = one_month(organisation.generate_cur)  # type: ignore[attr-defined]
    results: dict[str, Any] = {"claims": organisation.CLAIMS, "requests": args.requests}
    with tempfile.TemporaryDirectory(prefix="spend-read-") as tmp:
        say("SQLite")
        work = Path(tmp) / "sqlite"
        results["sqlite"] = run(
            f"sqlite+aiosqlite:///{work / 'data' / 'finops.db'}", work, args.cur_rows, args.requests
        )
        if args.postgres:
            database = f"spend_read_{uuid.uuid4().hex[:8]}"
            asyncio.run(organisation.pg_execute(f'CREATE DATABASE "{database}"'))
            try:
                say("PostgreSQL")
                results["postgres"] = run(
                    organisation.pg_url(database), Path(tmp) / "pg", args.cur_rows, args.requests
                )
            finally:
                asyncio.run(
                    organisation.pg_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                )
    print(json.dumps(results))  # noqa: T201


if __name__ == "__main__":
    main()
