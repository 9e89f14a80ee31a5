"""Account application services: add by hand, change, "check for new accounts" (discover),
and the scoped reads. Each takes the unit of work, writes nothing on refusal and never
commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from domain.accounts.model import (
    Account,
    AccountSource,
    AccountType,
    DiscoveredAccount,
    Discovery,
    account_id_errors,
    parse_account_type,
)
from domain.audit import Actor, AuditEntry
from domain.budgets.text import TextError, clean_name
from domain.errors import Conflict, ErrorDetail, NotFound, RuleViolation
from domain.identity.emails import is_valid_email
from domain.ports import AccountDirectory, UnitOfWork
from domain.scope import ResolvedScope


def _view(account: Account) -> dict[str, Any]:
    return {
        "name": account.name,
        "email": account.email,
        "status": account.status,
        "vended_date": account.vended_date.isoformat() if account.vended_date else None,
        "source": account.source.value,
        "account_type": account.account_type.value if account.account_type else None,
    }


@dataclass(frozen=True)
class AccountChanges:
    name: str | None = None
    email: str | None = None
    status: str | None = None
    account_type: str | None = None
    vended_date: date | None = None


def _check(changes: AccountChanges) -> tuple[list[ErrorDetail], AccountType | None]:
    errors: list[ErrorDetail] = []
    if changes.name is not None:
        try:
            clean_name(changes.name)
        except TextError as exc:
            errors.append(ErrorDetail(message=str(exc), field="name"))
    if changes.email is not None and changes.email and not is_valid_email(changes.email):
        errors.append(
            ErrorDetail(message=f"'{changes.email}' is not a valid e-mail address", field="email")
        )
    account_type = parse_account_type(changes.account_type)
    if changes.account_type is not None and account_type is None:
        allowed = ", ".join(t.value for t in AccountType)
        errors.append(
            ErrorDetail(message=f"account type must be one of: {allowed}", field="account_type")
        )
    return errors, account_type


async def list_accounts(
    uow: UnitOfWork,
    scope: ResolvedScope,
    *,
    q: str | None = None,
    account_type: AccountType | None = None,
    source: AccountSource | None = None,
) -> list[Account]:
    """Accounts in the caller's scope: finance roles see all; an owner sees the accounts whose
    spend reaches their scope (split onto one of their budgets, or running a workload)."""
    return await uow.accounts.list(
        scope,
        q=q,
        account_type=account_type.value if account_type else None,
        source=source.value if source else None,
    )


async def get_account(uow: UnitOfWork, scope: ResolvedScope, *, account_id: str) -> Account:
    account = await uow.accounts.find(scope, account_id)
    if account is None:
        raise NotFound("account not found")
    return account


async def add_account(
    uow: UnitOfWork,
    actor: Actor,
    *,
    account_id: str,
    name: str,
    email: str | None,
    account_type: str | None,
    vended_date: date | None,
) -> Account:
    errors = account_id_errors(account_id)
    more, parsed_type = _check(AccountChanges(name=name, email=email, account_type=account_type))
    errors += more
    if errors:
        raise RuleViolation("the account cannot be added", errors)
    if await uow.accounts.get(account_id) is not None:
        raise Conflict(
            f"account {account_id} already exists",
            [ErrorDetail(message="already onboarded", field="account_id")],
        )
    account = Account(
        account_id=account_id,
        name=clean_name(name),
        email=email or None,
        status="ACTIVE",
        vended_date=vended_date,
        source=AccountSource.MANUAL,
        account_type=parsed_type,
    )
    await uow.accounts.add(account)
    await uow.audit.record(
        AuditEntry(actor, "account.create", "account", account_id, after=_view(account))
    )
    return account


async def update_account(
    uow: UnitOfWork, actor: Actor, *, account_id: str, changes: AccountChanges
) -> Account:
    account = await uow.accounts.get(account_id)
    if account is None:
        raise NotFound("account not found")
    errors, parsed_type = _check(changes)
    if errors:
        raise RuleViolation("the account cannot be changed", errors)
    updated = replace(
        account,
        name=clean_name(changes.name) if changes.name is not None else account.name,
        email=(changes.email or None) if changes.email is not None else account.email,
        status=changes.status.strip().upper() if changes.status else account.status,
        account_type=parsed_type if changes.account_type is not None else account.account_type,
        vended_date=changes.vended_date or account.vended_date,
    )
    if updated != account:
        await uow.accounts.save(updated)
        await uow.audit.record(
            AuditEntry(
                actor,
                "account.update",
                "account",
                account_id,
                before=_view(account),
                after=_view(updated),
            )
        )
    return updated


@dataclass(frozen=True)
class DiscoveryResult:
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: int
    # per source: 'ok', 'not configured', or why it could not be read
    sources: Mapping[str, str] = field(default_factory=dict)


async def check_for_new_accounts(
    uow: UnitOfWork, actor: Actor, directory: AccountDirectory
) -> DiscoveryResult:
    """ "Check for new accounts": ask the account sources, then merge what they report."""
    report: Discovery = await directory.discover()
    result = await discover(uow, actor, found=report.found)
    return replace(result, sources=dict(report.sources))


async def discover(
    uow: UnitOfWork, actor: Actor, *, found: Sequence[DiscoveredAccount]
) -> DiscoveryResult:
    """Merge what Organizations and the CUR report. Organizations is the authority for name,
    e-mail, status and joined date; an account first seen in the CUR keeps `source=cur` until
    Organizations reports it. Nothing is ever deleted; the type set here is never touched."""
    merged: dict[str, DiscoveredAccount] = {}
    for item in sorted(found, key=lambda a: a.source != AccountSource.ORGANIZATIONS):
        if account_id_errors(item.account_id):
            continue  # not an AWS account id (e.g. another cloud's FOCUS sub-account)
        merged.setdefault(item.account_id, item)
    existing = await uow.accounts.get_many(list(merged))
    created: list[str] = []
    updated: list[str] = []
    unchanged = 0
    for account_id, item in sorted(merged.items()):
        current = existing.get(account_id)
        if current is None:
            account = Account(
                account_id=account_id,
                name=item.name or account_id,
                email=item.email,
                status=item.status or "ACTIVE",
                vended_date=item.vended_date,
                source=item.source,
                account_type=None,
            )
            await uow.accounts.add(account)
            await uow.audit.record(
                AuditEntry(actor, "account.discover", "account", account_id, after=_view(account))
            )
            created.append(account_id)
            continue
        if item.source is not AccountSource.ORGANIZATIONS:
            unchanged += 1
            continue
        refreshed = replace(
            current,
            name=item.name or current.name,
            email=item.email or current.email,
            status=item.status or current.status,
            vended_date=item.vended_date or current.vended_date,
            source=AccountSource.ORGANIZATIONS
            if current.source is AccountSource.CUR
            else current.source,
        )
        if refreshed != current:
            await uow.accounts.save(refreshed)
            await uow.audit.record(
                AuditEntry(
                    actor,
                    "account.update",
                    "account",
                    account_id,
                    before=_view(current),
                    after=_view(refreshed),
                    details={"via": "discover"},
                )
            )
            updated.append(account_id)
        else:
            unchanged += 1
    return DiscoveryResult(tuple(created), tuple(updated), unchanged)
