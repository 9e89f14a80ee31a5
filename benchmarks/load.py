"""The API under load: `finops serve --workers 2` on PostgreSQL with a scaled organisation,
driven by wrk (a separate process) at 32 connections per endpoint.

    python benchmarks/load.py [--duration 30] [--connections 32] [--workers 2]
                              [--cur-rows 2000000] [--only NAME] [--keep]

The organisation: 2,000 product budgets (4 business units x 5 departments x 10 portfolios x 10
products), 300 accounts each split onto one or two budgets, 1,000 workloads holding 50,000
claimed resources, and a year of generated CUR. It goes into a PostgreSQL database this script
creates (uniquely named, on 127.0.0.1:5432, trust auth) and drops at the end, with a temporary
data folder; nothing else is touched. Only 127.0.0.1 is loaded.

Each endpoint is warmed by one request (the first `/spend` materializes the year's
allocations), then loaded for `--duration` seconds. Last, a CUR refresh is started by the
webhook and the webhook's acknowledgement is timed while the refresh runs.

Prints requests/s, p50, p99 and non-2xx per endpoint; the last line is JSON.
Targets on a 2-core machine: >= 400 requests/s and p99 <= 150 ms for each endpoint, no
errors; the webhook acknowledged with p99 <= 500 ms while a refresh runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from organisation import (  # noqa: E402
    PASSWORD,
    USERS,
    YEAR,
    pg_execute,
    pg_url,
    seed,
)

from adapters.config import Settings  # noqa: E402
from adapters.db.migrate import upgrade  # noqa: E402
from api import webhooks  # noqa: E402

WEBHOOK_SECRET = "load-bench-webhook-" + "s" * 24

TARGET_RPS = 400.0
TARGET_P99_MS = 150.0
TARGET_WEBHOOK_P99_MS = 500.0

# wrk's Lua: the bearer header, then one JSON line with the figures (latencies in microseconds).
WRK_SCRIPT = """
wrk.headers["Authorization"] = "Bearer %s"
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "non2xx": %%d, '
    .. '"socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Endpoint:
    name: str
    user: str
    path: str


def endpoints() -> list[Endpoint]:
    return [
        Endpoint(
            "budgets (Portfolio Owner)", "portfolio@load.bench", f"/api/v1/budgets?year={YEAR}"
        ),
        Endpoint(
            "spend by budget (Portfolio Owner)",
            "portfolio@load.bench",
            "/api/v1/spend?group_by=budget",
        ),
        Endpoint(
            "spend by budget (Financial Admin)", "fin@load.bench", "/api/v1/spend?group_by=budget"
        ),
        Endpoint("hierarchy (Financial Admin)", "fin@load.bench", f"/api/v1/hierarchy?year={YEAR}"),
        Endpoint("summary: tasks (Portfolio Owner)", "portfolio@load.bench", "/api/v1/tasks"),
        Endpoint(
            "summary: notifications (Portfolio Owner)",
            "portfolio@load.bench",
            "/api/v1/notifications?unread=true",
        ),
        Endpoint(
            "summary: allocation (Financial Admin)", "fin@load.bench", "/api/v1/allocation-summary"
        ),
        Endpoint("summary: me (Portfolio Owner)", "portfolio@load.bench", "/api/v1/me"),
    ]


