"""Application services of workloads and claims: create and change workloads, claim and
release resources, and the scoped reads of both. Every claim change bumps the rules version
and publishes `AllocationRulesChanged` (`service.rules_changed`). None of them commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.allocation.service import rules_changed
from domain.allocation.splits import BudgetRef
from domain.allocation.workloads import (
    Claim,
    ClaimRequest,
    ResourceKey,
    Workload,
    WorkloadFields,
    claim_start,
    overlap_error,
    plan_claims,
    validate_workload,
)
from domain.audit import Actor, AuditEntry
from domain.errors import Conflict, ErrorDetail, Forbidden, NotFound, RuleViolation
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.periods import period_key
from domain.ports import Clock, ResourceDirectory, UnitOfWork
from domain.scope import ResolvedScope


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, email=user.email)


# --- workloads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkloadInput:
    name: str
    calculator_url: str
    monthly_estimate: str
    launch_month: str
    end_month: str | None

    def validated(self, budget_year: int) -> WorkloadFields:
        return validate_workload(
            name=self.name,
            calculator_url=self.calculator_url,
            monthly_estimate=self.monthly_estimate,
            launch_month=self.launch_month,
            end_month=self.end_month,
            budget_year=budget_year,
        )


@dataclass(frozen=True)
class WorkloadChanges:
    """A partial workload update: None keeps the current value."""

    name: str | None = None
    calculator_url: str | None = None
    monthly_estimate: str | None = None
    launch_month: str | None = None
    end_month: str | None = None

    def applied_to(self, current: Workload) -> WorkloadInput:
        return WorkloadInput(
            self.name if self.name is not None else current.name,
            self.calculator_url if self.calculator_url is not None else current.calculator_url,
            self.monthly_estimate
            if self.monthly_estimate is not None
            else f"{current.monthly_estimate:.2f}",
            self.launch_month or current.launch_month.isoformat()[:7],
            self.end_month or current.end_month.isoformat()[:7],
        )


def _may_manage_workloads(user: User) -> None:
    if not (can(user.role, Permission.MANAGE_WORKLOADS) or can(user.role, Permission.CLAIM_ANY)):
        raise Forbidden(f"your role ({user.role.value}) may not manage workloads")


async def _budget(uow: UnitOfWork, scope: ResolvedScope, budget_id: int) -> BudgetRef:
    budget = await uow.allocation.budget_in(scope, budget_id)
    if budget is None:
        raise NotFound("budget not found")
    return budget


async def create_workload(
    uow: UnitOfWork,
    user: User,
    scope: ResolvedScope,
    *,
    budget_id: int,
    account_id: str,
    data: WorkloadInput,
) -> Workload:
    """A workload under one of the caller's product budgets, for an account in their scope."""
    _may_manage_workloads(user)
    budget = await _budget(uow, scope, budget_id)
    # The account must already reach the caller's scope (the rule that decides which accounts
    # an owner sees), judged before this workload exists: otherwise creating a workload would
    # itself open another unit's account. Unknown and hidden accounts answer the same 404.
    if await uow.accounts.find(scope, account_id) is None:
        raise NotFound("account not found")
    fields = data.validated(budget.year)
    workload = await uow.allocation.add_workload(budget.id, account_id, fields, user.email)
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            "workload.create",
            "workload",
            str(workload.id),
            after=_workload_view(workload),
        )
    )
    return workload


async def get_workload(uow: UnitOfWork, scope: ResolvedScope, *, workload_id: int) -> Workload:
    workload = await uow.allocation.workload(scope, workload_id)
    if workload is None:
        raise NotFound("workload not found")
    return workload


