"""`finops token create|list|revoke`: service accounts' API tokens from the command line (the
same use cases as `/api/v1/service-accounts/{id}/tokens`, audited as the CLI)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from domain.audit import Actor

token_app = typer.Typer(help="Service accounts' API tokens", no_args_is_help=True)

T = TypeVar("T")
CLI_ACTOR = Actor.system("cli")

Account = Annotated[int, typer.Option("--account", help="the service account's id")]


async def _in_uow(work: Callable[..., Awaitable[T]]) -> T:
    from adapters.db.uow import UnitOfWork
    from api.cli import load_settings
    from api.container import build_container
    from domain.errors import DomainError

    container = build_container(load_settings())
    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            try:
                result = await work(uow, container.clock)
            except DomainError as exc:
                await uow.rollback()
                details = "; ".join(e.message for e in exc.errors)
                typer.echo(f"{exc.message}{': ' + details if details else ''}", err=True)
                raise typer.Exit(1) from None
            await uow.commit()
            return result
    finally:
        await container.close()


def _migrated() -> None:
    from api.cli import _migrate, load_settings

    _migrate(load_settings())


@token_app.command("create")
def token_create(
    account: Account,
    name: Annotated[str, typer.Option(help="what the token is for")],
    expires_in_days: Annotated[
        int | None, typer.Option(help="days until it expires (omit: 90)")
    ] = 90,
) -> None:
    """Issue a token and print it: the only time it is shown."""
    from domain.identity.service_accounts import issue_token

    _migrated()

    async def work(uow, clock):  # type: ignore[no-untyped-def]
        return await issue_token(
            uow, clock, CLI_ACTOR, account_id=account, name=name, expires_in_days=expires_in_days
        )

    token, secret = asyncio.run(_in_uow(work))
    typer.echo(f"token {token.id} ({token.prefix}…) for service account {account}", err=True)
    typer.echo(secret)


@token_app.command("list")
def token_list(account: Account) -> None:
    """The account's tokens: id, prefix, status, created, expires, last used, name."""
    from domain.identity.service_accounts import service_account

    _migrated()

    async def work(uow, clock):  # type: ignore[no-untyped-def]
        await service_account(uow, account)
        return await uow.api_tokens.of_user(account), clock.now()

    tokens, now = asyncio.run(_in_uow(work))
    for t in tokens:
        typer.echo(
            "\t".join(
                [
                    str(t.id),
                    t.prefix,
                    t.status(now),
                    t.created_at.isoformat(timespec="seconds"),
                    t.expires_at.isoformat(timespec="seconds") if t.expires_at else "never",
                    t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "-",
                    t.name,
                ]
            )
        )


@token_app.command("revoke")
def token_revoke(
    account: Account, token_id: Annotated[int, typer.Argument(help="the token's id")]
) -> None:
    """Revoke a token: refused from the next request on."""
    from domain.identity.service_accounts import revoke_token

    _migrated()

    async def work(uow, clock):  # type: ignore[no-untyped-def]
        return await revoke_token(uow, clock, CLI_ACTOR, account_id=account, token_id=token_id)

    revoked = asyncio.run(_in_uow(work))
    typer.echo(f"revoked token {revoked.id} ({revoked.prefix}…)")
