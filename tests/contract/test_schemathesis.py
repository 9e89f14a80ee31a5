"""Schemathesis against the OpenAPI document, as each of the eight roles (issues 17 and 19).

Every operation, every check (`--checks all`: no server error, schema, status code, content
type and header conformance, negative data rejected, positive data accepted, undeclared
methods 405 with a correct `Allow`, …) plus two of ours (`st_hooks.py`): no response carries
an id or name outside the role's scope, and schema-valid data never fails the models' own
validation. FINOPS_FUZZ_EXAMPLES examples per operation (3 here; `make fuzz`: 100 on SQLite
and PostgreSQL). FINOPS_FUZZ_DATABASES picks the databases (default: sqlite only, once).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

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

DATABASES = os.environ.get("FINOPS_FUZZ_DATABASES", "sqlite").split(",")


@pytest.fixture(scope="module", params=DATABASES)
def seed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, object, Path]]:
    """The demo, loaded once per database: (kind, database handle, data folder)."""
    root = tmp_path_factory.mktemp(f"seed-{request.param}")
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        db = root / "finops.db"
        shutil.copyfile(template, db)
        load_seed(settings_for(f"sqlite+aiosqlite:///{db}", root / "data"))
        yield "sqlite", db, root / "data"
        return
    pg_template: str = request.getfixturevalue("pg_template")
    name = f"{PREFIX}seed_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    try:
        load_seed(settings_for(_pg_url(name), root / "data"))
        yield "postgres", name, root / "data"
    finally:
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.skipif(
    os.environ.get("FINOPS_FUZZ") != "1",
    reason="the per-role Schemathesis run is opt-in (FINOPS_FUZZ=1, `make fuzz`) until its "
    "last failures are fixed: see docs/decisions.md",
)
@pytest.mark.parametrize("role", list(ROLE_LOGINS))
def test_every_operation_as_each_role(role: str, seed, tmp_path: Path) -> None:
    kind, handle, data = seed
    copy_data_dir(data, tmp_path / "data")
    if kind == "sqlite":
        db = tmp_path / "finops.db"
        shutil.copyfile(handle, db)
        url = f"sqlite+aiosqlite:///{db}"
        drop = None
    else:
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{handle}"'))
        url, drop = _pg_url(name), name
    try:
        with serve(settings_for(url, tmp_path / "data")) as base_url:
            result = run_schemathesis(role, base_url, tmp_path)
    finally:
        if drop:
            asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)'))
    print(  # noqa: T201 (the figures of the run, shown with -s and by `make fuzz`)
        f"schemathesis {kind} {role}: {result.operations} operations, {result.cases} cases, "
        f"{fuzz_examples()} examples each, {result.seconds:.1f} s, exit {result.returncode}"
    )
    assert result.operations > 0, result.output[-3000:]
    assert result.returncode == 0, result.output[-20000:]
