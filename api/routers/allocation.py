"""Account allocation: splits, workloads, claims and releases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import (
    AppClock,
    AppContainer,
    CurrentUser,
    ReadUoW,
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
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.allocation import carry_forward_service, service, workload_service
from domain.identity.roles import Permission
from domain.identity.users import User

router = APIRouter(prefix="/api/v1", tags=["allocation"], responses=PROBLEM_RESPONSES)

AccountManager = Annotated[User, RequirePermission(Permission.MANAGE_ACCOUNTS)]


@router.put("/accounts/{account_id}/allocation", response_model=list[SplitVersionRead])
async def set_account_allocation(
    account_id: str, body: SplitWrite, user: AccountManager, uow: UoW, clock: AppClock
) -> list[SplitVersionRead]:
    """Split an account's spend across product budgets (percentages summing to exactly
    100.00) from a Monday or the 1st of a month; the previous split ends the day before.
    Answers the account's whole split history, the current one marked."""
    versions = await service.set_split(
        uow,
        clock,
        actor_of(user),
        account_id=account_id,
        shares=[(s.budget_id, s.percent) for s in body.splits],
        effective_from=body.effective_from,
    )
    return [SplitVersionRead.of(v, clock.today()) for v in versions]


@router.get(
    "/accounts/{account_id}/allocation",
    response_model=list[SplitVersionRead],
    responses=CSV_RESPONSES,
)
async def get_account_allocation(
    account_id: str,
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    want: CsvWanted,
) -> list[SplitVersionRead] | Response:
    """The account's split history, oldest first; `current` marks the one in force today.
    Owners see the versions touching their budgets, with only their budgets' shares."""
    versions = await service.account_splits(uow, scope, account_id=account_id)
    items = [SplitVersionRead.of(v, clock.today()) for v in versions]
    return table(want, items, items, SplitVersionRead, f"allocation-{account_id}")


@router.get("/allocation-summary", response_model=AllocationSummaryRead)
async def allocation_summary(
    _user: CurrentUser, uow: ReadUoW, scope: ScopeFilter, clock: AppClock, container: AppContainer
) -> Response:
    """Account allocations in the caller's scope as Current, Expiring (ends within 30 days),
    New (started within 30 days), Past and Future."""
    today = clock.today()
    # kept per scope and day under the database's write version and the rules version: a
    # split, budget or scope change makes the next read group the versions again
    version = await uow.allocation.write_and_rules_version()
    key = ("allocation-summary", scope, today, version)

    async def render() -> bytes:
        groups = await service.allocation_summary(uow, scope, today=today)
        return (
            AllocationSummaryRead(
                **{k: [SplitVersionRead.of(v, today) for v in vs] for k, vs in groups.items()}
            )
            .model_dump_json()
            .encode()
        )

    return await container.answers.respond(key, render)


# --- workloads -------------------------------------------------------------------------------


