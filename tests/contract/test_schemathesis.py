"""Schemathesis against the OpenAPI document, as each of the eight roles (issues 17 and 19).

Every operation, every check (`--checks all`: no server error, schema, status code, content
type and header conformance, negative data rejected, positive data accepted, undeclared
methods 405 with a correct `Allow`, …) plus ours (`st_hooks.py`): no response carries an id or
name outside the role's scope, the run's own session holds, and schema-valid data never fails
the models' own validation.

Sized for `make test` by default (`_runs`): every role on SQLite, the Admin and the Product
Owner on PostgreSQL, `FINOPS_FUZZ_EXAMPLES` examples per operation (default 3), the coverage
phase for three of the ten runs (`COVERAGE`). `make fuzz`
(FINOPS_FUZZ=1) runs every role on both databases with 100. FINOPS_FUZZ_DATABASES picks the
databases, FINOPS_FUZZ_SEED the seed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.contract.harness import ROLE_LOGINS, fuzz_examples, run_schemathesis, serve, settings_for
from tests.demo_seed import DEMO_POSTGRES, DemoSeeds, drop_copy

FULL = os.environ.get("FINOPS_FUZZ") == "1"
DATABASES = os.environ.get("FINOPS_FUZZ_DATABASES", "sqlite,postgres").split(",")
# The coverage phase (cases derived from the document: boundaries, negative values, undeclared
# methods) is most of a run's time (~4,500 of a run's cases, ~40 s of CPU) and does not shrink
# with the example count. In `make test` it runs for the Admin (who reaches every operation)
# on both databases (on PostgreSQL ids past 2^31 overflow) and for one scoped role, the
# Product Owner (the narrowest scope: the most identifiers the scope check looks for), on
# SQLite; every other run uses the examples, fuzzing and stateful phases only (every
# operation, every check, the scope check on every answer). `make fuzz` runs every phase
# everywhere.
LIGHT = "examples,fuzzing,stateful"
COVERAGE = {("sqlite", "admin"), ("sqlite", "product_owner"), ("postgres", "admin")}
PG_ROLES = {"admin", "product_owner"}


def _runs() -> list[Any]:
    runs = []
    for db in DATABASES:
        for role in ROLE_LOGINS:
            if not FULL and db == "postgres" and role not in PG_ROLES:
                continue
            phases = None if FULL or (db, role) in COVERAGE else LIGHT
            # one worker loads the PostgreSQL demo (tests/demo_seed.py)
            marks = [pytest.mark.postgres, DEMO_POSTGRES] if db == "postgres" else []
            runs.append(pytest.param(db, role, phases, id=f"{db}-{role}", marks=marks))
    return runs


@pytest.mark.parametrize(("kind", "role", "phases"), _runs())
def test_every_operation_as_each_role(
    kind: str,
    role: str,
    phases: str | None,
    demo_seeds: DemoSeeds,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    """A fresh copy of the demo (loaded once per database, `tests/demo_seed.py`), its own
    server, `st run` as `role`."""
    copy = demo_seeds.copy(kind, tmp_path, request)
    try:
        with serve(settings_for(copy.url, copy.data)) as base_url:
            result = run_schemathesis(role, base_url, tmp_path, phases=phases)
    finally:
        drop_copy(copy)
    print(  # noqa: T201 (the figures of the run, shown with -s and by `make fuzz`)
        f"schemathesis {kind} {role}: {result.operations} operations, {result.cases} cases, "
        f"{fuzz_examples()} examples each, phases {phases or 'all'}, {result.seconds:.1f} s "
        f"({result.cpu_seconds:.0f} s CPU), exit {result.returncode}"
    )
    assert result.operations > 0, result.output[-3000:]
    assert result.returncode == 0, (
        f"full output: {tmp_path / f'st-{role}.txt'}\n" + result.output[-20000:]
    )
