"""Operator commands of the `finops` CLI: audit verification, backup and restore."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from adapters.config import Settings
from domain.errors import DomainError

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


def _folder(positional: Path | None, option: Path | None, what: str) -> Path:
    chosen = positional or option
    if chosen is None:
        raise typer.BadParameter(f"give the {what} folder")
    return chosen


def _fail(exc: DomainError) -> NoReturn:
    typer.echo(exc.message, err=True)
    for error in exc.errors:
        if error.message != exc.message:
            typer.echo(f"  - {error.message}", err=True)
    raise typer.Exit(1)


def backup(
    folder: Annotated[Path | None, typer.Argument(help="a new or empty folder")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="same as FOLDER")] = None,
    data_only: Annotated[
        bool, typer.Option(help="only the data folder (PostgreSQL: the database via pg_dump)")
    ] = False,
) -> None:
    """Back up the SQLite database (online backup: the service may keep running) and the data
    folder, with backup.json listing each file's SHA-256."""
    from adapters import backup as backups
    from api.cli import load_settings

    settings = load_settings()
    target = _folder(folder, out, "backup")
    try:
        if data_only:
            report = backups.backup_data_only(settings.data_dir, target)
        else:
            report = backups.backup(settings.resolved_database_url(), settings.data_dir, target)
    except DomainError as exc:
        _fail(exc)
    typer.echo(f"backed up {report.files} files ({report.bytes:,} bytes) into {report.folder}")


def restore(
    folder: Annotated[Path | None, typer.Argument(help="a folder `finops backup` wrote")] = None,
    from_: Annotated[Path | None, typer.Option("--from", help="same as FOLDER")] = None,
    force: Annotated[bool, typer.Option(help="replace an existing database")] = False,
) -> None:
    """Check every file of a backup against its SHA-256, then restore the database and the
    data folder (stop the service first). A missing or altered file restores nothing."""
    from adapters import backup as backups
    from api.cli import load_settings

    settings = load_settings()
    source = _folder(folder, from_, "backup")
    try:
        report = backups.restore(
            source, settings.resolved_database_url(), settings.data_dir, force=force
        )
    except DomainError as exc:
        _fail(exc)
    typer.echo(f"restored {report.files} files from {report.folder}; checksums verified")