# ---------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    env: dict[str, str], port: int, workers: int, log: Path, tree: Path = REPO
) -> subprocess.Popen[bytes]:
    """`finops serve` of the source tree `tree` (this one, or another for a comparison)."""
    out = open(log, "ab")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env | {"PYTHONPATH": str(tree)},
        cwd=tree,
        stdout=out,
        stderr=out,
    )
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
        for _ in range(600):
            if server.poll() is not None:
                raise SystemExit(f"the server stopped; see {log}")
            try:
                if all(http.get("/api/v1/health").status_code == 200 for _ in range(workers * 4)):
                    return server
            except httpx.TransportError:
                time.sleep(0.2)
    raise SystemExit(f"the server did not answer; see {log}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# ---------------------------------------------------------------------------- the load


def drain(base: str) -> None:
    """Wait until the server has worked off what the last run left queued (a slow endpoint
    keeps answering requests wrk gave up on), so one endpoint's backlog is not the next's."""
    with httpx.Client(base_url=base, timeout=120) as http:
        for _ in range(240):
            started = time.perf_counter()
            http.get("/api/v1/health")
            if time.perf_counter() - started < 0.05:
                return
            time.sleep(0.5)


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the process `pid` and its descendants (the
    server's workers), from /proc; the children that have exited are counted in cutime."""
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = sum(int(f) for f in fields[11:15])
    tree, frontier = {pid}, [pid]
    while frontier:
        frontier = [p for p, pp in parent.items() if pp in frontier and p not in tree]
        tree.update(frontier)
    return sum(ticks.get(p, 0) for p in tree) / os.sysconf("SC_CLK_TCK")


def cpu_per_request(base: str, path: str, token: str, pid: int, count: int) -> dict[str, Any]:
    """`count` requests one after another (no queueing): the server's CPU and the wall time
    each costs, in milliseconds."""
    with httpx.Client(base_url=base, timeout=120) as http:
        headers = {"Authorization": f"Bearer {token}"}
        http.get(path, headers=headers).raise_for_status()
        cpu, started = server_cpu(pid), time.perf_counter()
        for _ in range(count):
            http.get(path, headers=headers).raise_for_status()
        wall = time.perf_counter() - started
        return {
            "cpu_ms_per_request": round((server_cpu(pid) - cpu) * 1000 / count, 1),
            "wall_ms_per_request": round(wall * 1000 / count, 1),
        }


def wrk(url: str, token: str, *, connections: int, duration: int, work: Path) -> dict[str, Any]:
    script = work / f"wrk-{uuid.uuid4().hex[:8]}.lua"
    script.write_text(WRK_SCRIPT % token)
    result = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            # shorter than the run, or requests still waiting at the end count as nothing
            f"{max(2, min(10, duration // 3))}s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    seconds = figures["duration_us"] / 1e6
    return {
        "requests_per_s": round(figures["requests"] / seconds, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "non2xx": figures["non2xx"],
        "socket_errors": figures["socket_errors"],
        "requests": figures["requests"],
    }


async def webhook_during_refresh(base: str, fin_token: str, deliveries: int) -> dict[str, Any]:
    """Announce a delivery (a whole-CUR refresh starts), then time acknowledgements of further
    deliveries (redeliveries and a few new single-month events) while it runs."""

    def signed(body: bytes) -> dict[str, str]:
        stamp = str(int(time.time()))
        return {
            "X-Finops-Timestamp": stamp,
            "X-Finops-Signature": webhooks.sign(WEBHOOK_SECRET, stamp, body),
            "Content-Type": "application/json",
        }

    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        first = json.dumps({"event_id": "load-refresh-1", "status": "delivered"}).encode()
        started = await http.post("/api/v1/webhooks/cur", content=first, headers=signed(first))
        started.raise_for_status()
        auth = {"Authorization": f"Bearer {fin_token}"}
        latencies: list[float] = []
        failures = 0
        overlapped = 0
        sem = asyncio.Semaphore(4)

        async def one(i: int) -> None:
            nonlocal failures
            if i % 20 == 0:
                payload = {"event_id": f"load-new-{i}", "billing_period": f"{YEAR}-12"}
            else:
                payload = {"event_id": "load-refresh-1", "status": "delivered"}
            body = json.dumps(payload).encode()
            async with sem:
                t = time.perf_counter()
                try:
                    r = await http.post("/api/v1/webhooks/cur", content=body, headers=signed(body))
                    ok = r.status_code == 202
                except httpx.TransportError:
                    ok = False
                latencies.append((time.perf_counter() - t) * 1000)
                failures += not ok

        for batch in range(0, deliveries, 20):
            events = (await http.get("/api/v1/cur/events", headers=auth)).json()
            if any(e["event_id"] == "load-refresh-1" and e["status"] == "received" for e in events):
                overlapped += 1
            await asyncio.gather(*(one(i) for i in range(batch, min(batch + 20, deliveries))))
        latencies.sort()
        return {
            "requests": len(latencies),
            "p50_ms": round(latencies[len(latencies) // 2], 1),
            "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
            "non2xx": failures,
            "batches_during_refresh": overlapped,
        }


# ---------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cur-rows", type=int, default=2_000_000)
    parser.add_argument("--only", help="run the endpoints whose name contains this")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and database")
    parser.add_argument(
        "--cpu-requests",
        type=int,
        default=20,
        help="sequential requests per endpoint whose server CPU is measured before the load",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="another source tree (e.g. `git archive` of the commit before): its server on the "
        "same database, each endpoint loaded on both in turn, figures side by side",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (or `make bench-load`)")

    def say(line: str) -> None:
        print(line, flush=True)

    database = f"finops_load_{uuid.uuid4().hex[:10]}"
    work = Path(tempfile.mkdtemp(prefix="finops-load-"))
    asyncio.run(pg_execute(f'CREATE DATABASE "{database}"'))
    servers: dict[str, subprocess.Popen[bytes]] = {}
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FINOPS_")}
        env.update(
            FINOPS_DATA_DIR=str(work / "data"),
            FINOPS_DATABASE_URL=pg_url(database),
            FINOPS_JWT_SECRET="load-bench-" + "j" * 40,
            FINOPS_WEBHOOK_SECRET=WEBHOOK_SECRET,
            FINOPS_TOKEN_TTL_MINUTES="240",
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
        )
        os.environ.update({k: v for k, v in env.items() if k.startswith("FINOPS_")})
        settings = Settings()
        settings.ensure_data_dir()
        upgrade(settings.resolved_database_url())
        say(f"database {database}, data folder {work}")
        asyncio.run(seed(settings, args.cur_rows, say))

        trees = {"after": REPO} | ({"before": args.compare.resolve()} if args.compare else {})
        bases: dict[str, str] = {}
        for label, tree in trees.items():
            port = free_port()
            bases[label] = f"http://127.0.0.1:{port}"
            servers[label] = start_server(env, port, args.workers, work / f"{label}.log", tree)
        base = bases["after"]
        tokens: dict[str, str] = {}
        chosen = [e for e in endpoints() if not args.only or args.only in e.name]
        with httpx.Client(base_url=base, timeout=600) as http:
            for _, email in USERS:
                r = http.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
                r.raise_for_status()
                tokens[email] = r.json()["access_token"]
        for label, url in bases.items():
            with httpx.Client(base_url=url, timeout=600) as http:
                for e in chosen:  # warm: the first /spend materializes the year's allocations
                    started = time.perf_counter()
                    r = http.get(e.path, headers={"Authorization": f"Bearer {tokens[e.user]}"})
                    r.raise_for_status()
                    say(f"warm {label} {e.name}: {time.perf_counter() - started:.2f} s")
        results: dict[str, dict[str, Any]] = {}
        compared: dict[str, dict[str, Any]] = {}
        cpu: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in bases}
        for e in chosen:  # interleaved: before, after, before, after
            for _ in range(2):
                for label, url in reversed(bases.items()):
                    got = cpu_per_request(
                        url, e.path, tokens[e.user], servers[label].pid, args.cpu_requests // 2
                    )
                    seen = cpu[label].setdefault(e.name, {"cpu_ms_per_request": []})
                    seen["cpu_ms_per_request"].append(got["cpu_ms_per_request"])
            say(
                f"CPU per request {e.name}: "
                + ", ".join(
                    f"{label} {cpu[label][e.name]['cpu_ms_per_request']} ms" for label in bases
                )
            )
        say(f"{'endpoint':<42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for e in chosen:
            for label, url in reversed(bases.items()):  # before, then after
                figures = wrk(
                    url + e.path,
                    tokens[e.user],
                    connections=args.connections,
                    duration=args.duration,
                    work=work,
                )
                figures["cpu_ms_per_request"] = cpu[label][e.name]["cpu_ms_per_request"]
                (results if label == "after" else compared)[e.name] = figures
                drain(url)
                say(
                    f"{(e.name + ' ' + label if args.compare else e.name):<42} "
                    f"{figures['requests_per_s']:>8} {figures['p50_ms']:>8} "
                    f"{figures['p99_ms']:>8} {figures['non2xx'] + figures['socket_errors']:>8}"
                )
        if "before" in servers:
            stop_server(servers.pop("before"))
        if not args.only or "webhook" in args.only:
            hook = asyncio.run(webhook_during_refresh(base, tokens["fin@load.bench"], 200))
            results["webhook during a refresh"] = hook
            say(
                f"{'webhook during a refresh':<42} {'':>8} {hook['p50_ms']:>8} "
                f"{hook['p99_ms']:>8} {hook['non2xx']:>8}"
            )
        missed = [
            name
            for name, f in results.items()
            if f["non2xx"]
            or f.get("socket_errors")
            or (
                f["p99_ms"] > TARGET_WEBHOOK_P99_MS
                if name.startswith("webhook")
                else f["p99_ms"] > TARGET_P99_MS or f["requests_per_s"] < TARGET_RPS
            )
        ]
        say(
            json.dumps(
                {
                    "workers": args.workers,
                    "connections": args.connections,
                    "duration_s": args.duration,
                    "cur_rows": args.cur_rows,
                    "endpoints": results,
                    "missed_targets": missed,
                    **({"before": compared} if compared else {}),
                }
            )
        )
    finally:
        for server in servers.values():
            stop_server(server)
        if not args.keep:
            asyncio.run(pg_execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
