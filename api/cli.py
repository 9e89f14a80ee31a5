"""The `finops` command: serve, migrate, create the first Admin, load the demo."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.config import Settings, describe_settings_error
from api import cli_ops
from api.cli_tokens import token_app

if TYPE_CHECKING:
    from fastapi import FastAPI

app = typer.Typer(help="FinOps Center", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
admin_app = typer.Typer(help="Administrators", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(demo_app, name="demo")
cur_app = typer.Typer(help="Cost and Usage Report", no_args_is_help=True)
app.add_typer(cur_app, name="cur")
cards_app = typer.Typer(help="Spend cards", no_args_is_help=True)
app.add_typer(cards_app, name="cards")
credits_app = typer.Typer(help="Credits", no_args_is_help=True)
app.add_typer(credits_app, name="credits")
recs_app = typer.Typer(help="Cost Optimization Hub recommendations", no_args_is_help=True)
app.add_typer(recs_app, name="recommendations")
app.add_typer(token_app, name="token")

app.add_typer(cli_ops.audit_app, name="audit")
app.command("backup")(cli_ops.backup)
app.command("restore")(cli_ops.restore)


def load_settings() -> Settings:
    """Settings or one clear line and exit 2: operators get no traceback for a typo."""
    try:
        settings = Settings()
        settings.ensure_data_dir()
        settings.resolved_jwt_secret()
        return settings
    except Exception as exc:
        typer.echo(describe_settings_error(exc), err=True)
        raise typer.Exit(2) from None


def _migrate(settings: Settings) -> None:
    from adapters.db.migrate import upgrade

    try:
        upgrade(settings.resolved_database_url())
    except Exception as exc:
        typer.echo(f"cannot migrate the database: {exc.__class__.__name__}: {exc}", err=True)
        raise typer.Exit(1) from None


async def _ensure_admin(settings: Settings, email: str, password: str) -> str | None:
    from adapters.db.uow import UnitOfWork
    from api.container import build_container
    from domain.errors import DomainError
    from domain.identity.users import ensure_admin

    container = build_container(settings)
    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            try:
                user = await ensure_admin(uow, container.hasher, email=email, password=password)
            except DomainError as exc:
                details = "; ".join(e.message for e in exc.errors)
                raise typer.BadParameter(f"{exc.message}: {details}") from None
            await uow.commit()
            return user.email if user else None
    finally:
        await container.close()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    settings = load_settings()
    _migrate(settings)
    typer.echo("database is at the newest schema")


@admin_app.command("create")
def admin_create(
    email: Annotated[str, typer.Option(help="the Admin's e-mail")],
    password: Annotated[
        str, typer.Option(help="at least 10 characters", prompt=True, hide_input=True)
    ],
) -> None:
    """Create the first Admin (does nothing when an active Admin exists)."""
    settings = load_settings()
    _migrate(settings)
    created = asyncio.run(_ensure_admin(settings, email, password))
    typer.echo(f"created Admin {created}" if created else "an active Admin already exists")


@demo_app.command("load")
def demo_load() -> None:
    """Load the demo organisation (idempotent) and print its log-ins."""
    from api.demo import load_demo

    settings = load_settings()
    _migrate(settings)
    logins = asyncio.run(load_demo(settings))
    typer.echo(f"demo log-ins (password for all: {logins.password}):")
    for login in logins.users:
        typer.echo(f"  {login.role:<20} {login.email:<24} {login.name:<16} sees {login.sees}")


@demo_app.command("generate-cur")
def demo_generate_cur(
    out: Annotated[Path, typer.Option(help="folder to write the CUR 2.0 export into")],
    rows: Annotated[int, typer.Option(help="line items in all")] = 100_000,
    accounts: Annotated[int, typer.Option(help="usage accounts")] = 12,
    resources: Annotated[int, typer.Option(help="distinct resources")] = 400,
    months: Annotated[int, typer.Option(help="billing months")] = 3,
    start: Annotated[str, typer.Option(help="first month, YYYY-MM")] = "2026-01",
    seed: Annotated[int, typer.Option(help="same seed, same files")] = 42,
) -> None:
    """Write CUR 2.0-shaped parquet (Data Exports layout) for demos and benchmarks."""
    from adapters.cur.generator import generate_cur

    files = generate_cur(
        out,
        rows=rows,
        accounts=accounts,
        resources=resources,
        months=months,
        start=start,
        seed=seed,
    )
    typer.echo(f"wrote {len(files)} file(s) under {out}")


@cur_app.command("refresh")
def cur_refresh(
    source: Annotated[str | None, typer.Option(help="default: FINOPS_CUR_PATH")] = None,
    period: Annotated[list[str] | None, typer.Option(help="only these YYYY-MM")] = None,
) -> None:
    """Read the CUR in place and materialize its billing periods (all or nothing)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from adapters.cur.engines import build_refresh_engine
    from adapters.cur.store import CurStore
    from domain.errors import DomainError

    settings = load_settings()
    where = source or settings.resolved_cur_path()
    # FINOPS_SPEND_ENGINE=spark: the pass over the line items runs on Spark (docs/spark.md)
    store = CurStore(
        settings.data_dir / "cur-store",
        engine=build_refresh_engine(settings.spend_engine, spark=settings.spark_config()),
    )
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            transient=False,
        ) as bar:
            task = bar.add_task("reading", total=None)

            def report(stage: str, done: int, total: int) -> None:
                if stage == "rows":  # a running count, not a step
                    return
                bar.update(task, description=stage, completed=done, total=total or None)

            periods = store.refresh(where, periods=period or None, progress=report)
    except DomainError as exc:
        typer.echo(f"refresh refused: {exc.message}", err=True)
        for error in exc.errors:
            typer.echo(f"  - {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.close()
    for p in periods:
        state = "final" if p.finalized else "open"
        typer.echo(
            f"{p.period}  {state:<5}  {p.rows:>12,} rows  "
            f"{p.total_unblended_cost:,.2f} {p.currency}"
        )


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


async def _generate_cards(settings: Settings, as_of: date | None) -> str:
    from api.container import build_container
    from api.jobs import generate_spend_cards

    container = build_container(settings)
    try:
        result = await generate_spend_cards(container, as_of)
    finally:
        await container.close()
    return (
        f"spend cards as of {result.as_of}: {result.created} created, "
        f"{result.refreshed} refreshed, {result.noted} noted, {result.unchanged} unchanged"
    )


@cards_app.command("generate")
def cards_generate(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="the day to run as, YYYY-MM-DD (backfill); default today"),
    ] = None,
) -> None:
    """Create the spend cards due (idempotent; for cron and backfills). Takes the same database
    lock as the server's scheduler, so the two never create a card twice."""
    day = _as_of(as_of)
    settings = load_settings()
    _migrate(settings)
    typer.echo(asyncio.run(_generate_cards(settings, day)))


