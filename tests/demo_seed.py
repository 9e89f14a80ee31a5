"""The demo organisation loaded once and copied for each test that reads it (`demo_seed`).

A demo load is 15-50 s of the suite (more on a busy machine), so the tests that read the demo
as loaded on `DEMO_DAY` (the Schemathesis runs of `tests/contract`, `TestDemoSpend` of
`tests/api/test_demo.py`) share one load per database and copy it:

- SQLite: one database file and data folder in the run's shared temporary folder. Under
  pytest-xdist the workers share it: the first to need it loads it under a file lock, the
  others wait for it and copy it.
- PostgreSQL: one database per pytest process, the template of each test's copy
  (`CREATE DATABASE ... TEMPLATE`), dropped at the end. The tests that read it are in the
  xdist group `demo-postgres` (`DEMO_POSTGRES`), so one worker loads it.

Each test gets its own copy of the database and of the data folder (fuzzing writes; a test
must not inherit another's changes).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from adapters.clock import FixedClock
from adapters.config import Settings
from api.demo import load_demo

# a day in the demo year after the spike of 12 August, mid-month
DEMO_DAY = date(2026, 9, 16)
SEED_JWT_SECRET = "demo-seed-" + "x" * 40
DEMO_POSTGRES = pytest.mark.xdist_group("demo-postgres")


def seed_settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        jwt_secret=SEED_JWT_SECRET,
        frontend_dir=data_dir / "no-frontend",
        _env_file=None,  # type: ignore[call-arg]
    )


def load_seed(settings: Settings) -> None:
    asyncio.run(load_demo(settings, FixedClock.on(DEMO_DAY)))


@dataclass(frozen=True)
class Copy:
    """A test's own copy of the demo: its database URL and data folder; `drop` names the
    PostgreSQL database to drop afterwards (None on SQLite)."""

    url: str
    data: Path
    drop: str | None


class DemoSeeds:
    """The loaded demo per database kind, loaded on first use."""

    def __init__(self, shared: Path) -> None:
        self._shared = shared
        self._pg: str | None = None
        self._pg_data: Path | None = None

    def _sqlite(self, request: pytest.FixtureRequest) -> tuple[Path, Path]:
        folder = self._shared / "demo-seed-sqlite"
        db, data, done = folder / "finops.db", folder / "data", folder / "loaded"
        with (self._shared / "demo-seed-sqlite.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)  # a load that failed half-way
                folder.mkdir()
                template: Path = request.getfixturevalue("sqlite_template")
                shutil.copyfile(template, db)
                load_seed(seed_settings(f"sqlite+aiosqlite:///{db}", data))
                done.touch()
        return db, data

    def _postgres(self, request: pytest.FixtureRequest) -> tuple[str, Path]:
        from tests.conftest import PREFIX, _pg_execute, _pg_url

        if self._pg is None or self._pg_data is None:
            template: str = request.getfixturevalue("pg_template")
            tmp: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
            name = f"{PREFIX}seed_{uuid.uuid4().hex[:10]}"
            data = tmp.mktemp("demo-seed-postgres") / "data"
            asyncio.run(_pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            self._pg = name  # dropped by `close` even if the load fails
            load_seed(seed_settings(_pg_url(name), data))
            self._pg_data = data
        return self._pg, self._pg_data

    def copy(self, kind: str, target: Path, request: pytest.FixtureRequest) -> Copy:
        """A fresh copy of the demo on `kind` ("sqlite" or "postgres") for the test of
        `request`; its data folder is `target / "data"` (its SQLite file `target /
        "finops.db"`). Drop `Copy.drop` afterwards (`drop_copy`)."""
        from tests.conftest import PREFIX, _pg_execute, _pg_url

        if kind == "sqlite":
            db, data = self._sqlite(request)
            shutil.copytree(data, target / "data", dirs_exist_ok=True)
            shutil.copyfile(db, target / "finops.db")
            return Copy(f"sqlite+aiosqlite:///{target / 'finops.db'}", target / "data", None)
        seed, data = self._postgres(request)
        shutil.copytree(data, target / "data", dirs_exist_ok=True)
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{seed}"'))
        return Copy(_pg_url(name), target / "data", name)

    def close(self) -> None:
        from tests.conftest import _pg_execute

        if self._pg is not None:
            asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{self._pg}" WITH (FORCE)'))


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder: under xdist, the parent of the workers' own (shared)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def drop_copy(copy: Copy) -> None:
    from tests.conftest import _pg_execute

    if copy.drop is not None:
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{copy.drop}" WITH (FORCE)'))


def demo_seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSeeds]:
    seeds = DemoSeeds(shared_folder(tmp_path_factory))
    try:
        yield seeds
    finally:
        seeds.close()
