"""Account allocation: splits, workloads, claims and releases."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from adapters.cur.lookup import resource_accounts
from adapters.db.scope import ResolvedScope
from adapters.db.uow import UnitOfWork
from api.deps import AppContainer, CurrentUser, RequirePermission, ScopeFilter, UoW, actor_of
from api.params import Id, IdFilter
from api.schemas.allocation import (
    AllocationSummaryRead,
    ClaimRead,
    ClaimWrite,
    MultiClaimWrite,
    ReleaseWrite,
    SplitVersionRead,
    SplitWrite,
    WorkloadRead,
    WorkloadUpdate,
    WorkloadWrite,
)
from api.schemas.common import PROBLEM_RESPONSES
from api.spend import reallocate_after_commit
from domain.accounts.splits import SplitVersion, summary_group
from domain.errors import ErrorDetail, Forbidden, NotFound, RuleViolation
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.workloads import service
from domain.workloads.model import ClaimRequest, Workload

router = APIRouter(prefix="/api/v1", tags=["allocation"], responses=PROBLEM_RESPONSES)

AccountManager = Annotated[User, RequirePermission(Permission.MANAGE_ACCOUNTS)]


def today() -> date:
    return datetime.now(UTC).date()


@router.put("/accounts/{account_id}/allocation", response_model=list[SplitVersionRead])
async def set_account_allocation(
    account_id: str, body: SplitWrite, user: AccountManager, uow: UoW, container: AppContainer
) -> list[SplitVersionRead]:
    """Split an account's spend across product budgets (percentages summing to exactly
    100.00) from a Monday or the 1st of a month; the previous split ends the day before.
    Answers the account's whole split history, the current one marked."""
    account = await uow.accounts.get(account_id)
    if account is None:
        raise NotFound("account not found")
    await service.set_split(
        uow.allocation,
        uow.audit,
        actor_of(user),
        account=account,
        shares=[(s.budget_id, s.percent) for s in body.splits],
        effective_from=body.effective_from,
        today=today(),
        closed_periods=await uow.budgets.closed_periods(),
    )
    reallocate_after_commit(uow, container)
    return [SplitVersionRead.of(v, today()) for v in await uow.allocation.splits_of(account_id)]


