"""SQLAlchemy metadata, engines and sessions. Built by the app factory, never at import time."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, MetaData, event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from adapters.clock import utc_now

# One naming convention so constraint names agree on SQLite and PostgreSQL (and Alembic can
# alter them in batch mode).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored and returned in UTC on both databases (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:  # noqa: ARG002
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return utc_now()


def create_private_sqlite_file(url: str) -> None:
    """Create a missing SQLite database file readable by its owner only (0600): SQLite would
    create it with the umask's mode, typically world-readable. Its WAL and journal files
    take the database file's mode."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:  # created meanwhile by another process: theirs to keep
        pass


# Execution option of a connection whose transaction only reads (see `api.deps.get_read_uow`).
READ_ONLY = "finops_read_only"


def build_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        create_private_sqlite_file(url)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite would defer it).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin_immediate(conn):  # type: ignore[no-untyped-def]
            # Take the write lock at BEGIN so two writers serialize instead of one failing
            # with "database is locked" half way through its transaction. An AUTOCOMMIT
            # connection (the health probe) only reads and must not wait behind a writer.
            options = conn.get_execution_options()
            if options.get("isolation_level") == "AUTOCOMMIT":
                return
            # A read-only unit of work (a log-in) reads a snapshot and never waits for the lock.
            conn.exec_driver_sql("BEGIN" if options.get(READ_ONLY) else "BEGIN IMMEDIATE")

        return engine
    # No pre-ping (a round trip on every checkout): a pooled connection whose server end is
    # gone (a terminated backend, a restarted server) is seen closed by the driver without
    # asking the server, and replaced at checkout; one that dies while in use fails that
    # transaction (503) and the pool drops every connection older than the failure.
    # `pool_recycle` retires connections before an idle timeout between here and the server.
    # 16 kept (5 by default): a connection over the kept number is closed when given back,
    # so under 16 concurrent requests per worker most requests paid a new connection (and
    # its type introspection); at most 20 per worker (15 by default).
    engine = create_async_engine(url, pool_recycle=1800, pool_size=16, max_overflow=4)

    @event.listens_for(engine.sync_engine, "checkout")
    def _closed_connection(dbapi_conn, _record, _proxy):  # type: ignore[no-untyped-def]
        if connection_is_closed(dbapi_conn):
            raise DisconnectionError("the pooled connection was closed by the server")

    return engine


def connection_is_closed(dbapi_conn: object) -> bool:
    """Whether the driver already knows the connection is gone (asyncpg sees the server's
    termination message and the socket's end without a round trip)."""
    driver = getattr(dbapi_conn, "_connection", None)
    is_closed = getattr(driver, "is_closed", None)
    return bool(is_closed()) if callable(is_closed) else False


def build_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
