"""AWS accounts: list, add by hand, classify, and "check for new accounts"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from api.deps import AppContainer, CurrentUser, RequirePermission, ScopeFilter, UoW, actor_of
from api.schemas.accounts import AccountCreate, AccountRead, AccountUpdate, DiscoveryRead
from api.schemas.common import PROBLEM_RESPONSES
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.accounts import service
from domain.accounts.model import AccountSource, AccountType
from domain.identity.roles import Permission
from domain.identity.users import User

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"], responses=PROBLEM_RESPONSES)

Manager = Annotated[User, RequirePermission(Permission.MANAGE_ACCOUNTS)]


@router.get("", response_model=list[AccountRead], responses=CSV_RESPONSES)
async def list_accounts(
    _user: CurrentUser,
    want: CsvWanted,
    uow: UoW,
    scope: ScopeFilter,
    q: str | None = None,
    account_type: AccountType | None = None,
    source: AccountSource | None = None,
) -> list[AccountRead] | Response:
    """AWS accounts. Finance roles see all; an owner sees the accounts whose spend reaches
    their scope (split onto one of their budgets, or running one of their workloads)."""
    found = await service.list_accounts(uow, scope, q=q, account_type=account_type, source=source)
    items = [AccountRead.of(a) for a in found]
    return table(want, items, items, AccountRead, "accounts")


@router.post("", response_model=AccountRead, status_code=201)
async def create_account(body: AccountCreate, user: Manager, uow: UoW) -> AccountRead:
    """Onboard an account by hand (`source=manual`)."""
    account = await service.add_account(
        uow,
        actor_of(user),
        account_id=body.account_id,
        name=body.name,
        email=body.email,
        account_type=body.account_type.value if body.account_type else None,
        vended_date=body.vended_date,
    )
    return AccountRead.of(account)


@router.get("/{account_id}", response_model=AccountRead)
async def get_account(
    account_id: str, _user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> AccountRead:
    """One account (owners: only one whose spend reaches their scope)."""
    return AccountRead.of(await service.get_account(uow, scope, account_id=account_id))


@router.patch("/{account_id}", response_model=AccountRead)
async def update_account(
    account_id: str, body: AccountUpdate, user: Manager, uow: UoW
) -> AccountRead:
    """Rename, classify (account type), or record a status or vended date."""
    account = await service.update_account(
        uow,
        actor_of(user),
        account_id=account_id,
        changes=service.AccountChanges(
            name=body.name,
            email=body.email,
            status=body.status,
            account_type=body.account_type.value if body.account_type else None,
            vended_date=body.vended_date,
        ),
    )
    return AccountRead.of(account)


@router.post("/discover", response_model=DiscoveryRead)
async def discover_accounts(user: Manager, uow: UoW, container: AppContainer) -> DiscoveryRead:
    """Check for new accounts: AWS Organizations' ListAccounts (when enabled with
    `FINOPS_AWS_ORGANIZATIONS=true`) and the usage accounts the CUR shows."""
    result = await service.check_for_new_accounts(uow, actor_of(user), container.accounts)
    return DiscoveryRead(
        created=list(result.created),
        updated=list(result.updated),
        unchanged=result.unchanged,
        sources=dict(result.sources),
    )