@router.post("/workloads", response_model=WorkloadRead, status_code=201)
async def create_workload(
    body: WorkloadWrite, user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> WorkloadRead:
    """A workload under one of the caller's product budgets, for one AWS account, with its AWS
    Pricing Calculator estimate."""
    workload = await workload_service.create_workload(
        uow,
        user,
        scope,
        budget_id=body.budget_id,
        account_id=body.account_id,
        data=workload_service.WorkloadInput(
            body.name, body.calculator_url, body.monthly_estimate, body.launch_month, body.end_month
        ),
    )
    return WorkloadRead.of(workload)


@router.get("/workloads", response_model=list[WorkloadRead], responses=CSV_RESPONSES)
async def list_workloads(
    _user: CurrentUser,
    want: CsvWanted,
    uow: UoW,
    scope: ScopeFilter,
    budget_id: IdFilter = None,
    account_id: str | None = None,
) -> list[WorkloadRead] | Response:
    """Workloads under the budgets in the caller's scope."""
    found = await workload_service.list_workloads(
        uow, scope, budget_id=budget_id, account_id=account_id
    )
    items = [WorkloadRead.of(w) for w in found]
    return table(want, items, items, WorkloadRead, "workloads")


@router.get("/workloads/{workload_id}", response_model=WorkloadRead)
async def get_workload(
    workload_id: Id, _user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> WorkloadRead:
    """One workload."""
    return WorkloadRead.of(await workload_service.get_workload(uow, scope, workload_id=workload_id))


@router.patch("/workloads/{workload_id}", response_model=WorkloadRead)
async def update_workload(
    workload_id: Id, body: WorkloadUpdate, user: CurrentUser, uow: UoW, scope: ScopeFilter
) -> WorkloadRead:
    """Change a workload's name, estimate link, monthly estimate or months."""
    saved = await workload_service.update_workload(
        uow,
        user,
        scope,
        workload_id=workload_id,
        changes=workload_service.WorkloadChanges(
            body.name, body.calculator_url, body.monthly_estimate, body.launch_month, body.end_month
        ),
    )
    return WorkloadRead.of(saved)


# --- claims ----------------------------------------------------------------------------------


@router.post("/workloads/{workload_id}/claims", response_model=list[ClaimRead], status_code=201)
async def claim_resources(
    workload_id: Id,
    body: ClaimWrite,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
) -> list[ClaimRead]:
    """Claim resources to a workload from the day after (all or nothing; every refused
    resource is listed). 100% of a claimed resource's cost goes to the workload's budget."""
    created = await workload_service.claim(
        uow,
        clock,
        user,
        scope,
        container.resources,
        claims=[(workload_id, body.resource_ids)],
        effective_from=body.effective_from,
    )
    return [ClaimRead.of(c) for c in created]


@router.post("/claims", response_model=list[ClaimRead], status_code=201)
async def claim_across_workloads(
    body: MultiClaimWrite,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
) -> list[ClaimRead]:
    """Claims across several workloads in one atomic request."""
    created = await workload_service.claim(
        uow,
        clock,
        user,
        scope,
        container.resources,
        claims=[(c.workload_id, c.resource_ids) for c in body.claims],
        effective_from=body.effective_from,
    )
    return [ClaimRead.of(c) for c in created]


@router.post("/claims/release", response_model=list[ClaimRead])
async def release_resources(
    body: ReleaseWrite, user: CurrentUser, uow: UoW, scope: ScopeFilter, clock: AppClock
) -> list[ClaimRead]:
    """Release claimed resources: from the day after, their cost follows the account split."""
    released = await workload_service.release(
        uow,
        clock,
        user,
        scope,
        resource_ids=body.resource_ids,
        account_id=body.account_id,
        effective_to=body.effective_to,
    )
    return [ClaimRead.of(c) for c in released]


@router.get("/claims", response_model=list[ClaimRead], responses=CSV_RESPONSES)
async def list_claims(
    _user: CurrentUser,
    want: CsvWanted,
    uow: UoW,
    scope: ScopeFilter,
    status: Annotated[str | None, Query(pattern="^(open|released)$")] = None,
    workload_id: IdFilter = None,
) -> list[ClaimRead] | Response:
    """Who claimed what, when, for which budget (in the caller's scope)."""
    found = await workload_service.list_claims(uow, scope, status=status, workload_id=workload_id)
    items = [ClaimRead.of(c) for c in found]
    return table(want, items, items, ClaimRead, "claims")


# --- carry forward ---------------------------------------------------------------------------


@router.post("/accounts/carry-forward", response_model=CarryForwardRead)
async def carry_forward(
    body: CarryForwardWrite, user: AccountManager, uow: UoW, clock: AppClock
) -> CarryForwardRead:
    """The turn of the fiscal year: carry every account split in force on 31 December, every
    workload running in December and their open claims onto the products with the same
    hierarchy path in `to_year` (names compared ignoring case), from 1 January.

    `dry_run` (the default) only answers the proposal. Applying carries every carriable item
    in one step or, on any error, nothing; what cannot be carried (product retired or
    renamed) is listed with the reason and does not block the rest. Running it again carries
    nothing twice: what is there already is listed as `already_carried`."""
    result = await carry_forward_service.carry_forward(
        uow,
        clock,
        actor_of(user),
        from_year=body.from_year,
        to_year=body.to_year,
        dry_run=body.dry_run,
    )
    return CarryForwardRead.of(result.plan, dry_run=body.dry_run, applied=result.applied)
