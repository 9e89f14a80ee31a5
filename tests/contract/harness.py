"""The per-role Schemathesis run: a demo organisation served over HTTP, `st run` against it.

One seed per database (the demo, loaded once with a fixed clock), one fresh copy of it per
role (fuzzing writes: a role's run must not inherit another's changes), one uvicorn server
per copy, and the Schemathesis CLI run as that role with every check plus the scope check of
`st_hooks.py`. See README "Testing" and docs/decisions.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from adapters.clock import FixedClock
from adapters.config import Settings
from api.app import create_app
from api.demo import DEMO_PASSWORD, DEMO_SCOPES, DEMO_YEAR, load_demo

HERE = Path(__file__).resolve().parent
ST = Path(sys.executable).parent / "st"
DEMO_DAY = date(2026, 9, 16)
JWT_SECRET = "contract-" + "x" * 40

# One log-in per role; the scoped ones are mapped by the demo (`DEMO_SCOPES`).
ROLE_LOGINS = {
    "admin": "admin@demo.finops",
    "financial_admin": "fin@demo.finops",
    "vendor_manager": "vendor@demo.finops",
    "business_unit_owner": "bu@demo.finops",
    "department_owner": "dept@demo.finops",
    "portfolio_owner": "portfolio@demo.finops",
    "product_owner": "product@demo.finops",
    "cloud_engineer": "engineer@demo.finops",
}
UNSCOPED = {"admin", "financial_admin", "vendor_manager"}

# Operations whose well-formed requests may meet a business rule the document cannot state
# (a rule about the stored data or between fields, not the form of one field): for these a
# domain 422 (`RuleViolation`, a problem naming the rule) is an accepted answer to schema-valid
# data. A 422 "the request is not valid" (the model's own validation) is never accepted for
# schema-valid data: `st_hooks.schema_valid_requests_pass_validation` fails it everywhere.
BUSINESS_RULES: dict[str, str] = {
    "POST /api/v1/years": "a year is defined once; its level labels must differ",
    "POST /api/v1/budgets": "the year must be defined, the path unique, names free of control "
    "characters, the start inside the year",
    "PATCH /api/v1/budgets/{budget_id}": "the change applies from the 1st of an open month of "
    "the budget's year",
    "POST /api/v1/budget-imports": "rows (and the name's options) checked one by one",
    "POST /api/v1/users": "the e-mail is unique and deliverable, names free of control characters",
    "PATCH /api/v1/users/{user_id}": "a role change must fit the scope; one Admin stays",
    "PUT /api/v1/users/{user_id}/scope": "the nodes must exist at the role's level",
    "POST /api/v1/users/import": "the file's rows are checked row by row",
    "POST /api/v1/accounts": "the account id is unique; names free of control characters",
    "PATCH /api/v1/accounts/{account_id}": "names free of control characters; a known status",
    "POST /api/v1/accounts/carry-forward": "the target year's chart must be loaded",
    "PUT /api/v1/accounts/{account_id}/allocation": "the budgets must exist and sum to 100 %",
    "POST /api/v1/workloads": "the budget and account must exist, the months ordered",
    "PATCH /api/v1/workloads/{workload_id}": "the months ordered, inside open months",
    "POST /api/v1/workloads/{workload_id}/claims": "the resources must exist in the CUR, unclaimed",
    "POST /api/v1/claims": "the resources must exist in the CUR, unclaimed",
    "POST /api/v1/claims/release": "the resources must be claimed",
    "POST /api/v1/discounts": "a discount cannot change a closed month or overlap another",
    "POST /api/v1/discounts/{discount_id}/end": "the end is inside the discount's term",
    "POST /api/v1/credits": "the budget must exist, the term ordered, the amount above zero",
    "PATCH /api/v1/credits/{credit_id}": "as creating, and the term ordered after the change",
    "POST /api/v1/credits/apply": "the month must hold spend",
    "GET /api/v1/reports/variance": "the period must lie in the year",
    "PUT /api/v1/budgets/{budget_id}/schedule": "the version (body or If-Match), open months only, "
    "summing to the annual amount",
    "POST /api/v1/budgets/{budget_id}/schedule/{action}": "the action must fit the state, with "
    "the version (body or If-Match)",
    "POST /api/v1/budgets/{budget_id}/schedule/spread": "the budget must have open months",
    "POST /api/v1/spend-cards/{card_id}/{action}": "the action must fit the card's state, with "
    "the version (body or If-Match)",
    "PUT /api/v1/closes/{period}": "the month must not be closed",
    "POST /api/v1/closes/{period}/close": "the checklist must be complete",
    "POST /api/v1/closes/{period}/reopen": "the month must be closed, with a reason",
    "POST /api/v1/recommendations/imports": "the file must be a Cost Optimization Hub export",
    "POST /api/v1/recommendations/decisions": "each decision must fit the item's state",
    "POST /api/v1/recommendations/{recommendation_id}/{action}": "the action must fit the state",
    "POST /api/v1/cur/refresh": "a CUR source must be configured",
}


def fuzz_examples() -> int:
    return int(os.environ.get("FINOPS_FUZZ_EXAMPLES", "3"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_for(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        jwt_secret=JWT_SECRET,
        frontend_dir=data_dir / "no-frontend",
        _env_file=None,  # type: ignore[call-arg]
    )


def load_seed(settings: Settings) -> None:
    asyncio.run(load_demo(settings, FixedClock.on(DEMO_DAY)))


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app on a loopback port, in a thread of this process; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def login(base_url: str, email: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token",
        data={"username": email, "password": DEMO_PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def _get(base_url: str, token: str, path: str, **params: Any) -> Any:
    response = httpx.get(
        f"{base_url}{path}",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()


def _walk(
    nodes: list[dict[str, Any]], parents: tuple[dict[str, Any], ...] = ()
) -> Iterator[tuple[dict[str, Any], tuple[dict[str, Any], ...]]]:
    for node in nodes:
        yield node, parents
        yield from _walk(node["children"], (*parents, node))


def forbidden_for(role: str, base_url: str) -> dict[str, Any]:
    """What `role` must never see: the names and ids of the nodes outside its subtrees and
    above none of them, and of the budgets, workloads, credits, claims and spend cards hanging
    there. Read from the fresh copy as the Financial Admin (a directory of the seed); the
    scope itself comes from the demo's declared mapping (`DEMO_SCOPES`), not from the API."""
    if role in UNSCOPED:
        return {"strings": [], "keys": {}}
    email = ROLE_LOGINS[role]
    mapped_paths = set(DEMO_SCOPES.get(email, ()))
    fin = login(base_url, ROLE_LOGINS["financial_admin"])
    tree = _get(base_url, fin, "/api/v1/hierarchy", year=DEMO_YEAR)["nodes"]
    inside: set[int] = set()  # in a mapped subtree
    above: set[int] = set()  # an ancestor of a mapped node: its name is shown in paths
    for node, parents in _walk(tree):
        path = tuple(p["name"] for p in (*parents, node))
        if any(path[: len(m)] == m for m in mapped_paths):
            inside.add(node["id"])
        if any(m[: len(path)] == path and len(m) > len(path) for m in mapped_paths):
            above.add(node["id"])
    nodes = [n for n, _ in _walk(tree)]
    out_nodes = [n for n in nodes if n["id"] not in inside | above]
    allowed_names = {n["name"] for n in nodes if n["id"] in inside | above}
    out_budgets = {n["budget_id"] for n in out_nodes if n["budget_id"] is not None}
    budgets = _get(base_url, fin, "/api/v1/budgets", year=DEMO_YEAR, limit=1000)["items"]
    strings = {n["name"] for n in out_nodes}
    strings |= {v for b in budgets if b["id"] in out_budgets for v in b["attributes"].values()}
    workloads = _get(base_url, fin, "/api/v1/workloads")
    out_workloads = {w["id"] for w in workloads if w["budget_id"] in out_budgets}
    allowed_names |= {w["name"] for w in workloads if w["id"] not in out_workloads}
    strings |= {w["name"] for w in workloads if w["id"] in out_workloads}
    credits = _get(base_url, fin, "/api/v1/credits")
    claims = _get(base_url, fin, "/api/v1/claims", limit=1000)
    cards = _get(base_url, fin, "/api/v1/spend-cards", limit=1000)
    return {
        # a name also used inside the scope (a workload named like a product) proves nothing
        "strings": sorted(strings - allowed_names),
        "keys": {
            "node_id": sorted(n["id"] for n in out_nodes),
            "node_ids": sorted(n["id"] for n in out_nodes),
            "budget_id": sorted(out_budgets),
            "workload_id": sorted(out_workloads),
            "credit_id": sorted(c["id"] for c in credits if c["budget_id"] in out_budgets),
            "claim_id": sorted(c["id"] for c in claims if c["budget_id"] in out_budgets),
            "card_id": sorted(c["id"] for c in cards if c["budget_id"] in out_budgets),
        },
    }


