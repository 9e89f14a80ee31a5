"""Schemathesis against the OpenAPI document, as each of the eight roles (issues 17 and 19).

Every operation, every check (`--checks all`: no server error, schema, status code, content
type and header conformance, negative data rejected, positive data accepted, undeclared
methods 405 with a correct `Allow`, …) plus ours (`st_hooks.py`): no response carries an id or
name outside the role's scope, the run's own session holds, and schema-valid data never fails
the models' own validation.

Sized for `make test` by default (`_runs`): every role on SQLite, the Admin and the Product
Owner on PostgreSQL, `FINOPS_FUZZ_EXAMPLES` examples per operation (default 3). `make fuzz`
(FINOPS_FUZZ=1) runs every role on both databases with 100. FINOPS_FUZZ_DATABASES picks the
databases, FINOPS_FUZZ_SEED the seed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PREFIX, _pg_execute, _pg_url
from tests.contract.harness import (
    ROLE_LOGINS,
    copy_data_dir,
    fuzz_examples,
    load_seed,
    run_schemathesis,
    serve,
    settings_for,
)

FULL = os.environ.get("FINOPS_FUZZ") == "1"
DATABASES = os.environ.get("FINOPS_FUZZ_DATABASES", "sqlite,postgres").split(",")
# The coverage phase (cases derived from the document: boundaries, negative values, undeclared
# methods) is most of a run's time and does not shrink with the example count. In `make test`
# it runs for the Admin (who reaches every operation) and the five scoped roles (whose every
# answer the scope check reads) on SQLite and for the Admin on PostgreSQL (where ids past
# 2^31 overflow); the other runs use the examples, fuzzing and stateful phases only.
# `make fuzz` runs every phase everywhere.
LIGHT = "examples,fuzzing,stateful"
SQLITE_LIGHT = {"financial_admin", "vendor_manager"}
PG_RUNS = {"admin": None, "product_owner": LIGHT}


def _runs() -> list[Any]:
    runs = []
    for db in DATABASES:
        for role in ROLE_LOGINS:
            if FULL:
                phases = None
            elif db == "sqlite":
                phases = LIGHT if role in SQLITE_LIGHT else None
            elif role in PG_RUNS:
                phases = PG_RUNS[role]
            else:
                continue
            marks = [pytest.mark.postgres] if db == "postgres" else []
            runs.append(pytest.param(db, role, phases, id=f"{db}-{role}", marks=marks))
    return runs


@pytest.fixture(scope="module")
def seeds() -> Iterator[dict[str, tuple[object, Path]]]:
    """The demo, loaded at most once per database and worker: kind -> (handle, data folder)."""
    loaded: dict[str, tuple[object, Path]] = {}
    yield loaded
    for kind, (handle, _) in loaded.items():
        if kind == "postgres":
            asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{handle}" WITH (FORCE)'))


def _seed(
    kind: str, request: pytest.FixtureRequest, seeds: dict[str, tuple[object, Path]]
) -> tuple[object, Path]:
    if kind in seeds:
        return seeds[kind]
    root = request.getfixturevalue("tmp_path_factory").mktemp(f"seed-{kind}")
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        db = root / "finops.db"
        shutil.copyfile(template, db)
        load_seed(settings_for(f"sqlite+aiosqlite:///{db}", root / "data"))
        seeds[kind] = (db, root / "data")
    else:
        pg_template: str = request.getfixturevalue("pg_template")
        name = f"{PREFIX}seed_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
        seeds[kind] = (name, root / "data")  # dropped by `seeds` even if the load fails
        load_seed(settings_for(_pg_url(name), root / "data"))
    return seeds[kind]


@pytest.mark.parametrize(("kind", "role", "phases"), _runs())
def test_every_operation_as_each_role(
    kind: str,
    role: str,
    phases: str | None,
    seeds: dict[str, tuple[object, Path]],
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    handle, data = _seed(kind, request, seeds)
    copy_data_dir(data, tmp_path / "data")
    if kind == "sqlite":
        db = tmp_path / "finops.db"
        shutil.copyfile(str(handle), db)
        url = f"sqlite+aiosqlite:///{db}"
        drop = None
    else:
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{handle}"'))
        url, drop = _pg_url(name), name
    try:
        with serve(settings_for(url, tmp_path / "data")) as base_url:
            result = run_schemathesis(role, base_url, tmp_path, phases=phases)
    finally:
        if drop:
            asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)'))
    print(  # noqa: T201 (the figures of the run, shown with -s and by `make fuzz`)
        f"schemathesis {kind} {role}: {result.operations} operations, {result.cases} cases, "
        f"{fuzz_examples()} examples each, phases {phases or 'all'}, {result.seconds:.1f} s "
        f"({result.cpu_seconds:.0f} s CPU), exit {result.returncode}"
    )
    assert result.operations > 0, result.output[-3000:]
    assert result.returncode == 0, (
        f"full output: {tmp_path / f'st-{role}.txt'}\n" + result.output[-20000:]
    )