async def update_workload(
    uow: UnitOfWork,
    user: User,
    scope: ResolvedScope,
    *,
    workload_id: int,
    changes: WorkloadChanges,
) -> Workload:
    """Change a workload's name, estimate link, monthly estimate or months."""
    _may_manage_workloads(user)
    current = await get_workload(uow, scope, workload_id=workload_id)
    budget = await _budget(uow, scope, current.budget_id)
    fields = changes.applied_to(current).validated(budget.year)
    saved = await uow.allocation.save_workload(current.id, fields)
    if saved != current:
        await uow.audit.record(
            AuditEntry(
                _actor(user),
                "workload.update",
                "workload",
                str(current.id),
                before=_workload_view(current),
                after=_workload_view(saved),
            )
        )
    return saved


def _workload_view(w: Workload) -> dict[str, Any]:
    return {
        "budget_id": w.budget_id,
        "account_id": w.account_id,
        "name": w.name,
        "calculator_url": w.calculator_url,
        "monthly_estimate": str(w.monthly_estimate),
        "launch_month": w.launch_month.isoformat()[:7],
        "end_month": w.end_month.isoformat()[:7],
    }


# --- claims ----------------------------------------------------------------------------------


def _may_claim(user: User) -> None:
    if not (can(user.role, Permission.CLAIM_OWN) or can(user.role, Permission.CLAIM_ANY)):
        raise Forbidden(f"your role ({user.role.value}) may not claim resources")


async def _visible_workloads(uow: UnitOfWork, scope: ResolvedScope) -> set[int] | None:
    """The workloads a scoped caller may be told about (None: all)."""
    if scope.unrestricted:
        return None
    return {w.id for w in await uow.allocation.workloads(scope)}


async def claim(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    scope: ResolvedScope,
    resources: ResourceDirectory,
    *,
    claims: Sequence[tuple[int, Sequence[str]]],
    effective_from: date | None,
) -> list[Claim]:
    """Claim resources to workloads in the caller's scope (`claims`: workload id and resource
    ids), all or nothing. The resources are locked first, so the spans checked are the spans
    the claims are written next to."""
    _may_claim(user)
    workloads = await uow.allocation.workloads_by_id(scope, [w for w, _ in claims])
    missing = [w for w, _ in claims if w not in workloads]
    if missing:
        raise NotFound(f"workload {missing[0]} not found")
    if effective_from is not None and not can(user.role, Permission.CLAIM_ANY):
        raise Forbidden("only a Financial Admin or an Admin may set effective_from")
    requests = [ClaimRequest(workloads[w], tuple(ids)) for w, ids in claims]
    accounts = await resources.accounts_of([r for _, ids in claims for r in ids])
    now = clock.now()
    start = claim_start(effective_from, now.date())
    keys = [(req.workload.account_id, r) for req in requests for r in req.resource_ids]
    await uow.allocation.lock_resources(keys)
    planned = plan_claims(
        requests,
        claims=await uow.allocation.claims_of(keys),
        resource_accounts=accounts,
        visible_workloads=await _visible_workloads(uow, scope),
        effective_from=start,
        closed_periods=await uow.budgets.closed_periods(),
    )
    created = await uow.allocation.add_claims(planned, user.email, now)
    await rules_changed(uow)
    for c in created:
        await uow.audit.record(
            AuditEntry(
                _actor(user),
                "claim.create",
                "claim",
                str(c.id),
                after={
                    "account_id": c.account_id,
                    "resource_id": c.resource_id,
                    "workload_id": c.workload_id,
                    "budget_id": c.budget_id,
                    "effective_from": c.effective_from.isoformat(),
                },
                details={"backdated": effective_from is not None},
            )
        )
    return created


