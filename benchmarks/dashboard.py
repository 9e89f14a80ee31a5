"""The dashboard's endpoints at 2,000 budgets, in process (httpx ASGITransport).

    python benchmarks/dashboard.py [--requests 100] [--cur-rows 200000] [--concurrency 32]
                                   [--postgres] [--keep DIR] [--only heatmap,forecasts]

The organisation is the load benchmark's (benchmarks/organisation.py): 2,000 product budgets,
300 accounts split onto one or two budgets, 1,000 workloads with 50,000 claims and a year of
generated CUR; here half of the budgets also get an approved schedule (so the heat map has
both colours and gray). It goes into a temporary SQLite database (with `--postgres` also a
PostgreSQL database on 127.0.0.1:5432, dropped at the end) and a temporary data folder.

Anomaly detection (the job a CUR refresh runs) is run once so `/anomalies` has rows. Each
endpoint is warmed once (the first read materializes the year's allocation), then timed
`--requests` times one after the other (p50/p95, "warm"), then once right after a write
(a budget's annual amount changed through `PATCH /budgets/{id}`, which any cached figures
must not survive: "cold after change"), then `--requests` more with `--concurrency` clients
at once (p50/p95 of each request's latency and the throughput; `--concurrency 0` skips it).
Prints one JSON line per endpoint and database, then one JSON summary line
(`{"database": ..., "endpoints": {name: {p50_ms, p95_ms, cold_after_change_ms, bytes}}}`).
`--keep DIR` seeds into DIR once and reuses it on the next run (for profiling). Not a test:
the figures depend on the machine (in process, one event loop: the concurrent figures are
queueing on one worker).
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
from api import jobs  # noqa: E402
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


async def detect(settings: Settings) -> None:
    """Anomaly detection once (the job after a refresh), so `/anomalies` has rows."""
    container = build_container(settings)
    container.clock = FixedClock.on(TODAY)
    try:
        started = time.perf_counter()
        detected = await jobs.detect_anomalies(container)
        say(f"  anomaly detection {time.perf_counter() - started:.1f} s ({detected.added} added)")
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
    owner = await login(http, PORTFOLIO)
    y = organisation.YEAR
    top = (await http.get(f"/api/v1/dashboard/heatmap?year={y}", headers=fin)).json()
    product_node = top["tiles"][0]["node_id"]
    budget = top["tiles"][0]["budget_id"]
    units = (await http.get(f"/api/v1/dashboard/heatmap?year={y}&level=1", headers=fin)).json()
    unit = units["rows"][0]["node_id"]
    mine = (await http.get(f"/api/v1/dashboard/heatmap?year={y}", headers=owner)).json()
    my_budget = mine["tiles"][0]["budget_id"]
    account = (await http.get("/api/v1/accounts", headers=fin)).json()[0]["account_id"]
    heat = f"/api/v1/dashboard/heatmap?year={y}"
    return [
        ("heatmap annual (finance, 2,000 tiles)", FIN, heat),
        ("heatmap monthly (finance)", FIN, f"{heat}&month=6"),
        ("heatmap business units (finance)", FIN, f"{heat}&level=1"),
        ("heatmap departments (finance)", FIN, f"{heat}&level=2"),
        ("heatmap portfolios (finance)", FIN, f"{heat}&level=3"),
        ("heatmap business unit node (finance)", FIN, f"{heat}&node_id={unit}"),
        ("heatmap product drill-down (finance)", FIN, f"{heat}&node_id={product_node}"),
        ("heatmap (portfolio owner)", PORTFOLIO, heat),
        ("heatmap monthly (portfolio owner)", PORTFOLIO, f"{heat}&month=6"),
        ("heatmap portfolio node (portfolio owner)", PORTFOLIO, f"{heat}&node_id={portfolio}"),
        ("monthly by child (finance)", FIN, f"/api/v1/dashboard/monthly?year={y}"),
        ("monthly by child (portfolio owner)", PORTFOLIO, f"/api/v1/dashboard/monthly?year={y}"),
        (
            "account services (finance)",
            FIN,
            f"/api/v1/dashboard/accounts/{account}/services?year={y}",
        ),
        (
            "account services (portfolio owner)",
            PORTFOLIO,
            f"/api/v1/dashboard/accounts/{account}/services?year={y}",
        ),
        ("forecasts (finance)", FIN, f"/api/v1/dashboard/forecasts?year={y}"),
        ("forecasts (portfolio owner)", PORTFOLIO, f"/api/v1/dashboard/forecasts?year={y}"),
        (
            "cumulative (finance)",
            FIN,
            f"/api/v1/dashboard/budgets/{budget}/cumulative?year={y}",
        ),
        (
            "cumulative (portfolio owner)",
            PORTFOLIO,
            f"/api/v1/dashboard/budgets/{my_budget}/cumulative?year={y}",
        ),
        ("anomalies (finance)", FIN, "/api/v1/anomalies"),
        ("anomalies (portfolio owner)", PORTFOLIO, "/api/v1/anomalies"),
    ]


async def change(http: httpx.AsyncClient, headers: dict[str, str], budget: int, n: int) -> None:
    """A write every cached figure must not survive: the budget's annual amount from July."""
    r = await http.patch(
        f"/api/v1/budgets/{budget}",
        json={"annual_amount": f"{100_000 + n}.00", "effective_from": f"{organisation.YEAR}-07-01"},
        headers=headers,
    )
    r.raise_for_status()


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