async def _import_recommendations(settings: Settings, source: str, email: str) -> str:
    from adapters.db.uow import UnitOfWork
    from adapters.recommendations.export import DuckDbExportReader
    from api.container import build_container
    from domain.errors import DomainError
    from domain.recommendations.service import import_source

    container = build_container(settings)
    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            user = await uow.users.get_by_email(email)
            if user is None or not user.is_active:
                raise typer.BadParameter(f"no active user {email}")
            try:
                record = await import_source(
                    uow,
                    container.clock,
                    user,
                    container.resources,
                    DuckDbExportReader(),
                    source=source,
                )
            except DomainError as exc:
                await uow.rollback()
                details = "; ".join(
                    ", ".join(f"{k}={v}" for k, v in e.as_dict().items()) for e in exc.errors[:20]
                )
                typer.echo(f"{exc.message}: {details}", err=True)
                raise typer.Exit(1) from None
            await uow.commit()
    finally:
        await container.close()
    return (
        f"recommendations from {source}: {record.created} created, {record.updated} updated, "
        f"{record.unchanged} unchanged, {record.resolved} resolved, {record.reappeared} back, "
        f"{record.duplicates} duplicate rows"
        + (
            f"; unknown action types {', '.join(record.unknown_action_types)}"
            if record.unknown_action_types
            else ""
        )
    )