@router.get("/accounts/{account_id}/allocation", response_model=list[SplitVersionRead])
async def get_account_allocation(
    account_id: str, _user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> list[SplitVersionRead]:
    """The account's split history, oldest first; `current` marks the one in force today.
    Owners see the versions touching their budgets, with only their budgets' shares."""
    versions = await _visible_versions(uow, scope, account_id=account_id)
    if not versions and (await uow.accounts.get(account_id) is None or scope.prefixes is not None):
        raise NotFound("account not found")
    return [SplitVersionRead.of(v, today()) for v in versions]


async def _visible_versions(
    uow: UnitOfWork, scope: ResolvedScope, *, account_id: str | None = None
) -> list[SplitVersion]:
    versions = (
        await uow.allocation.splits_of(account_id)
        if account_id
        else await uow.allocation.all_splits()
    )
    if scope.prefixes is None:
        return versions
    budget_ids = {s.budget_id for v in versions for s in v.shares}
    mine = await uow.allocation.budget_ids_in(scope, budget_ids)
    return [
        replace(v, shares=tuple(s for s in v.shares if s.budget_id in mine))
        for v in versions
        if any(s.budget_id in mine for s in v.shares)
    ]


@router.get("/allocation-summary", response_model=AllocationSummaryRead)
async def allocation_summary(
    _user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> AllocationSummaryRead:
    """Account allocations in the caller's scope as Current, Expiring (ends within 30 days),
    New (started within 30 days), Past and Future."""
    groups: dict[str, list[SplitVersionRead]] = {
        k: [] for k in ("current", "expiring", "new", "past", "future")
    }
    now = today()
    for version in await _visible_versions(uow, scope):
        groups[summary_group(version, now)].append(SplitVersionRead.of(version, now))
    return AllocationSummaryRead(**groups)


# --- workloads -------------------------------------------------------------------------------


def _may_manage_workloads(user: User) -> None:
    if not (can(user.role, Permission.MANAGE_WORKLOADS) or can(user.role, Permission.CLAIM_ANY)):
        raise Forbidden(f"your role ({user.role.value}) may not manage workloads")


@router.post("/workloads", response_model=WorkloadRead, status_code=201)
async def create_workload(
    body: WorkloadWrite, user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> WorkloadRead:
    """A workload under one of the caller's product budgets, for one AWS account, with its AWS
    Pricing Calculator estimate."""
    _may_manage_workloads(user)
    budget = await uow.budgets.get_budget(scope, body.budget_id)
    if budget is None:
        raise NotFound("budget not found")
    if await uow.accounts.get(body.account_id) is None:
        raise RuleViolation(
            "unknown account",
            [
                ErrorDetail(
                    message=f"account {body.account_id} is not onboarded", field="account_id"
                )
            ],
        )
    workload = await service.create_workload(
        uow.allocation,
        uow.audit,
        actor_of(user),
        budget_id=budget.id,
        budget_year=budget.year,
        account_id=body.account_id,
        data=service.WorkloadInput(
            body.name, body.calculator_url, body.monthly_estimate, body.launch_month, body.end_month
        ),
    )
    return WorkloadRead.of(workload)


@router.get("/workloads", response_model=list[WorkloadRead])
async def list_workloads(
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    budget_id: IdFilter = None,
    account_id: str | None = None,
) -> list[WorkloadRead]:
    """Workloads under the budgets in the caller's scope."""
    found = await uow.allocation.workloads(scope, budget_id=budget_id, account_id=account_id)
    return [WorkloadRead.of(w) for w in found]


async def _workload(uow: UnitOfWork, scope: ResolvedScope, workload_id: int) -> Workload:
    workload = await uow.allocation.workload(scope, workload_id)
    if workload is None:
        raise NotFound("workload not found")
    return workload


@router.get("/workloads/{workload_id}", response_model=WorkloadRead)
async def get_workload(
    workload_id: Id, _user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> WorkloadRead:
    """One workload."""
    return WorkloadRead.of(await _workload(uow, scope, workload_id))


@router.patch("/workloads/{workload_id}", response_model=WorkloadRead)
async def update_workload(
    workload_id: Id, body: WorkloadUpdate, user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> WorkloadRead:
    """Change a workload's name, estimate link, monthly estimate or months."""
    _may_manage_workloads(user)
    current = await _workload(uow, scope, workload_id)
    budget = await uow.budgets.get_budget(scope, current.budget_id)
    assert budget is not None
    data = service.WorkloadInput(
        body.name if body.name is not None else current.name,
        body.calculator_url if body.calculator_url is not None else current.calculator_url,
        body.monthly_estimate
        if body.monthly_estimate is not None
        else f"{current.monthly_estimate:.2f}",
        body.launch_month or current.launch_month.isoformat()[:7],
        body.end_month or current.end_month.isoformat()[:7],
    )
    saved = await service.update_workload(
        uow.allocation,
        uow.audit,
        actor_of(user),
        workload=current,
        budget_year=budget.year,
        data=data,
    )
    return WorkloadRead.of(saved)


# --- claims ----------------------------------------------------------------------------------


def _may_claim(user: User) -> None:
    if not (can(user.role, Permission.CLAIM_OWN) or can(user.role, Permission.CLAIM_ANY)):
        raise Forbidden(f"your role ({user.role.value}) may not claim resources")


async def _claim(
    uow: UnitOfWork,
    container: AppContainer,
    user: User,
    scope: ResolvedScope,
    pairs: list[tuple[int, list[str]]],
    effective_from: date | None,
) -> list[ClaimRead]:
    _may_claim(user)
    workloads = await uow.allocation.workloads_by_id(scope, [w for w, _ in pairs])
    missing = [w for w, _ in pairs if w not in workloads]
    if missing:
        raise NotFound(f"workload {missing[0]} not found")
    requests = [ClaimRequest(workloads[w], tuple(ids)) for w, ids in pairs]
    ids = [r for _, rs in pairs for r in rs]
    accounts = await asyncio.to_thread(resource_accounts, container.cur, ids)
    created = await service.claim(
        uow.allocation,
        uow.audit,
        actor_of(user),
        requests=requests,
        resource_accounts=accounts,
        effective_from=effective_from,
        may_backdate=can(user.role, Permission.CLAIM_ANY),
        now=datetime.now(UTC),
        closed_periods=await uow.budgets.closed_periods(),
    )
    reallocate_after_commit(uow, container)
    return [ClaimRead.of(c) for c in created]


@router.post("/workloads/{workload_id}/claims", response_model=list[ClaimRead], status_code=201)
async def claim_resources(
    workload_id: Id,
    body: ClaimWrite,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    container: AppContainer,
) -> list[ClaimRead]:
    """Claim resources to a workload from the day after (all or nothing; every refused
    resource is listed). 100% of a claimed resource's cost goes to the workload's budget."""
    return await _claim(
        uow, container, user, scope, [(workload_id, body.resource_ids)], body.effective_from
    )


@router.post("/claims", response_model=list[ClaimRead], status_code=201)
async def claim_across_workloads(
    body: MultiClaimWrite, user: CurrentUser, uow: UoW, scope: ScopeFilter, container: AppContainer
) -> list[ClaimRead]:
    """Claims across several workloads in one atomic request."""
    return await _claim(
        uow,
        container,
        user,
        scope,
        [(c.workload_id, c.resource_ids) for c in body.claims],
        body.effective_from,
    )


@router.post("/claims/release", response_model=list[ClaimRead])
async def release_resources(
    body: ReleaseWrite, user: CurrentUser, uow: UoW, scope: ScopeFilter, container: AppContainer
) -> list[ClaimRead]:
    """Release claimed resources: from the day after, their cost follows the account split."""
    _may_claim(user)
    visible = None
    if scope.prefixes is not None:
        visible = {w.id for w in await uow.allocation.workloads(scope)}
    released = await service.release(
        uow.allocation,
        uow.audit,
        actor_of(user),
        resource_ids=body.resource_ids,
        visible_workloads=visible,
        effective_to=body.effective_to,
        may_backdate=can(user.role, Permission.CLAIM_ANY),
        now=datetime.now(UTC),
        closed_periods=await uow.budgets.closed_periods(),
    )
    reallocate_after_commit(uow, container)
    ids = {c.id for c in released}
    return [ClaimRead.of(c) for c in await uow.allocation.claims(scope) if c.id in ids]


@router.get("/claims", response_model=list[ClaimRead])
async def list_claims(
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    status: Annotated[str | None, Query(pattern="^(open|released)$")] = None,
    workload_id: IdFilter = None,
) -> list[ClaimRead]:
    """Who claimed what, when, for which budget (in the caller's scope)."""
    return [
        ClaimRead.of(c)
        for c in await uow.allocation.claims(scope, status=status, workload_id=workload_id)
    ]