async def timed(
    settings: Settings, portfolio: int, requests: int, concurrency: int, only: list[str]
) -> list[dict]:
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
            listed = await endpoints(http, portfolio)
            changed_budget = (
                await http.get(
                    f"/api/v1/dashboard/heatmap?year={organisation.YEAR}", headers=headers[FIN]
                )
            ).json()["tiles"][-1]["budget_id"]
            for n, (name, caller, path) in enumerate(listed):
                if only and not any(o in name for o in only):
                    continue
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
                await change(http, headers[FIN], changed_budget, n)
                cold = await one()
                figures: dict[str, Any] = {
                    "database": "postgres"
                    if "postgres" in str(settings.database_url)
                    else "sqlite",
                    "endpoint": name,
                    "path": path,
                    "first_ms": round(first, 1),
                    "p50_ms": round(statistics.median(sequential), 2),
                    "p95_ms": percentile(sequential, 0.95),
                    "cold_after_change_ms": round(cold, 1),
                    "bytes": len(warm.content),
                    "concurrency": concurrency,
                }
                say(
                    f"  {name:42} p50 {figures['p50_ms']:8.2f} ms  p95 {figures['p95_ms']:8.2f}"
                    f" ms  cold {figures['cold_after_change_ms']:8.1f} ms"
                )
                if concurrency:
                    started = time.perf_counter()
                    try:
                        loaded = await under_load(one, requests, concurrency)
                    except Exception as exc:  # noqa: BLE001 (a figure: the load not taken)
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
    database_url: str,
    work: Path,
    cur_rows: int,
    requests: int,
    concurrency: int,
    only: list[str],
) -> list[dict]:
    settings = Settings(
        data_dir=work / "data",
        database_url=database_url,
        jwt_secret="dashboard-bench-" + "s" * 32,
        frontend_dir=work / "no-frontend",
        _env_file=None,  # type: ignore[call-arg]
    )
    seeded = work / "seeded.json"
    if seeded.is_file():
        portfolio = json.loads(seeded.read_text())["portfolio"]
    else:
        settings.ensure_data_dir()
        upgrade(settings.resolved_database_url())
        started = time.perf_counter()
        portfolio = asyncio.run(organisation.seed(settings, cur_rows, say))
        asyncio.run(approve_half(settings))
        say(f"  seeded in {time.perf_counter() - started:.0f} s")
        asyncio.run(detect(settings))
        seeded.write_text(json.dumps({"portfolio": portfolio}))
    results = asyncio.run(timed(settings, portfolio, requests, concurrency, only))
    summary = {
        "database": "postgres" if "postgres" in database_url else "sqlite",
        "budgets": 2_000,
        "requests": requests,
        "endpoints": {
            r["endpoint"]: {k: r[k] for k in ("p50_ms", "p95_ms", "cold_after_change_ms", "bytes")}
            for r in results
        },
    }
    print(json.dumps(summary), flush=True)  # noqa: T201
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--cur-rows", type=int, default=200_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--postgres", action="store_true", help="also on 127.0.0.1:5432")
    parser.add_argument("--keep", type=Path, help="seed into this folder once and reuse it")
    parser.add_argument("--only", default="", help="comma-separated parts of endpoint names")
    args = parser.parse_args()
    only = [o for o in args.only.split(",") if o]
    runs: list[tuple[str, Any]] = [("sqlite", None)]
    if args.postgres:
        runs.append(("postgres", f"dashboard_bench_{uuid.uuid4().hex[:8]}"))
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-") as tmp:
        for database, pg_name in runs:
            say(database)
            work = (args.keep or Path(tmp)) / database
            if pg_name is None:
                work.joinpath("data").mkdir(parents=True, exist_ok=True)
                url = f"sqlite+aiosqlite:///{work / 'data' / 'finops.db'}"
            else:
                asyncio.run(organisation.pg_execute(f'CREATE DATABASE "{pg_name}"'))
                url = organisation.pg_url(pg_name)
            try:
                run(url, work, args.cur_rows, args.requests, args.concurrency, only)
            finally:
                if pg_name is not None:
                    asyncio.run(
                        organisation.pg_execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
                    )


if __name__ == "__main__":
    main()
