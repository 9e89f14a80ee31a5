"""Operator commands of the `finops` CLI: audit verification, backup and restore."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import typer

from adapters.config import Settings

if TYPE_CHECKING:
    from domain.audit import ChainVerdict

audit_app = typer.Typer(help="Audit log", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain: "intact (N rows)" and exit 0, or the first row that
    was edited, inserted or removed behind the service's back and exit 1."""
    from api.cli import load_settings

    verdict = asyncio.run(_verify(load_settings()))
    if verdict.intact:
        typer.echo(verdict.describe())
        return
    typer.echo(verdict.describe(), err=True)
    raise typer.Exit(1)


async def _verify(settings: Settings) -> ChainVerdict:
    from adapters.db.audit import AuditRepository
    from adapters.db.base import READ_ONLY, build_engine, build_sessionmaker

    engine = build_engine(settings.resolved_database_url())
    try:
        async with build_sessionmaker(engine)() as session:
            await session.connection(execution_options={READ_ONLY: True})
            return await AuditRepository(session).verify()
    finally:
        await engine.dispose()
