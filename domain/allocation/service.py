"""Application services of account allocation: split an account, create and change
workloads, claim and release resources, carry everything into the next fiscal year; and the
scoped reads behind the allocation pages.

Each takes the unit of work, loads through its repositories (which apply the caller's scope),
checks the pure rules before writing anything, records the audit entries and publishes
`AllocationRulesChanged`. Every split or claim change bumps the rules version here, so the
materialized allocations know they are stale. None of them commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from domain.allocation.carry_forward import (
    CarryPlan,
    CarryStatus,
    ClaimCarry,
    SplitCarry,
    WorkloadCarry,
    YearBudget,
    plan_carry_forward,
)
from domain.allocation.rules import AllocationRules, ClaimSpan, SplitLine, fiscal_end, year_end
from domain.allocation.splits import (
    BudgetRef,
    SplitVersion,
    default_effective_from,
    summary_group,
    validate_split,
)
from domain.allocation.workloads import (
    Claim,
    ClaimRequest,
    NewClaim,
    ResourceKey,
    Workload,
    WorkloadFields,
    claim_start,
    overlap_error,
    plan_claims,
    validate_workload,
)
from domain.audit import Actor, AuditEntry
from domain.budgets.model import BudgetStatus
from domain.errors import Conflict, ErrorDetail, Forbidden, NotFound, RuleViolation
from domain.events import AllocationRulesChanged
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.periods import period_key
from domain.ports import Clock, ResourceDirectory, UnitOfWork
from domain.scope import ResolvedScope


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, email=user.email)


async def _rules_changed(uow: UnitOfWork) -> None:
    """Every split or claim change: the rules version moves on (materialized allocations of
    the old version are stale) and, after commit, the reallocation runs."""
    await uow.allocation.bump_rules_version()
    uow.publish(AllocationRulesChanged())


# --- splits ----------------------------------------------------------------------------------


async def set_split(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    *,
    account_id: str,
    shares: Sequence[tuple[int, str]],
    effective_from: date | None,
) -> list[SplitVersion]:
    """A new split version; the one before it ends the day before. Answers the account's
    whole split history, oldest first."""
    account = await uow.accounts.get(account_id)
    if account is None:
        raise NotFound("account not found")
    versions = await uow.allocation.splits_of(account_id)
    latest = versions[-1] if versions else None
    start = effective_from or default_effective_from(account.vended_date, clock.today())
    parsed = validate_split(
        shares=shares,
        budgets=await uow.allocation.budget_refs(b for b, _ in shares),
        effective_from=start,
        latest=latest,
        closed_periods=await uow.budgets.closed_periods(),
        explicit_date=effective_from is not None,
    )
    await uow.allocation.add_split(
        account_id,
        start,
        parsed,
        actor.email,
        latest,
        start - timedelta(days=1) if latest else None,
    )
    await _rules_changed(uow)
    await uow.audit.record(
        AuditEntry(
            actor,
            "account.split",
            "account",
            account_id,
            before=_split_view(latest) if latest else None,
            after={
                "effective_from": start.isoformat(),
                "splits": [{"budget_id": s.budget_id, "percent": str(s.percent)} for s in parsed],
            },
        )
    )
    return await uow.allocation.splits_of(account_id)


def _split_view(version: SplitVersion) -> dict[str, Any]:
    return {
        "effective_from": version.effective_from.isoformat(),
        "splits": [{"budget_id": s.budget_id, "percent": str(s.percent)} for s in version.shares],
    }


async def account_splits(
    uow: UnitOfWork, scope: ResolvedScope, *, account_id: str
) -> list[SplitVersion]:
    """An account's split history, oldest first. A scoped caller sees the versions touching
    their budgets, with only their budgets' shares, and none at all answers 404."""
    versions = await uow.allocation.splits_in(scope, account_id=account_id)
    if not versions and (not scope.unrestricted or await uow.accounts.get(account_id) is None):
        raise NotFound("account not found")
    return versions


