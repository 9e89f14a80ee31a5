"""`GET /api/v1/spend` from a real `finops serve` on Spark equals the same on DuckDB.

Issue #18's "done when": `FINOPS_SPEND_ENGINE=spark finops serve` on the WA-labs CUR answers
`GET /api/v1/spend` with the same figures as DuckDB for every period and basis. A script, not a
test: the Spark server starts a JVM (a minute or more on a loaded 2-core machine) once per
cost basis.

Two servers (`finops serve --workers 1`, ports 9160-9169), each with its own temporary data
folder (SQLite, spend store), the same CUR folder, the same first Admin and secret, one with
`FINOPS_SPEND_ENGINE=duckdb` and one with `FINOPS_SPEND_ENGINE=spark`. Through the HTTP API,
the same on both: refresh the CUR, discover its accounts, load a 2018 chart of accounts, split
one account three ways and remap it on Monday 12 November, leave the other Unallocated, claim two
resources (one in each account) to a workload and release one of them mid-December. Then, for
every cost basis (the server's `FINOPS_COST_BASIS`, so both servers are restarted on the same
data folders per basis: the spend store stays, the allocation is recomputed), every billing
period and the whole range, and every `group_by`, the two JSON answers are compared exactly.
`/health` and `/billing-periods` must name the engine.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/spark_serve_check.py [--cur DIR]

Prints one JSON line and exits 1 on any difference (`--perturb` gives the Spark server another
remap, to show that). Servers are killed and temporary folders removed at the end, also on
failure, after printing the tail of each server's log (`SPARK_CHECK_LOG_TAIL` characters).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

LOG_TAIL = int(os.environ.get("SPARK_CHECK_LOG_TAIL", "3000"))
DEFAULT_CUR = Path("/work/shared/data/public/wa-labs-workshop-cur")
ADMIN = ("spark-check-admin@example.com", "spark-check-Passw0rd!")
SECRET = "spark-serve-check-" + "x" * 40
BASES = ("unblended", "net_unblended", "amortized")
GROUPS = ("budget", "account", "service", "day", "node")
CHART = (
    "BU,Dept,Portfolio,Product,Amount\n"
    "Retail,Digital,Web,Storefront,120000\n"
    "Retail,Digital,Web,Checkout,60000\n"
    "Corporate,Finance,ERP,Ledger,30000\n"
)
SPLIT_ACCOUNT = "836060457634"  # split three ways, remapped on Monday 12 November
LEFT_ACCOUNT = "011254002932"  # no split: Unallocated but for a claimed resource
CLAIMED = {SPLIT_ACCOUNT: "i-02d3229d6696ee169", LEFT_ACCOUNT: ""}  # second found at run time


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class Server:
    def __init__(self, engine: str, port: int, data: Path, cur: Path, log: Path) -> None:
        self.engine, self.port, self.data, self.cur, self.log = engine, port, data, cur, log
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.headers: dict[str, str] = {}
        self.seconds = 0.0  # time spent in the refresh and the spend reads
        self.perturb = False

    def start(self, basis: str) -> None:
        env = {
            **os.environ,
            "FINOPS_DATA_DIR": str(self.data),
            "FINOPS_CUR_PATH": str(self.cur),
            "FINOPS_ADMIN_EMAIL": ADMIN[0],
            "FINOPS_ADMIN_PASSWORD": ADMIN[1],
            "FINOPS_JWT_SECRET": SECRET,
            "FINOPS_SPEND_ENGINE": self.engine,
            "FINOPS_SPARK_MASTER": "local[2]",
            "FINOPS_COST_BASIS": basis,
            "FINOPS_CARD_SCHEDULER": "false",
            "FINOPS_LOG_LEVEL": "WARNING",
        }
        for name in ("FINOPS_DATABASE_URL", "FINOPS_SPARK_REMOTE", "FINOPS_OBJECT_STORE_URL"):
            env.pop(name, None)
        finops = str(Path(sys.executable).with_name("finops"))
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            ["nice", "-n", "19", finops, "serve", "--port", str(self.port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the {self.engine} server exited during start-up; see {self.log}")
            try:
                if httpx.get(f"{self.base}/api/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        else:
            raise SystemExit(f"the {self.engine} server did not start; see {self.log}")
        r = httpx.post(
            f"{self.base}/api/v1/auth/token", data={"username": ADMIN[0], "password": ADMIN[1]}
        )
        r.raise_for_status()
        self.headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def call(self, method: str, path: str, *, timed: bool = False, **kw: Any) -> httpx.Response:
        started = time.perf_counter()
        r = httpx.request(
            method, f"{self.base}/api/v1{path}", headers=self.headers, timeout=3600, **kw
        )
        if timed:
            self.seconds += time.perf_counter() - started
        if r.status_code >= 400:
            raise SystemExit(f"{self.engine}: {method} {path} -> {r.status_code} {r.text[:500]}")
        return r


def set_up(s: Server) -> None:
    """The same rules on each server, through the API."""
    s.call("POST", "/cur/refresh", timed=True)
    status = s.call("GET", "/cur/refresh/status")
    while status.status_code == 200 and status.json()["state"] == "running":
        time.sleep(1)
        status = s.call("GET", "/cur/refresh/status")
    if status.status_code != 200 or status.json()["state"] != "done":
        raise SystemExit(f"{s.engine}: the refresh did not end well: {status.text[:500]}")
    s.call("POST", "/accounts/discover")
    s.call(
        "POST",
        "/budget-imports",
        files={"file": ("C_2018_true_2018-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    ids = {
        b["product"]: b["id"]
        for b in s.call("GET", "/budgets", params={"year": 2018}).json()["items"]
    }
    three = [
        {"budget_id": ids["Storefront"], "percent": "33.33"},
        {"budget_id": ids["Checkout"], "percent": "33.33"},
        {"budget_id": ids["Ledger"], "percent": "33.34"},
    ]
    url = f"/accounts/{SPLIT_ACCOUNT}/allocation"
    s.call("PUT", url, json={"effective_from": "2018-10-01", "splits": three})
    # --perturb gives the Spark server 61/39: the check must then fail
    checkout = "61" if s.perturb else "60"
    remap = [
        {"budget_id": ids["Checkout"], "percent": checkout},
        {"budget_id": ids["Ledger"], "percent": str(100 - int(checkout))},
    ]
    s.call("PUT", url, json={"effective_from": "2018-11-12", "splits": remap})
    claims = [(SPLIT_ACCOUNT, CLAIMED[SPLIT_ACCOUNT], "2018-10-10", ids["Storefront"])]
    claims.append((LEFT_ACCOUNT, CLAIMED[LEFT_ACCOUNT], "2018-11-01", ids["Checkout"]))
    for account, resource, since, budget in claims:
        w = s.call(
            "POST",
            "/workloads",
            json={
                "budget_id": budget,
                "account_id": account,
                "name": f"check-{account}",
                "calculator_url": "https://calculator.aws/#/estimate?id=spark-serve-check",
                "monthly_estimate": "1",
                "launch_month": "2018-01",
            },
        ).json()
        s.call(
            "POST",
            f"/workloads/{w['id']}/claims",
            json={"resource_ids": [resource], "effective_from": since},
        )
    s.call(
        "POST",
        "/claims/release",
        json={"resource_ids": [CLAIMED[SPLIT_ACCOUNT]], "effective_to": "2018-12-15"},
    )


def compare(duck: Server, spark: Server, basis: str, report: dict[str, Any]) -> None:
    health = {s.engine: s.call("GET", "/health").json() for s in (duck, spark)}
    for engine, h in health.items():
        if (h.get("allocation_engine"), h.get("refresh_engine")) != (engine, engine):
            report["problems"].append(f"{basis}: /health of the {engine} server says {h}")
    listings = {s.engine: s.call("GET", "/billing-periods").json() for s in (duck, spark)}
    for engine, items in listings.items():
        wrong = [p["period"] for p in items if p.get("engine") != engine]
        if wrong:
            report["problems"].append(f"{basis}: /billing-periods of {engine} says not {engine}")
    same_periods = [
        {k: v for k, v in p.items() if k not in ("engine", "refreshed_at")}
        for p in listings["duckdb"]
    ] == [
        {k: v for k, v in p.items() if k not in ("engine", "refreshed_at")}
        for p in listings["spark"]
    ]
    if not same_periods:
        report["problems"].append(f"{basis}: the billing-period listings differ")
    periods = sorted(p["period"] for p in listings["duckdb"])
    report["periods"] = periods
    windows: list[dict[str, str]] = [{"period": p} for p in periods]
    windows.append({"from": periods[0], "to": periods[-1]})
    for window in windows:
        for group in GROUPS:
            params = {**window, "group_by": group}
            answers = [
                s.call("GET", "/spend", params=params, timed=True).json() for s in (duck, spark)
            ]
            report["comparisons"] += 1
            if answers[0] != answers[1]:
                report["problems"].append(f"{basis} {params}: the answers differ")
                report["diffs"].append(
                    {"basis": basis, **params, "duckdb": answers[0], "spark": answers[1]}
                )
            elif answers[0]["basis"] != basis:
                report["problems"].append(f"{basis} {params}: answered basis {answers[0]['basis']}")
            elif not answers[0]["rows"]:
                report["problems"].append(f"{basis} {params}: no rows")
            elif group == "budget" and not (
                None in (ids := {r["budget_id"] for r in answers[0]["rows"]}) and len(ids) >= 3
            ):
                report["problems"].append(f"{basis} {params}: too few budgets: {ids}")
    # the answers were read from allocations each engine made on this basis
    for s in (duck, spark):
        metas = [json.loads(m.read_text()) for m in sorted(s.data.rglob("meta.json"))]
        made = sorted((m["period"], m["engine"], m["basis"]) for m in metas)
        if made != [(p, s.engine, basis) for p in periods]:
            report["problems"].append(f"{basis}: the {s.engine} server's allocations are {made}")


def find_left_resource(cur: Path) -> str:
    import duckdb

    rows = duckdb.execute(
        "SELECT line_item_resource_id FROM read_parquet(?) WHERE line_item_usage_account_id = ? "
        "AND line_item_resource_id LIKE 'i-%' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [str(cur / "*.parquet"), LEFT_ACCOUNT],
    ).fetchall()
    if not rows:
        raise SystemExit(f"no instance of account {LEFT_ACCOUNT} in {cur}")
    return str(rows[0][0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cur", type=Path, default=DEFAULT_CUR, help="the WA-labs CUR folder")
    parser.add_argument("--keep-log", action="store_true", help="print the server logs' tails")
    parser.add_argument(
        "--perturb",
        action="store_true",
        help="remap 61/39 on the Spark server instead of 60/40 (shows that the check fails)",
    )
    parser.add_argument("--bases", default=",".join(BASES), help="cost bases, comma-separated")
    args = parser.parse_args()
    if not args.cur.is_dir() or not any(args.cur.glob("*.parquet")):
        print(f"the WA-labs CUR is not at {args.cur} (pass --cur DIR)", file=sys.stderr)
        return 2
    CLAIMED[LEFT_ACCOUNT] = find_left_resource(args.cur)
    ports = [p for p in range(9160, 9170) if port_free(p)][:2]
    if len(ports) < 2:
        print("two free ports in 9160-9169 are needed", file=sys.stderr)
        return 2
    report: dict[str, Any] = {"periods": [], "comparisons": 0, "problems": [], "diffs": []}
    root = Path(tempfile.mkdtemp(prefix="finops-spark-serve-"))
    servers = [
        Server(engine, port, root / engine, args.cur, root / f"{engine}.log")
        for engine, port in zip(("duckdb", "spark"), ports, strict=True)
    ]
    for s in servers:
        s.data.mkdir()
    servers[1].perturb = args.perturb
    bases = [b for b in args.bases.split(",") if b]
    if not set(bases) <= set(BASES):
        print(f"--bases: each of {', '.join(BASES)}", file=sys.stderr)
        return 2
    try:
        with ExitStack() as stack:
            for s in servers:
                stack.callback(s.stop)
            for i, basis in enumerate(bases):
                for s in servers:
                    s.start(basis)
                    if i == 0:
                        set_up(s)
                compare(servers[0], servers[1], basis, report)
                for s in servers:
                    s.stop()
    except BaseException:
        for s in servers:
            if s.log.exists():
                print(f"--- {s.engine} server log (tail)", file=sys.stderr)
                print(s.log.read_text(errors="replace")[-LOG_TAIL:], file=sys.stderr)
        raise
    finally:
        if args.keep_log:
            for s in servers:
                print(s.log.read_text(errors="replace")[-3000:], file=sys.stderr)
        shutil.rmtree(root, ignore_errors=True)
    for problem in report["problems"]:
        print(problem, file=sys.stderr)
    if report["diffs"]:
        first = report["diffs"][0]
        print(json.dumps(first)[:4000], file=sys.stderr)
    equal = not report["problems"]
    print(
        json.dumps(
            {
                "periods": report["periods"],
                "bases": bases,
                "comparisons": report["comparisons"],
                "equal": equal,
                "duckdb_seconds": round(servers[0].seconds, 1),
                "spark_seconds": round(servers[1].seconds, 1),
            }
        )
    )
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
