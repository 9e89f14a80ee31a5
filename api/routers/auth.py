"""Log-in and the caller's own profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import AppContainer, CurrentUser, ReadUoW
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.users import MeRead, TokenRead, UserRead
from domain.identity import auth
from domain.identity.roles import ROLE_PERMISSIONS

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", response_model=TokenRead, responses=PROBLEM_RESPONSES)
async def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    container: AppContainer,
    uow: ReadUoW,
) -> TokenRead:
    """Exchange an e-mail (`username`) and password for a short-lived bearer token.

    Repeated failures for one account or from one address answer 429 for a while. The answer
    never tells whether the e-mail belongs to a user.
    """
    issued = await auth.log_in(
        uow,
        container.hasher,
        auth.LoginLimits(container.account_failures, container.address_failures),
        container.tokens,
        auth.LoginAttempt(
            email=form.username,
            password=form.password,
            host=request.client.host if request.client else "unknown",
        ),
    )
    return TokenRead(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get("/me", response_model=MeRead, responses=PROBLEM_RESPONSES)
async def read_me(user: CurrentUser) -> MeRead:
    """The caller: identity, role and what the role may do (the dashboard builds its menu
    from `permissions`)."""
    base = UserRead.of(user)
    return MeRead(**base.model_dump(), permissions=sorted(ROLE_PERMISSIONS[user.role]))