async def allocation_summary(
    uow: UnitOfWork, scope: ResolvedScope, *, today: date
) -> dict[str, list[SplitVersion]]:
    """The split versions in `scope` by group: current, expiring, new, past and future."""
    groups: dict[str, list[SplitVersion]] = {
        k: [] for k in ("current", "expiring", "new", "past", "future")
    }
    for version in await uow.allocation.splits_in(scope):
        groups[summary_group(version, today)].append(version)
    return groups


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
    await _rules_changed(uow)
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
    await _rules_changed(uow)
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


# --- carry forward ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CarryForwardResult:
    plan: CarryPlan
    applied: bool


async def carry_forward(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    *,
    from_year: int,
    to_year: int,
    dry_run: bool,
) -> CarryForwardResult:
    """The turn of the fiscal year (see `carry_forward.py`): the plan, and unless `dry_run`
    every proposed item carried in this unit of work (any error: nothing)."""
    budgets = [
        YearBudget(b.id, year, tuple(b.path), b.status == BudgetStatus.ACTIVE)
        for year in (from_year, to_year)
        for b in await uow.budgets.existing_budgets(year)
    ]
    closed = await uow.budgets.closed_periods()
    plan = plan_carry_forward(
        from_year=from_year,
        to_year=to_year,
        budgets=budgets,
        splits=await uow.allocation.all_splits(),
        workloads=await uow.allocation.workloads(ResolvedScope.everything()),
        claims=await uow.allocation.all_claims(),
        closed_periods=closed,
    )
    if dry_run or not plan.pending:
        return CarryForwardResult(plan, applied=False)
    budget_refs = await uow.allocation.budget_refs(b.id for b in budgets)
    now = clock.now()
    splits = [await _carry_split(uow, actor, c, budget_refs, closed) for c in plan.splits]
    workloads = [await _carry_workload(uow, actor, c, plan.to_year) for c in plan.workloads]
    new_ids = {c.source.id: c.new_workload_id for c in workloads if c.new_workload_id}
    claims = await _carry_claims(uow, actor, plan, new_ids, now)
    await _rules_changed(uow)
    await uow.audit.record(
        AuditEntry(
            actor,
            "allocation.carry_forward",
            "fiscal_year",
            str(plan.to_year),
            details={
                "from_year": plan.from_year,
                "to_year": plan.to_year,
                "splits": sum(1 for c in splits if c.status is CarryStatus.CARRIED),
                "workloads": sum(1 for c in workloads if c.status is CarryStatus.CARRIED),
                "claims": sum(1 for c in claims if c.status is CarryStatus.CARRIED),
                "not_carried": len(plan.not_carried),
            },
        )
    )
    done = CarryPlan(
        plan.from_year,
        plan.to_year,
        tuple(splits),
        tuple(workloads),
        tuple(claims),
        plan.not_carried,
    )
    return CarryForwardResult(done, applied=True)


async def _carry_split(
    uow: UnitOfWork,
    actor: Actor,
    carry: SplitCarry,
    budget_refs: Mapping[int, BudgetRef],
    closed_periods: set[str],
) -> SplitCarry:
    if carry.status is not CarryStatus.PROPOSED:
        return carry
    start = carry.effective_from
    shares = validate_split(
        shares=[(ln.to_budget_id, str(ln.percent)) for ln in carry.lines],
        budgets=budget_refs,
        effective_from=start,
        latest=carry.source,
        closed_periods=closed_periods,
        explicit_date=True,
    )
    await uow.allocation.add_split(
        carry.account_id, start, shares, actor.email, carry.source, carry.source.ends
    )
    await uow.audit.record(
        AuditEntry(
            actor,
            "account.split",
            "account",
            carry.account_id,
            before=_split_view(carry.source),
            after={
                "effective_from": start.isoformat(),
                "splits": [{"budget_id": s.budget_id, "percent": str(s.percent)} for s in shares],
            },
            details={"carried_forward_from": carry.source.effective_from.year},
        )
    )
    return replace(carry, status=CarryStatus.CARRIED)