@recs_app.command("import")
def recommendations_import(
    source: Annotated[str, typer.Argument(help="a file, a folder or s3://bucket/prefix")],
    as_user: Annotated[
        str, typer.Option("--as", help="the e-mail of the Financial Admin the import is audited as")
    ],
) -> None:
    """Import a Cost Optimization Recommendations export (parquet or CSV), all or nothing."""
    settings = load_settings()
    _migrate(settings)
    typer.echo(asyncio.run(_import_recommendations(settings, source, as_user)))


async def _apply_credits(settings: Settings, period: str) -> str:
    from adapters.db.uow import UnitOfWork
    from api.container import build_container
    from domain.audit import Actor
    from domain.credits.service import apply_credits

    container = build_container(settings)
    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            try:
                found = await apply_credits(
                    uow,
                    container.clock,
                    Actor.system("finops credits apply"),
                    container.credit_spend(uow),
                    period=period,
                )
                await uow.commit()
            except BaseException:
                await uow.rollback()
                raise
    finally:
        await container.close()
    total = sum((a.amount for a in found), start=0)
    return f"credits applied to {period}: {len(found)} application(s), {total:.2f} in all"


@credits_app.command("apply")
def credits_apply(
    period: Annotated[str, typer.Option("--period", help="the finished month, YYYY-MM")],
) -> None:
    """Apply every budget's credits to a finished, open month (month close does it too).
    Idempotent: a second run applies nothing more."""
    from domain.errors import DomainError
    from domain.periods import is_billing_period

    if not is_billing_period(period):
        raise typer.BadParameter(f"{period!r} is not a month (YYYY-MM)")
    settings = load_settings()
    _migrate(settings)
    try:
        typer.echo(asyncio.run(_apply_credits(settings, period)))
    except DomainError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command("openapi")
def openapi(out: Annotated[Path | None, typer.Option(help="file to write")] = None) -> None:
    """Print (or write) the OpenAPI document."""
    from api.app import create_app

    document = json.dumps(create_app(Settings()).openapi(), indent=2, sort_keys=True) + "\n"
    if out:
        out.write_text(document)
    else:
        sys.stdout.write(document)


def worker_app() -> FastAPI:
    """The app of one server worker, built in that worker's process from the environment
    (uvicorn imports it by name: a worker is a fresh interpreter, not a fork of `serve`)."""
    from adapters.logging import configure_logging
    from api.app import create_app

    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)


def default_workers() -> int:
    """One worker per core: a worker is one event loop, so one process uses one core."""
    return os.cpu_count() or 1


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="worker processes [default: the number of cores]"),
    ] = None,
) -> None:
    """Migrate, create the first Admin from FINOPS_ADMIN_EMAIL / FINOPS_ADMIN_PASSWORD when
    none exists, then serve the API and the dashboard from `--workers` processes.

    Workers share the database and the data folder: CUR refreshes and allocation
    recomputes take a lock file in it, and the card scheduler and webhook refreshes a lease
    in the database, so only one runs at a time across the workers (and servers)."""
    import uvicorn

    from adapters.logging import configure_logging

    settings = load_settings()
    configure_logging(settings.log_level)
    _migrate(settings)
    if settings.admin_email and settings.admin_password:
        created = asyncio.run(
            _ensure_admin(settings, settings.admin_email, settings.admin_password)
        )
        if created:
            typer.echo(f"created the first Admin: {created}", err=True)
    count = workers or default_workers()
    # the workers inherit the environment: each runs the spend-card scheduler loop, and only
    # the holder of its database lease generates (api/jobs.py)
    os.environ.setdefault("FINOPS_CARD_SCHEDULER", "true")
    typer.echo(f"FinOps Center on http://{host}:{port} ({count} worker(s))", err=True)
    uvicorn.run(
        "api.cli:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=count,
        log_config=None,
        proxy_headers=bool(os.environ.get("FINOPS_BEHIND_PROXY")),
    )


if __name__ == "__main__":
    app()
