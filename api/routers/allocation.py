"""Account allocation: splits, workloads, claims and releases."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from adapters.cur.lookup import resource_accounts
from adapters.db.uow import UnitOfWork
from api.deps import (
    AppClock,
    AppContainer,
    CurrentUser,
    RequirePermission,
    ScopeFilter,
    UoW,
    actor_of,
)
from api.params import Id, IdFilter
from api.schemas.allocation import (
    AllocationSummaryRead,
    CarryForwardRead,
    CarryForwardWrite,
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
from domain.allocation import service
from domain.allocation.carry_forward import YearBudget, apply_carry_forward, plan_carry_forward
from domain.allocation.splits import SplitVersion, summary_group
from domain.allocation.workloads import ClaimRequest, Workload
from domain.budgets.model import BudgetStatus
from domain.errors import Forbidden, NotFound
from domain.events import AllocationRulesChanged
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.scope import ResolvedScope

router = APIRouter(prefix="/api/v1", tags=["allocation"], responses=PROBLEM_RESPONSES)

AccountManager = Annotated[User, RequirePermission(Permission.MANAGE_ACCOUNTS)]


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
        today=container.clock.today(),
        closed_periods=await uow.budgets.closed_periods(),
    )
    uow.publish(AllocationRulesChanged())
    today = container.clock.today()
    return [SplitVersionRead.of(v, today) for v in await uow.allocation.splits_of(account_id)]


@router.get("/accounts/{account_id}/allocation", response_model=list[SplitVersionRead])
async def get_account_allocation(
    account_id: str, _user: CurrentUser, uow: UoW, scope: ScopeFilter, clock: AppClock
) -> list[SplitVersionRead]:
    """The account's split history, oldest first; `current` marks the one in force today.
    Owners see the versions touching their budgets, with only their budgets' shares."""
    versions = await _visible_versions(uow, scope, account_id=account_id)
    if not versions and (await uow.accounts.get(account_id) is None or scope.prefixes is not None):
        raise NotFound("account not found")
    return [SplitVersionRead.of(v, clock.today()) for v in versions]


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
    _user: CurrentUser, uow: UoW, scope: ScopeFilter, clock: AppClock
) -> AllocationSummaryRead:
    """Account allocations in the caller's scope as Current, Expiring (ends within 30 days),
    New (started within 30 days), Past and Future."""
    groups: dict[str, list[SplitVersionRead]] = {
        k: [] for k in ("current", "expiring", "new", "past", "future")
    }
    now = clock.today()
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
    # The account must already reach the caller's scope (the rule that decides which accounts
    # an owner sees), judged before this workload exists: otherwise creating a workload would
    # itself open another unit's account. Unknown and hidden accounts answer the same 404.
    if await uow.accounts.get(body.account_id) is None or (
        scope.prefixes is not None
        and body.account_id not in await uow.allocation.account_ids_in(scope)
    ):
        raise NotFound("account not found")
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
    visible = None
    if scope.prefixes is not None:
        visible = {w.id for w in await uow.allocation.workloads(scope)}
    created = await service.claim(
        uow.allocation,
        uow.audit,
        actor_of(user),
        requests=requests,
        resource_accounts=accounts,
        visible_workloads=visible,
        effective_from=effective_from,
        may_backdate=can(user.role, Permission.CLAIM_ANY),
        now=container.clock.now(),
        closed_periods=await uow.budgets.closed_periods(),
    )
    uow.publish(AllocationRulesChanged())
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
        account_id=body.account_id,
        visible_workloads=visible,
        effective_to=body.effective_to,
        may_backdate=can(user.role, Permission.CLAIM_ANY),
        now=container.clock.now(),
        closed_periods=await uow.budgets.closed_periods(),
    )
    uow.publish(AllocationRulesChanged())
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


# --- carry forward ---------------------------------------------------------------------------


@router.post("/accounts/carry-forward", response_model=CarryForwardRead)
async def carry_forward(
    body: CarryForwardWrite, user: AccountManager, uow: UoW, container: AppContainer
) -> CarryForwardRead:
    """The turn of the fiscal year: carry every account split in force on 31 December, every
    workload running in December and their open claims onto the products with the same
    hierarchy path in `to_year` (names compared ignoring case), from 1 January.

    `dry_run` (the default) only answers the proposal. Applying carries every carriable item
    in one step or, on any error, nothing; what cannot be carried (product retired or
    renamed) is listed with the reason and does not block the rest. Running it again carries
    nothing twice: what is there already is listed as `already_carried`."""
    budgets = [
        YearBudget(b.id, year, tuple(b.path), b.status == BudgetStatus.ACTIVE)
        for year in (body.from_year, body.to_year)
        for b in await uow.budgets.existing_budgets(year)
    ]
    closed = await uow.budgets.closed_periods()
    plan = plan_carry_forward(
        from_year=body.from_year,
        to_year=body.to_year,
        budgets=budgets,
        splits=await uow.allocation.all_splits(),
        workloads=await uow.allocation.workloads(ResolvedScope(prefixes=None)),
        claims=await uow.allocation.all_claims(),
        closed_periods=closed,
    )
    if body.dry_run or not plan.pending:
        return CarryForwardRead.of(plan, dry_run=body.dry_run, applied=False)
    done = await apply_carry_forward(
        uow.allocation,
        uow.audit,
        actor_of(user),
        plan,
        budget_refs=await uow.allocation.budget_refs(b.id for b in budgets),
        closed_periods=closed,
        now=container.clock.now(),
    )
    uow.publish(AllocationRulesChanged())
    return CarryForwardRead.of(done, dry_run=False, applied=True)
