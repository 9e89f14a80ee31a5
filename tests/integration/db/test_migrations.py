"""Migrations are the schema: upgrade and downgrade work on both databases, and the models
agree with what the migrations build."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from adapters.db.base import Base, build_engine
from adapters.db.migrate import downgrade, upgrade


async def _inspect(url: str):
    engine = build_engine(url)
    try:
        async with engine.connect() as conn:

            def read(sync_conn):
                context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                diff = compare_metadata(context, Base.metadata)
                return set(inspect(sync_conn).get_table_names()), diff

            return await conn.run_sync(read)
    finally:
        await engine.dispose()


class TestMigrations:
    def test_models_match_the_migrated_schema(self, database_url):
        tables, diff = asyncio.run(_inspect(database_url))
        assert {"users", "audit_events", "alembic_version"} <= tables
        assert diff == []

    def test_downgrade_to_base_and_back(self, database_url):
        downgrade(database_url, "base")
        tables, _ = asyncio.run(_inspect(database_url))
        assert tables <= {"alembic_version"}
        upgrade(database_url)
        tables, diff = asyncio.run(_inspect(database_url))
        assert "users" in tables
        assert diff == []
