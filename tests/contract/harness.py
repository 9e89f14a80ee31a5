"""The per-role Schemathesis run: a demo organisation served over HTTP, `st run` against it.

One seed per database (the demo, loaded once with a fixed clock: `tests/demo_seed.py`), one
fresh copy of it per role (fuzzing writes: a role's run must not inherit another's changes),
one uvicorn server per copy, and the Schemathesis CLI run as that role with every check plus
the scope check of `st_hooks.py`. See README "Testing" and docs/decisions.md.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from adapters.config import Settings
from api.app import create_app
from api.demo import DEMO_PASSWORD
from tests.contract.scope_seed import forbidden_for

HERE = Path(__file__).resolve().parent
ST = Path(sys.executable).parent / "st"
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


def settings_for(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        jwt_secret=JWT_SECRET,
        frontend_dir=data_dir / "no-frontend",
        _env_file=None,  # type: ignore[call-arg]
    )


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app on a loopback port, in a thread of this process; yields its base URL. The port
    is the kernel's pick (bound here and handed to uvicorn, so no other worker can take it in
    between): never one of the fixed ports of `make run` or of other servers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="error"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
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
        sock.close()


def login(base_url: str, email: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/token",
        data={"username": email, "password": DEMO_PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def self_and_stand_in(base_url: str, token: str) -> dict[str, int]:
    """The caller's own user id and a stand-in's (another person of the seed) for the
    `before_call` hook of `st_hooks.py`: see there why."""
    me = httpx.get(
        f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    me.raise_for_status()
    admin = login(base_url, ROLE_LOGINS["admin"])
    users = httpx.get(
        f"{base_url}/api/v1/users",
        params={"active": "true"},
        headers={"Authorization": f"Bearer {admin}"},
        timeout=30,
    )
    users.raise_for_status()
    own = me.json()["id"]
    rows = users.json()
    rows = rows["items"] if isinstance(rows, dict) else rows
    others = [u["id"] for u in rows if u["id"] != own and u.get("kind", "person") == "person"]
    return {"user_id": own, "stand_in": others[0]}


def write_config(path: Path) -> None:
    """schemathesis.toml: the business-rule 422s of `BUSINESS_RULES`, per operation; and a
    413 (the documented answer to a body past the upload limit) counts as rejecting invalid
    data: the coverage phase sends 10,001 resource ids of 2,048 characters each to see the
    10,000-item limit refused, and the body limit refuses it first."""
    lines = [
        "[checks.negative_data_rejection]",
        "expected-statuses = "
        '["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]',
        "",
    ]
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
    cpu_seconds: float = 0.0  # Schemathesis's and the server's, summed: a figure load cannot skew


def run_schemathesis(
    role: str, base_url: str, workdir: Path, *, phases: str | None = None
) -> RunResult:
    """`st run` with every check as `role`; its exit code says whether anything failed."""
    token = login(base_url, ROLE_LOGINS[role])
    forbidden = workdir / f"forbidden-{role}.json"
    fin = login(base_url, ROLE_LOGINS["financial_admin"])
    found = forbidden_for(role, ROLE_LOGINS[role], base_url, fin)
    forbidden.write_text(json.dumps(found), encoding="utf-8")
    own = workdir / f"self-{role}.json"
    own.write_text(json.dumps(self_and_stand_in(base_url, token)), encoding="utf-8")
    # The document read here (generating it takes seconds on a busy machine: past st's own
    # 10 s limit for loading a schema), then handed to st as a file.
    document = workdir / "openapi.json"
    response = httpx.get(f"{base_url}/api/openapi.json", timeout=120)
    response.raise_for_status()
    document.write_bytes(response.content)
    config = workdir / "schemathesis.toml"
    write_config(config)
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "st_hooks",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "FINOPS_FUZZ_FORBIDDEN": str(forbidden),
        "FINOPS_FUZZ_SELF": str(own),
        "NO_COLOR": "1",
    }
    command = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        str(document),
        "--url",
        base_url,
        "--request-timeout",
        "60",
        # `--checks all` fails any answer slower than this (st's default, 10 s, fails answers
        # held up by a busy machine: a 422 took 12 s at load average 17 on two cores)
        "--max-response-time",
        os.environ.get("FINOPS_FUZZ_MAX_RESPONSE_TIME", "30"),
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
        *(["--phases", phases] if phases else []),
        # e.g. FINOPS_FUZZ_ARGS='--include-path-regex /users --phases coverage' to narrow a run
        *shlex.split(os.environ.get("FINOPS_FUZZ_ARGS", "")),
    ]
    started = time.monotonic()
    children, server = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the server runs in a thread of this process (with pytest, idle meanwhile)
    cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    cpu += time.process_time() - server
    output = done.stdout + done.stderr
    (workdir / f"st-{role}.txt").write_text(output, encoding="utf-8")
    operations = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated", output)
    return RunResult(
        role=role,
        returncode=done.returncode,
        operations=int(operations.group(1)) if operations else 0,
        cases=int(cases.group(1)) if cases else 0,
        seconds=seconds,
        output=output,
        cpu_seconds=cpu,
    )
