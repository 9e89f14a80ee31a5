"""Service accounts and their API tokens (Admins only): how scripts authenticate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AppClock, RequirePermission, UoW, actor_of
from api.params import Id, Offset
from api.schemas.common import PROBLEM_RESPONSES, Page
from api.schemas.integrations import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    ServiceAccountCreate,
    ServiceAccountRead,
)
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.identity import service_accounts as service
from domain.identity.roles import Permission
from domain.identity.users import SERVICE_KIND, User

router = APIRouter(
    prefix="/api/v1/service-accounts", tags=["service-accounts"], responses=PROBLEM_RESPONSES
)

Admin = Annotated[User, RequirePermission(Permission.MANAGE_USERS)]


@router.post("", response_model=ServiceAccountRead, status_code=201)
async def create_service_account(
    body: ServiceAccountCreate, admin: Admin, uow: UoW
) -> ServiceAccountRead:
    """A service account: a role and a financial scope like a person's, no password. Issue it
    tokens with `POST /service-accounts/{id}/tokens`."""
    user = await service.create_service_account(
        uow, actor_of(admin), name=body.name, role=body.role.value, node_ids=body.node_ids
    )
    return ServiceAccountRead.of(user)


@router.get("", response_model=Page[ServiceAccountRead], responses=CSV_RESPONSES)
async def list_service_accounts(
    _admin: Admin,
    want: CsvWanted,
    uow: UoW,
    active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[ServiceAccountRead] | Response:
    """The service accounts."""
    found, total = await uow.users.list(
        kind=SERVICE_KIND, active=active, limit=limit, offset=offset
    )
    items = [ServiceAccountRead.of(u) for u in found]
    page = Page[ServiceAccountRead](items=items, total=total, limit=limit, offset=offset)
    return table(want, page, items, ServiceAccountRead, "service-accounts")


@router.get("/{account_id}", response_model=ServiceAccountRead)
async def get_service_account(account_id: Id, _admin: Admin, uow: UoW) -> ServiceAccountRead:
    """One service account."""
    return ServiceAccountRead.of(await service.service_account(uow, account_id))


@router.post("/{account_id}/deactivate", response_model=ServiceAccountRead)
async def deactivate_service_account(account_id: Id, admin: Admin, uow: UoW) -> ServiceAccountRead:
    """Deactivate: every token of the account is refused from the next request on."""
    user = await service.deactivate_service_account(uow, actor_of(admin), account_id)
    return ServiceAccountRead.of(user)


@router.post("/{account_id}/tokens", response_model=ApiTokenCreated, status_code=201)
async def create_token(
    account_id: Id, body: ApiTokenCreate, admin: Admin, uow: UoW, clock: AppClock
) -> ApiTokenCreated:
    """Issue a token. The answer carries the token itself, the only time it is shown: only
    its SHA-256 is kept."""
    token, secret = await service.issue_token(
        uow,
        clock,
        actor_of(admin),
        account_id=account_id,
        name=body.name,
        expires_in_days=body.expires_in_days,
    )
    read = ApiTokenRead.of(token, clock.now())
    return ApiTokenCreated(**read.model_dump(), token=secret)


@router.get("/{account_id}/tokens", response_model=list[ApiTokenRead])
async def list_tokens(
    account_id: Id, _admin: Admin, uow: UoW, clock: AppClock
) -> list[ApiTokenRead]:
    """The account's tokens, newest first: prefix, created, expires, last used, status."""
    await service.service_account(uow, account_id)
    now = clock.now()
    return [ApiTokenRead.of(t, now) for t in await uow.api_tokens.of_user(account_id)]


@router.delete("/{account_id}/tokens/{token_id}", status_code=204)
async def revoke_token(
    account_id: Id, token_id: Id, admin: Admin, uow: UoW, clock: AppClock
) -> Response:
    """Revoke a token: refused from the next request on."""
    await service.revoke_token(
        uow, clock, actor_of(admin), account_id=account_id, token_id=token_id
    )
    return Response(status_code=204)