async def release(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    scope: ResolvedScope,
    *,
    resource_ids: Sequence[str],
    account_id: str | None,
    effective_to: date | None,
) -> list[Claim]:
    """Release claimed resources back to the account split from the day after; answers the
    released claims as stored.

    A resource is found by its open claim among the caller's workloads; when one id is claimed
    in several of those accounts, `account_id` must say which. The shortened span must not
    share a day with another claim of the resource (with consistent data it cannot; the check
    keeps a bad row from spreading)."""
    _may_claim(user)
    if effective_to is not None and not can(user.role, Permission.CLAIM_ANY):
        raise Forbidden("only a Financial Admin or an Admin may set effective_to")
    now = clock.now()
    last_day = effective_to or now.date()
    visible = await _visible_workloads(uow, scope)
    errors: list[ErrorDetail] = []
    overlaps: list[ErrorDetail] = []
    if not resource_ids:
        errors.append(ErrorDetail(message="no resources given", field="resource_ids"))
    closed = sorted(p for p in await uow.budgets.closed_periods() if p > period_key(last_day))
    if closed:
        errors.append(
            ErrorDetail(
                message=f"{', '.join(closed)} closed: a release cannot change a closed month",
                field="effective_to",
            )
        )
    named = [
        c
        for c in await uow.allocation.open_claims_named(resource_ids)
        if (account_id is None or c.account_id == account_id)
        and (visible is None or c.workload_id in visible)
    ]
    keys: dict[int, ResourceKey] = {}
    for j, resource_id in enumerate(resource_ids):
        field = f"resource_ids.{j}"
        found = sorted(c.account_id for c in named if c.resource_id == resource_id)
        if not found:
            errors.append(ErrorDetail(message=f"{resource_id} is not claimed", field=field))
        elif len(found) > 1:
            errors.append(
                ErrorDetail(
                    message=f"{resource_id} is claimed in accounts {', '.join(found)}: "
                    "give account_id",
                    field=field,
                )
            )
        else:
            keys[j] = (found[0], resource_id)
    await uow.allocation.lock_resources(keys.values())
    spans = await uow.allocation.claims_of(keys.values())
    released: list[Claim] = []
    for j, key in keys.items():
        field = f"resource_ids.{j}"
        current = next((c for c in spans.get(key, ()) if c.effective_to is None), None)
        if current is None:  # released by someone else since it was looked up
            errors.append(ErrorDetail(message=f"{key[1]} is not claimed", field=field))
        elif last_day < current.effective_from - timedelta(days=1):
            errors.append(
                ErrorDetail(
                    message=f"{key[1]} is claimed from {current.effective_from.isoformat()};"
                    " it cannot be released before that",
                    field=field,
                )
            )
        else:
            clash = [
                c
                for c in spans[key]
                if c.id != current.id and c.overlaps(current.effective_from, last_day)
            ]
            overlaps += [
                overlap_error(c, current.effective_from, last_day, field, visible) for c in clash
            ]
            released.append(current)
    if errors:
        raise RuleViolation(
            f"{len(errors) + len(overlaps)} resource(s) cannot be released; nothing was released",
            [*errors, *overlaps],
        )
    if overlaps:
        raise Conflict(
            f"{len(overlaps)} release(s) would leave a claim span overlapping another claim of "
            "the same resource; nothing was released",
            overlaps,
        )
    await uow.allocation.release([c.id for c in released], user.email, now, last_day)
    await rules_changed(uow)
    for c in released:
        await uow.audit.record(
            AuditEntry(
                _actor(user),
                "claim.release",
                "claim",
                str(c.id),
                before={"effective_to": None},
                after={"effective_to": last_day.isoformat()},
                details={"account_id": c.account_id, "resource_id": c.resource_id},
            )
        )
    return await uow.allocation.claims_by_id(c.id for c in released)


# --- reads of the claims ---------------------------------------------------------------------


async def list_claims(
    uow: UnitOfWork,
    scope: ResolvedScope,
    *,
    status: str | None = None,
    workload_id: int | None = None,
) -> list[Claim]:
    """Who claimed what, when, for which budget (in the caller's scope)."""
    return await uow.allocation.claims(scope, status=status, workload_id=workload_id)


async def list_workloads(
    uow: UnitOfWork,
    scope: ResolvedScope,
    *,
    budget_id: int | None = None,
    account_id: str | None = None,
) -> list[Workload]:
    """Workloads under the budgets in the caller's scope."""
    return await uow.allocation.workloads(scope, budget_id=budget_id, account_id=account_id)
