"""The audit log is append-only in the database and its hash chain tells `finops audit verify`
which row was edited, inserted or removed behind the service's back (both databases)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError

from adapters.db.audit import chain_link
from adapters.db.models import AuditEventRow
from domain.audit import ChainLink
from tests.factories import auth_headers, unique_email

FINOPS = Path(sys.executable).parent / "finops"


async def _verify(settings) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINOPS_")}
    env.update(
        FINOPS_DATA_DIR=str(settings.data_dir),
        FINOPS_DATABASE_URL=settings.database_url,
        FINOPS_JWT_SECRET=settings.jwt_secret,
    )
    return await asyncio.to_thread(
        subprocess.run,
        [str(FINOPS), "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


async def _create_users(client, headers, count: int) -> None:
    for _ in range(count):
        response = await client.post(
            "/api/v1/users",
            headers=headers,
            json={"email": unique_email(), "name": "Someone", "role": "cloud_engineer"},
        )
        assert response.status_code == 201, response.text


async def _row(container, row_id: int) -> ChainLink:
    async with container.sessionmaker() as session:
        return chain_link(await session.get_one(AuditEventRow, row_id))


async def _as_attacker(container, *statements: Any) -> None:
    """Statements run straight on the database, the append-only triggers set aside first
    (as someone with the database's credentials would)."""
    postgres = container.engine.dialect.name == "postgresql"
    async with container.engine.begin() as conn:
        if postgres:
            await conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            await conn.execute(text("DROP TRIGGER audit_events_no_update"))
            await conn.execute(text("DROP TRIGGER audit_events_no_delete"))
        for statement in statements:
            await conn.execute(text(statement) if isinstance(statement, str) else statement)
        if postgres:
            await conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


async def _ids(container) -> list[int]:
    async with container.engine.connect() as conn:
        return list((await conn.scalars(text("SELECT id FROM audit_events ORDER BY id"))).all())


@pytest.fixture
async def audited(client, container):
    """An audit log of a few rows written through the API."""
    headers = await auth_headers(client, container)
    await _create_users(client, headers, 3)
    return await _ids(container)


class TestAppendOnly:
    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_events SET action = 'user.nothing'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
        ],
    )
    async def test_the_database_refuses_to_change_audit_rows(self, container, audited, statement):
        postgres = container.engine.dialect.name == "postgresql"
        if statement.startswith("TRUNCATE") and not postgres:
            pytest.skip("SQLite has no TRUNCATE (a DELETE without WHERE is covered)")
        with pytest.raises(DBAPIError, match="append-only"):
            async with container.engine.begin() as conn:
                await conn.execute(text(statement))
        assert await _ids(container) == audited


class TestVerify:
    async def test_an_untouched_log_is_intact_with_its_count(self, settings, audited):
        result = await _verify(settings)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == f"intact ({len(audited)} rows)"

    async def test_an_edited_row_is_named(self, settings, container, audited):
        row = audited[1]
        await _as_attacker(
            container, f"UPDATE audit_events SET actor_email = 'x@corp.example' WHERE id = {row}"
        )
        result = await _verify(settings)
        assert result.returncode == 1
        assert f"row {row} was edited" in result.stderr

    async def test_an_edited_and_rehashed_row_breaks_the_chain_after_it(
        self, settings, container, audited
    ):
        row = await _row(container, audited[1])
        edited = replace(row, actor_email="x@corp.example")
        digest = edited.computed_hash(row.prev_hash or "")
        await _as_attacker(
            container,
            f"UPDATE audit_events SET actor_email = 'x@corp.example', hash = '{digest}' "
            f"WHERE id = {row.id}",
        )
        result = await _verify(settings)
        assert result.returncode == 1
        assert f"or row {row.id} was edited and re-hashed" in result.stderr

    async def test_a_removed_row_is_named_by_its_predecessor(self, settings, container, audited):
        await _as_attacker(container, f"DELETE FROM audit_events WHERE id = {audited[2]}")
        result = await _verify(settings)
        assert result.returncode == 1
        assert f"a row was removed after row {audited[1]}" in result.stderr

    async def test_removing_the_newest_rows_is_seen_against_the_head(
        self, settings, container, audited
    ):
        await _as_attacker(container, f"DELETE FROM audit_events WHERE id >= {audited[-2]}")
        result = await _verify(settings)
        assert result.returncode == 1
        assert f"rows were removed after row {audited[-3]}" in result.stderr

    async def test_a_row_inserted_without_a_hash_is_named(self, settings, container, audited):
        new = audited[-1] + 1
        await _as_attacker(
            container,
            "INSERT INTO audit_events (id, occurred_at, actor_email, action, entity_type, "
            f"entity_id) VALUES ({new}, CURRENT_TIMESTAMP, 'x@corp.example', 'user.create', "
            "'user', '99')",
        )
        result = await _verify(settings)
        assert result.returncode == 1
        assert f"row {new} was inserted" in result.stderr

    async def test_a_row_inserted_with_a_forged_link_is_named(self, settings, container, audited):
        """The attacker chains the row onto the last one correctly: the head still ends
        before it."""
        last = await _row(container, audited[-1])
        forged = replace(
            last, id=last.id + 1, actor_id=None, after={"role": "admin"}, prev_hash=last.hash
        )
        values = {**asdict(forged), "hash": forged.computed_hash(last.hash or "")}
        await _as_attacker(container, insert(AuditEventRow).values(**values))
        result = await _verify(settings)
        assert result.returncode == 1
        assert f"row {forged.id} was inserted" in result.stderr


class TestConcurrentWriters:
    async def test_32_writers_at_once_form_one_chain(self, client, container, settings):
        headers = await auth_headers(client, container)
        before = len(await _ids(container))

        async def create() -> int:
            response = await client.post(
                "/api/v1/users",
                headers=headers,
                json={"email": unique_email(), "name": "Racer", "role": "cloud_engineer"},
            )
            return response.status_code

        statuses = await asyncio.gather(*(create() for _ in range(32)))
        assert statuses == [201] * 32
        result = await _verify(settings)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == f"intact ({before + 32} rows)"
