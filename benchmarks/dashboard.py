"""The dashboard's endpoints at 2,000 budgets, in process (httpx ASGITransport).

    python benchmarks/dashboard.py [--requests 100] [--cur-rows 200000] [--concurrency 32]
                                   [--postgres]

The organisation is the load benchmark's (benchmarks/organisation.py): 2,000 product budgets,
300 accounts split onto one or two budgets, 1,000 workloads with 50,000 claims and a year of
generated CUR; here half of the budgets also get an approved schedule (so the heat map has
both colours and gray). It goes into a temporary SQLite database (with `--postgres` also a
PostgreSQL database on 127.0.0.1:5432, dropped at the end) and a temporary data folder.

Each endpoint is warmed once (the first read materializes the year's allocation), then timed
`--requests` times one after the other (p50/p95), then `--requests` more with
`--concurrency` clients at once (p50/p95 of each request's latency and the throughput).
Prints one JSON line per endpoint and database. Not a test: the figures depend on the
machine (in process, one event loop: the concurrent figures are queueing on one worker).
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
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import organisation  # noqa: E402

from adapters.clock import FixedClock  # noqa: E402
from adapters.config import Settings  # noqa: E402
from adapters.db.migrate import upgrade  # noqa: E402
from adapters.db.models import BudgetVersionRow, ScheduleMonthRow, ScheduleRow  # noqa: E402
from api.app import create_app  # noqa: E402
from api.container import build_container  # noqa: E402

FIN = "fin@load.bench"
PORTFOLIO = "portfolio@load.bench"
# the year has ended: every month is in the Annual view and in full
TODAY = date(organisation.YEAR + 1, 1, 15)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)  # noqa: T201


async def approve_half(settings: Settings) -> None:
    """An approved schedule (the annual amount spread evenly) for every other budget."""
    container = build_container(settings)
    try:
        async with container.sessionmaker() as session:
            versions = await session.execute(
                select(BudgetVersionRow.budget_id, BudgetVersionRow.annual_amount)
            )
            amounts = {i: Decimal(a) for i, a in versions}
            chosen = sorted(amounts.items())[::2]
            now = datetime(organisation.YEAR, 1, 2, tzinfo=UTC)
            await session.execute(
                insert(ScheduleRow),
                [
                    {"budget_id": i, "status": "approved", "version": 2, "decided_at": now}
                    for i, _ in chosen
                ],
            )
            months = [
                {
                    "budget_id": i,
                    "month": f"{organisation.YEAR}-{m:02d}",
                    "amount": (amount / 12).quantize(Decimal("0.01")),
                }
                for i, amount in chosen
                for m in range(1, 13)
            ]
            for start in range(0, len(months), 5_000):
                await session.execute(insert(ScheduleMonthRow), months[start : start + 5_000])
            await session.commit()
        say(f"  {len(chosen)} approved schedules")
    finally:
        await container.close()


def percentile(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return round(ordered[max(0, int(len(ordered) * p) - 1)], 2)


async def login(http: httpx.AsyncClient, email: str) -> dict[str, str]:
    r = await http.post(
        "/api/v1/auth/token", data={"username": email, "password": organisation.PASSWORD}
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def endpoints(http: httpx.AsyncClient, portfolio: int) -> list[tuple[str, str, str]]:
    """(name, caller, path) of each visual."""
    fin = await login(http, FIN)
    top = (
        await http.get(f"/api/v1/dashboard/heatmap?year={organisation.YEAR}", headers=fin)
    ).json()
    product_node = top["tiles"][0]["node_id"]
    account = (await http.get("/api/v1/accounts", headers=fin)).json()[0]["account_id"]
    y = organisation.YEAR
    return [
        ("heatmap annual (finance, 2,000 tiles)", FIN, f"/api/v1/dashboard/heatmap?year={y}"),
        ("heatmap monthly (finance)", FIN, f"/api/v1/dashboard/heatmap?year={y}&month=6"),
        ("heatmap business units (finance)", FIN, f"/api/v1/dashboard/heatmap?year={y}&level=1"),
        (
            "heatmap product drill-down (finance)",
            FIN,
            f"/api/v1/dashboard/heatmap?year={y}&node_id={product_node}",
        ),
        ("heatmap (portfolio owner)", PORTFOLIO, f"/api/v1/dashboard/heatmap?year={y}"),
        (
            "heatmap portfolio node (portfolio owner)",
            PORTFOLIO,
            f"/api/v1/dashboard/heatmap?year={y}&node_id={portfolio}",
        ),
        ("monthly by child (finance)", FIN, f"/api/v1/dashboard/monthly?year={y}"),
        ("monthly by child (portfolio owner)", PORTFOLIO, f"/api/v1/dashboard/monthly?year={y}"),
        (
            "account services (finance)",
            FIN,
            f"/api/v1/dashboard/accounts/{account}/services?year={y}",
        ),
    ]


async def under_load(
    one: Callable[[], Awaitable[float]], requests: int, concurrency: int
) -> list[float]:
    """`requests` calls of `one` by `concurrency` clients, each starting its next when its
    last answered; the latency of each."""
    left = [requests]
    loaded: list[float] = []

    async def client() -> None:
        while left[0] > 0:
            left[0] -= 1
            loaded.append(await one())

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return loaded


async def timed(settings: Settings, portfolio: int, requests: int, concurrency: int) -> list[dict]:
    container = build_container(settings)
    container.clock = FixedClock.on(TODAY)
    app = create_app(container=container)
    results = []
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", timeout=600
        ) as http:
            headers = {FIN: await login(http, FIN), PORTFOLIO: await login(http, PORTFOLIO)}
            for name, caller, path in await endpoints(http, portfolio):
                started = time.perf_counter()
                warm = await http.get(path, headers=headers[caller])
                warm.raise_for_status()
                first = (time.perf_counter() - started) * 1000

                async def one(caller: str = caller, path: str = path) -> float:
                    started = time.perf_counter()
                    r = await http.get(path, headers=headers[caller])
                    r.raise_for_status()
                    return (time.perf_counter() - started) * 1000

                sequential = [await one() for _ in range(requests)]
                figures: dict[str, Any] = {
                    "database": "postgres"
                    if "postgres" in str(settings.database_url)
                    else "sqlite",
                    "endpoint": name,
                    "path": path,
                    "first_ms": round(first, 1),
                    "p50_ms": round(statistics.median(sequential), 2),
                    "p95_ms": percentile(sequential, 0.95),
                    "bytes": len(warm.content),
                    "concurrency": concurrency,
                }
                say(f"  {name:42} p50 {figures['p50_ms']:7.2f} ms  p95 {figures['p95_ms']:7.2f} ms")
                started = time.perf_counter()
                try:
                    loaded = await under_load(one, requests, concurrency)
                except Exception as exc:  # noqa: BLE001 (a figure: the load the endpoint did not take)
                    figures["concurrent_error"] = type(exc).__name__
                else:
                    wall = time.perf_counter() - started
                    figures["concurrent_p50_ms"] = round(statistics.median(loaded), 2)
                    figures["concurrent_p95_ms"] = percentile(loaded, 0.95)
                    figures["requests_per_s"] = round(requests / wall, 1)
                print(json.dumps(figures), flush=True)  # noqa: T201
                results.append(figures)
    finally:
        await container.close()
    return results


def run(
    database_url: str, work: Path, cur_rows: int, requests: int, concurrency: int
) -> list[dict]:
    settings = Settings(
        data_dir=work / "data",
        database_url=database_url,
        jwt_secret="dashboard-bench-" + "s" * 32,
        frontend_dir=work / "no-frontend",
        _env_file=None,  # type: ignore[call-arg]
    )
    settings.ensure_data_dir()
    upgrade(settings.resolved_database_url())
    started = time.perf_counter()
    portfolio = asyncio.run(organisation.seed(settings, cur_rows, say))
    asyncio.run(approve_half(settings))
    say(f"  seeded in {time.perf_counter() - started:.0f} s")
    return asyncio.run(timed(settings, portfolio, requests, concurrency))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--cur-rows", type=int, default=200_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--postgres", action="store_true", help="also on 127.0.0.1:5432")
    args = parser.parse_args()
    runs: list[tuple[str, Any]] = [("sqlite", None)]
    if args.postgres:
        runs.append(("postgres", f"dashboard_bench_{uuid.uuid4().hex[:8]}"))
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp:
        for database, pg_name in runs:
            say(database)
            work = Path(tmp) / database
            if pg_name is None:
                url = f"sqlite+aiosqlite:///{work / 'data' / 'finops.db'}"
            else:
                asyncio.run(organisation.pg_execute(f'CREATE DATABASE "{pg_name}"'))
                url = organisation.pg_url(pg_name)
            try:
                run(url, work, args.cur_rows, args.requests, args.concurrency)
            finally:
                if pg_name is not None:
                    asyncio.run(
                        organisation.pg_execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
                    )


if __name__ == "__main__":
    main()