def write_config(path: Path) -> None:
    """schemathesis.toml: the business-rule 422s of `BUSINESS_RULES`, per operation."""
    lines = []
    for name in BUSINESS_RULES:
        method, route = name.split(" ", 1)
        lines += [
            "[[operations]]",
            f'include-method = "{method}"',
            f'include-path = "{route}"',
            "checks.positive_data_acceptance.expected-statuses = "
            '["2xx", "401", "403", "404", "409", "422", "429"]',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


@dataclass(frozen=True)
class RunResult:
    role: str
    returncode: int
    operations: int
    cases: int
    seconds: float
    output: str


def run_schemathesis(role: str, base_url: str, workdir: Path) -> RunResult:
    """`st run` with every check as `role`; its exit code says whether anything failed."""
    token = login(base_url, ROLE_LOGINS[role])
    forbidden = workdir / f"forbidden-{role}.json"
    forbidden.write_text(json.dumps(forbidden_for(role, base_url)), encoding="utf-8")
    config = workdir / "schemathesis.toml"
    write_config(config)
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "st_hooks",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "FINOPS_FUZZ_FORBIDDEN": str(forbidden),
        "NO_COLOR": "1",
    }
    command = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        f"{base_url}/api/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "all",
        "--max-examples",
        str(fuzz_examples()),
        "--seed",
        os.environ.get("FINOPS_FUZZ_SEED", "19"),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--no-color",
    ]
    started = time.monotonic()
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    operations = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    return RunResult(
        role=role,
        returncode=done.returncode,
        operations=int(operations.group(1)) if operations else 0,
        cases=int(cases.group(1)) if cases else 0,
        seconds=seconds,
        output=output,
    )


def copy_data_dir(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)
