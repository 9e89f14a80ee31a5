"""Test fixtures: a freshly migrated database per test, on SQLite and on PostgreSQL.

Each backend is migrated with Alembic once per session into a template; every test then gets
its own copy (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL), so tests
share no state and need no clean-up by DELETE.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from _pytest.nodeid import NodeId

from adapters.config import Settings
from adapters.db.migrate import upgrade
from adapters.security.passwords import Argon2PasswordHasher
from api.app import create_app
from api.container import Container, build_container
from tests.demo_seed import DemoSeeds
from tests.demo_seed import demo_seeds as load_demo_seeds

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "public"
PG_ADMIN_URL = os.environ.get("FINOPS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_JWT_SECRET = "test-secret-" + "x" * 40
PREFIX = "finops_test_"


def _pg_url(database: str, driver: str = "postgresql+asyncpg") -> str:
    base = PG_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0]
    return f"{driver}://{base}/{database}"


async def _pg_execute(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _pg_available() -> str | None:
    try:
        asyncio.run(_pg_execute("SELECT 1"))
        return None
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"{exc.__class__.__name__}: {exc}"


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A PostgreSQL database migrated to head, used as the template of each test's database."""
    problem = _pg_available()
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true but PostgreSQL is not reachable at {PG_ADMIN_URL}: {problem}")
        pytest.skip(
            f"PostgreSQL not reachable at {PG_ADMIN_URL} ({problem}); "
            "set FINOPS_TEST_POSTGRES or start it to run the PostgreSQL half"
        )
    name = f"{PREFIX}tpl_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_execute(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(_pg_url(name))
        yield name
    finally:
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of each kind, this test's own."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "finops.db"
        shutil.copyfile(template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))
    try:
        yield _pg_url(name)
    finally:
        asyncio.run(_pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        jwt_secret=TEST_JWT_SECRET,
        frontend_dir=tmp_path / "no-frontend",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
async def container(settings: Settings) -> AsyncIterator[Container]:
    built = build_container(settings)
    built.hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    try:
        yield built
    finally:
        await built.close()


@pytest.fixture
async def client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(container=container)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            "../shared/data is not present: the public billing samples live only on "
            "the team's machines, next to the repository"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSeeds]:
    """The demo loaded on `DEMO_DAY`, once per database (`tests/demo_seed.py`)."""
    yield from load_demo_seeds(tmp_path_factory)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`--dist loadgroup` for pytest 9: pytest-xdist (3.8) names a test's group by appending
    `@group` to `item._nodeid`, which pytest 9 no longer reads (the id is `item._id`), so no
    group held together: the Spark tests ran on both workers (two JVMs), and so did the
    PostgreSQL demo's readers. Appended here the way xdist would, on an xdist worker only."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if names and "@" not in item.nodeid.rpartition("]")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(names))}")  # type: ignore[attr-defined]
