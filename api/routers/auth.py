"""Log-in and the caller's own profile."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import AppContainer, CurrentUser, UoW
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.users import MeRead, TokenRead, UserRead
from domain.errors import TooManyRequests, Unauthenticated
from domain.identity.emails import email_key
from domain.identity.roles import ROLE_PERMISSIONS

router = APIRouter(prefix="/api/v1", tags=["auth"])

_BAD_LOGIN = "incorrect e-mail or password"


@router.post("/auth/token", response_model=TokenRead, responses=PROBLEM_RESPONSES)
async def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    container: AppContainer,
    uow: UoW,
) -> TokenRead:
    """Exchange an e-mail (`username`) and password for a short-lived bearer token.

    Repeated failures for one account or from one address answer 429 for a while. The answer
    never tells whether the e-mail belongs to a user.
    """
    host = request.client.host if request.client else "unknown"
    # Per account *and* address: someone elsewhere guessing an e-mail cannot lock its owner out.
    account = f"account:{email_key(form.username)}|{host}"
    address = "address:" + host
    for limiter, key in (
        (container.account_failures, account),
        (container.address_failures, address),
    ):
        wait = limiter.retry_after(key)
        if wait is not None:
            raise TooManyRequests("too many failed log-ins; try again later", retry_after=wait)
    user = await uow.users.get_by_email(form.username)
    # Argon2 is slow by design: verify in a worker thread so the event loop keeps answering.
    if user is None or user.password_hash is None:
        await asyncio.to_thread(container.hasher.burn, form.password)
        ok = False
    else:
        matches = await asyncio.to_thread(
            container.hasher.verify, user.password_hash, form.password
        )
        ok = matches and user.is_active
    if not ok or user is None:
        container.account_failures.record_failure(account)
        container.address_failures.record_failure(address)
        raise Unauthenticated(_BAD_LOGIN)
    container.account_failures.reset(account)
    return TokenRead(
        access_token=container.tokens.issue(user.id, version=user.token_version),
        expires_in=container.tokens.ttl_seconds,
    )


@router.get("/me", response_model=MeRead, responses=PROBLEM_RESPONSES)
async def read_me(user: CurrentUser) -> MeRead:
    """The caller: identity, role and what the role may do (the dashboard builds its menu
    from `permissions`)."""
    base = UserRead.of(user)
    return MeRead(**base.model_dump(), permissions=sorted(ROLE_PERMISSIONS[user.role]))
