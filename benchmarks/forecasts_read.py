"""Forecast and anomaly endpoints at 2,000 budgets, in process (httpx ASGITransport).

    python benchmarks/forecasts_read.py [--requests 20] [--cur-rows 300000] [--months 6]
                                        [--postgres]

The organisation is the load benchmark's (benchmarks/organisation.py): 2,000 product budgets,
300 accounts split onto one or two budgets, 1,000 workloads with 50,000 claims; the CUR is
`--months` generated months of 2026. In a temporary SQLite database (and, with `--postgres`,
a PostgreSQL database created on 127.0.0.1:5432 and dropped at the end) and a temporary data
folder. Anomaly detection (the job a CUR refresh runs) is timed once, then each endpoint is
warmed once and timed `--requests` times for a Financial Admin (every budget) and a Portfolio
Owner (one portfolio):

    GET /api/v1/dashboard/forecasts?year=2026
    GET /api/v1/dashboard/budgets/{id}/cumulative?year=2026
    GET /api/v1/anomalies

Prints the median and p95 per endpoint and caller (target < 100 ms); the last line is JSON.
Not a test: the figures depend on the machine.
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
from api import jobs  # noqa: E402
from api.app import create_app  # noqa: E402
from api.container import build_container  # noqa: E402

CALLERS = (("Financial Admin", "fin@load.bench"), ("Portfolio Owner", "portfolio@load.bench"))


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201


def held_to(months: int, generate: Any) -> Any:
    def generate_months(*args: Any, **kwargs: Any) -> Any:
        return generate(*args, **{**kwargs, "months": months})

    return generate_months


async def timed(settings: Settings, requests: int) -> dict[str, Any]:
    container = build_container(settings)
    app = create_app(container=container)
    figures: dict[str, Any] = {}
    try:
        started = time.perf_counter()
        result = await jobs.detect_anomalies(container)
        figures["detection_s"] = round(time.perf_counter() - started, 2)
        figures["anomalies_added"] = result.added
        say(f"  anomaly detection {figures['detection_s']} s ({result.added} anomalies)")
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
                listed = await http.get(
                    "/api/v1/dashboard/forecasts", headers=headers, params={"year": 2026}
                )
                listed.raise_for_status()
                one = listed.json()["items"][0]["budget_id"]
                paths = (
                    ("forecasts", "/api/v1/dashboard/forecasts?year=2026"),
                    ("cumulative", f"/api/v1/dashboard/budgets/{one}/cumulative?year=2026"),
                    ("anomalies", "/api/v1/anomalies"),
                )
                for label, path in paths:
                    started = time.perf_counter()
                    warm = await http.get(path, headers=headers)
                    warm.raise_for_status()
                    warm_ms = (time.perf_counter() - started) * 1000
                    times = []
                    for _ in range(requests):
                        started = time.perf_counter()
                        answer = await http.get(path, headers=headers)
                        times.append((time.perf_counter() - started) * 1000)
                        answer.raise_for_status()
                    times.sort()
                    key = f"{label} / {name}"
                    figures[key] = {
                        "first_ms": round(warm_ms, 1),
                        "median_ms": round(statistics.median(times), 2),
                        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
                    }
                    got = figures[key]
                    say(
                        f"  {key:30} first {warm_ms:8.1f} ms   median "
                        f"{got['median_ms']:7.2f} ms   p95 {got['p95_ms']:7.2f} ms"
                    )
    finally:
        await container.close()
    return figures


def run(database_url: str, work: Path, cur_rows: int, requests: int) -> dict[str, Any]:
    settings = Settings(
        data_dir=work / "data",
        database_url=database_url,
        jwt_secret="forecasts-bench-" + "s" * 32,
        frontend_dir=work / "no-frontend",
        _env_file=None,  # type: ignore[call-arg]
    )
    settings.ensure_data_dir()
    upgrade(settings.resolved_database_url())
    started = time.perf_counter()
    asyncio.run(organisation.seed(settings, cur_rows, say))
    say(f"  seeded in {time.perf_counter() - started:.0f} s")
    return asyncio.run(timed(settings, requests))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--cur-rows", type=int, default=300_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--postgres", action="store_true", help="also on 127.0.0.1:5432")
    args = parser.parse_args()
    organisation.generate_cur = held_to(args.months, organisation.generate_cur)  # type: ignore[attr-defined]
    results: dict[str, Any] = {"months": args.months, "requests": args.requests}
    with tempfile.TemporaryDirectory(prefix="forecasts-read-") as tmp:
        say("SQLite")
        work = Path(tmp) / "sqlite"
        results["sqlite"] = run(
            f"sqlite+aiosqlite:///{work / 'data' / 'finops.db'}", work, args.cur_rows, args.requests
        )
        if args.postgres:
            database = f"forecasts_read_{uuid.uuid4().hex[:8]}"
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
