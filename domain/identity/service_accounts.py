"""Service accounts and their API tokens: scripts authenticate as a user of kind "service"
(a role and a financial scope like a person's, no password) with a bearer token shown once.

A token is `fct_` + 256 random bits (URL-safe base64); only its SHA-256 is stored, so a stolen
database yields no usable token. Revoking a token or deactivating its account stops it on the
next request: every request looks the token up."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from domain.audit import Actor, AuditEntry
from domain.budgets.text import TextError, clean_name
from domain.errors import ErrorDetail, NotFound, RuleViolation, Unauthenticated
from domain.identity.roles import parse_role
from domain.identity.users import SERVICE_KIND, NewUser, User
from domain.ports import Clock, UnitOfWork

TOKEN_PREFIX = "fct_"
SERVICE_DOMAIN = "service-accounts.invalid"
MAX_TOKEN_DAYS = 3650
#: `last_used_at` is written at most this often per token (not one write per request).
LAST_USED_GRANULARITY = timedelta(minutes=1)
BAD_TOKEN = "invalid, expired or revoked API token"


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


@dataclass(frozen=True)
class NewApiToken:
    user_id: int
    name: str
    prefix: str
    token_hash: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None


class ApiTokenStore(Protocol):
    async def add(self, new: NewApiToken) -> ApiToken: ...

    async def get(self, token_id: int) -> ApiToken | None: ...

    async def of_user(self, user_id: int) -> list[ApiToken]: ...

    async def find_by_hash(self, token_hash: str) -> ApiToken | None: ...

    async def revoke(self, token_id: int, at: datetime) -> ApiToken: ...

    async def touch(self, token_id: int, at: datetime) -> None: ...


class TokenUnitOfWork(UnitOfWork, Protocol):
    @property
    def api_tokens(self) -> ApiTokenStore: ...


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_api_token(token: str) -> bool:
    return token.startswith(TOKEN_PREFIX)


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40].strip("-")
    return slug or "service"


async def create_service_account(
    uow: UnitOfWork, actor: Actor, *, name: str, role: str, node_ids: Sequence[int]
) -> User:
    """A service account with a role and (for owner roles) a financial scope, checked by the
    same rules as a person's. Its e-mail is made up under `.invalid`, so nobody can receive
    mail or log in with it; it has no password."""
    from domain.budgets.scope_service import map_scope

    errors: list[ErrorDetail] = []
    try:
        clean = clean_name(name)
    except TextError as exc:
        errors.append(ErrorDetail(message=str(exc), field="name"))
    parsed = parse_role(role)
    if parsed is None:
        errors.append(ErrorDetail(message=f"unknown role '{role}'", field="role"))
    if errors or parsed is None:
        raise RuleViolation("the service account cannot be created", errors)
    email = f"{_slug(clean)}.{uuid.uuid4().hex[:8]}@{SERVICE_DOMAIN}"
    user = await uow.users.add(
        NewUser(email=email, name=clean, role=parsed, password_hash=None, kind=SERVICE_KIND)
    )
    await uow.audit.record(
        AuditEntry(
            actor,
            "service_account.create",
            "user",
            str(user.id),
            after={**user.audit_view(), "kind": SERVICE_KIND},
        )
    )
    if node_ids:
        await map_scope(uow, actor, user=user, node_ids=node_ids)
    return user


async def service_account(uow: UnitOfWork, account_id: int) -> User:
    user = await uow.users.get(account_id)
    if user is None or not user.is_service:
        raise NotFound("service account not found")
    return user


async def deactivate_service_account(uow: UnitOfWork, actor: Actor, account_id: int) -> User:
    """Deactivate: every token of the account stops at once (checked on each request)."""
    user = await service_account(uow, account_id)
    if not user.is_active:
        return user
    saved = await uow.users.save(
        replace(user, is_active=False, token_version=user.token_version + 1)
    )
    await uow.audit.record(
        AuditEntry(
            actor,
            "service_account.deactivate",
            "user",
            str(user.id),
            before=user.audit_view(),
            after=saved.audit_view(),
        )
    )
    return saved


async def issue_token(
    uow: TokenUnitOfWork,
    clock: Clock,
    actor: Actor,
    *,
    account_id: int,
    name: str,
    expires_in_days: int | None,
) -> tuple[ApiToken, str]:
    """A new token for an active service account: the token itself is returned once."""
    user = await service_account(uow, account_id)
    errors: list[ErrorDetail] = []
    if not user.is_active:
        errors.append(ErrorDetail(message="the service account is deactivated", field="id"))
    try:
        clean = clean_name(name)
    except TextError as exc:
        errors.append(ErrorDetail(message=str(exc), field="name"))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        errors.append(
            ErrorDetail(
                message=f"expires_in_days must be between 1 and {MAX_TOKEN_DAYS}",
                field="expires_in_days",
            )
        )
    if errors:
        raise RuleViolation("the token cannot be issued", errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = await uow.api_tokens.add(
        NewApiToken(
            user_id=user.id,
            name=clean,
            prefix=secret[: len(TOKEN_PREFIX) + 8],
            token_hash=hash_token(secret),
            created_by=actor.email,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        )
    )
    await uow.audit.record(
        AuditEntry(
            actor,
            "api_token.create",
            "api_token",
            str(token.id),
            after={
                "service_account_id": user.id,
                "name": token.name,
                "prefix": token.prefix,
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            },
        )
    )
    return token, secret


async def revoke_token(
    uow: TokenUnitOfWork, clock: Clock, actor: Actor, *, account_id: int, token_id: int
) -> ApiToken:
    """Revoke at once; revoking a revoked token changes nothing."""
    await service_account(uow, account_id)
    token = await uow.api_tokens.get(token_id)
    if token is None or token.user_id != account_id:
        raise NotFound("token not found")
    if token.revoked_at is not None:
        return token
    revoked = await uow.api_tokens.revoke(token_id, clock.now())
    await uow.audit.record(
        AuditEntry(
            actor,
            "api_token.revoke",
            "api_token",
            str(token_id),
            before={"revoked_at": None},
            after={"revoked_at": revoked.revoked_at.isoformat() if revoked.revoked_at else None},
            details={"service_account_id": account_id, "prefix": token.prefix},
        )
    )
    return revoked


async def authenticate(uow: TokenUnitOfWork, clock: Clock, secret: str) -> tuple[User, ApiToken]:
    """The active service account an active token belongs to; Unauthenticated otherwise (the
    same answer whether the token is unknown, expired, revoked or its account deactivated)."""
    token = await uow.api_tokens.find_by_hash(hash_token(secret))
    now = clock.now()
    if token is None or token.status(now) != "active":
        raise Unauthenticated(BAD_TOKEN)
    user = await uow.users.get(token.user_id)
    if user is None or not user.is_active or not user.is_service:
        raise Unauthenticated(BAD_TOKEN)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        await uow.api_tokens.touch(token.id, now)
    return user, token
