"""Log-in: throttle repeated failures, verify the password, issue a bearer token.

The limiters, the password hasher and the token issuer are ports (below); the API hands in the
container's. The answer never tells whether the e-mail belongs to a user."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from domain.errors import TooManyRequests, Unauthenticated
from domain.identity.emails import email_key
from domain.ports import UnitOfWork

BAD_LOGIN = "incorrect e-mail or password"


class FailureCounter(Protocol):
    """Failed log-ins per key within a sliding window (`domain.identity.ratelimit`)."""

    def retry_after(self, key: str) -> float | None: ...

    def record_failure(self, key: str) -> None: ...

    def reset(self, key: str) -> None: ...


class LoginHasher(Protocol):
    def verify(self, password_hash: str, password: str) -> bool: ...

    def burn(self, password: str) -> None:
        """Spend a verification's time on nothing (an unknown e-mail answers as slowly)."""
        ...


class TokenIssuer(Protocol):
    @property
    def ttl_seconds(self) -> int: ...

    def issue(self, user_id: int, *, version: int) -> str: ...


@dataclass(frozen=True)
class LoginLimits:
    """The failure counters of a log-in: per account (with address) and per address."""

    account: FailureCounter
    address: FailureCounter


@dataclass(frozen=True)
class LoginAttempt:
    email: str
    password: str
    host: str


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


async def log_in(
    uow: UnitOfWork,
    hasher: LoginHasher,
    limits: LoginLimits,
    tokens: TokenIssuer,
    attempt: LoginAttempt,
) -> IssuedToken:
    """A bearer token for `attempt`'s e-mail and password. Repeated failures for one account
    or from one address answer TooManyRequests for a while."""
    # Per account *and* address: someone elsewhere guessing an e-mail cannot lock its owner out.
    account = f"account:{email_key(attempt.email)}|{attempt.host}"
    address = "address:" + attempt.host
    for limiter, key in ((limits.account, account), (limits.address, address)):
        wait = limiter.retry_after(key)
        if wait is not None:
            raise TooManyRequests("too many failed log-ins; try again later", retry_after=wait)
    user = await uow.users.get_by_email(attempt.email)
    # Argon2 is slow by design: verify in a worker thread so the event loop keeps answering.
    if user is None or user.password_hash is None:
        await asyncio.to_thread(hasher.burn, attempt.password)
        ok = False
    else:
        matches = await asyncio.to_thread(hasher.verify, user.password_hash, attempt.password)
        ok = matches and user.is_active
    if not ok or user is None:
        limits.account.record_failure(account)
        limits.address.record_failure(address)
        raise Unauthenticated(BAD_LOGIN)
    limits.account.reset(account)
    return IssuedToken(
        access_token=tokens.issue(user.id, version=user.token_version),
        expires_in=tokens.ttl_seconds,
    )