async def _carry_workload(
    uow: UnitOfWork, actor: Actor, carry: WorkloadCarry, to_year: int
) -> WorkloadCarry:
    if carry.status is not CarryStatus.PROPOSED:
        return carry
    w = carry.source
    created = await uow.allocation.add_workload(
        carry.to_budget_id,
        w.account_id,
        WorkloadFields(
            w.name, w.calculator_url, w.monthly_estimate, date(to_year, 1, 1), date(to_year, 12, 1)
        ),
        actor.email,
    )
    await uow.audit.record(
        AuditEntry(
            actor,
            "workload.create",
            "workload",
            str(created.id),
            after={
                "budget_id": created.budget_id,
                "account_id": created.account_id,
                "name": created.name,
                "monthly_estimate": str(created.monthly_estimate),
                "launch_month": created.launch_month.isoformat()[:7],
                "end_month": created.end_month.isoformat()[:7],
            },
            details={"carried_forward_from": w.id},
        )
    )
    return replace(carry, status=CarryStatus.CARRIED, new_workload_id=created.id)


async def _carry_claims(
    uow: UnitOfWork, actor: Actor, plan: CarryPlan, new_ids: Mapping[int, int], now: datetime
) -> list[ClaimCarry]:
    """Open claims of carried workloads: released on 31 December (one open claim per resource
    at a time), then claimed to the new workload from 1 January."""
    to_carry = [c for c in plan.claims if c.status is CarryStatus.PROPOSED]
    by_end: dict[date, list[int]] = {}
    for cc in to_carry:
        end = fiscal_end(cc.source.effective_from, year_end(plan.from_year), plan.from_year)
        by_end.setdefault(end, []).append(cc.source.id)
    for end, ids in sorted(by_end.items()):
        await uow.allocation.release(ids, actor.email, now, end)
    new_claims = [
        NewClaim(
            cc.source.account_id,
            cc.source.resource_id,
            cc.to_workload_id or new_ids[cc.from_workload_id],
            cc.to_budget_id,
            cc.effective_from,
        )
        for cc in to_carry
    ]
    created = await uow.allocation.add_claims(new_claims, actor.email, now) if new_claims else []
    for cc, new in zip(to_carry, created, strict=True):
        await uow.audit.record(
            AuditEntry(
                actor,
                "claim.create",
                "claim",
                str(new.id),
                before={"claim_id": cc.source.id, "workload_id": cc.source.workload_id},
                after={
                    "resource_id": new.resource_id,
                    "workload_id": new.workload_id,
                    "budget_id": new.budget_id,
                    "effective_from": new.effective_from.isoformat(),
                },
                details={"carried_forward_from": cc.source.id},
            )
        )
    made = iter(created)
    return [
        replace(cc, status=CarryStatus.CARRIED, to_workload_id=next(made).workload_id)
        if cc.status is CarryStatus.PROPOSED
        else cc
        for cc in plan.claims
    ]


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


def rules_from(
    splits: Sequence[SplitVersion], claims: Sequence[Claim], budget_years: Mapping[int, int]
) -> AllocationRules:
    """The engine's rules from the stored split versions and claims, each ending at the latest
    on 31 December of its budgets' year (`budget_years`: budget id → fiscal year; a claim of
    an unknown budget is bounded by the year it starts in)."""
    lines = [
        SplitLine(v.account_id, s.budget_id, s.percent, v.effective_from, v.ends)
        for v in splits
        for s in v.shares
    ]
    spans = [
        ClaimSpan(
            c.account_id,
            c.resource_id,
            c.workload_id,
            c.budget_id,
            c.effective_from,
            fiscal_end(
                c.effective_from,
                c.effective_to,
                budget_years.get(c.budget_id, c.effective_from.year),
            ),
        )
        for c in claims
    ]
    return AllocationRules(lines, spans)


async def current_rules(uow: UnitOfWork) -> tuple[AllocationRules, int]:
    """The allocation rules in force (every split version and claim span, each ended with its
    budgets' fiscal year) and the rules version they carry."""
    version = await uow.allocation.rules_version()
    claims = await uow.allocation.all_claims()
    refs = await uow.allocation.budget_refs(c.budget_id for c in claims)
    rules = rules_from(
        await uow.allocation.all_splits(), claims, {b.id: b.year for b in refs.values()}
    )
    return rules, version
