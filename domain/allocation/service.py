"""Use cases of account allocation: split an account, create workloads, claim and release.

Each takes its ports and raises domain errors before writing anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.accounts.model import Account
from domain.allocation.rules import AllocationRules, ClaimSpan, SplitLine, fiscal_end
from domain.allocation.splits import SplitVersion, default_effective_from, validate_split
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
from domain.errors import Conflict, ErrorDetail, Forbidden, RuleViolation
from domain.periods import period_key
from domain.ports import AllocationStore, AuditLog, UnitOfWork


async def set_split(
    store: AllocationStore,
    audit: AuditLog,
    actor: Actor,
    *,
    account: Account,
    shares: Sequence[tuple[int, str]],
    effective_from: date | None,
    today: date,
    closed_periods: Set[str],
) -> SplitVersion:
    """A new split version; the one before it ends the day before."""
    versions = await store.splits_of(account.account_id)
    latest = versions[-1] if versions else None
    start = effective_from or default_effective_from(account.vended_date, today)
    budgets = await store.budget_refs(b for b, _ in shares)
    parsed = validate_split(
        shares=shares,
        budgets=budgets,
        effective_from=start,
        latest=latest,
        closed_periods=closed_periods,
        explicit_date=effective_from is not None,
    )
    await store.add_split(
        account.account_id,
        start,
        parsed,
        actor.email,
        latest,
        start - timedelta(days=1) if latest else None,
    )
    await audit.record(
        AuditEntry(
            actor,
            "account.split",
            "account",
            account.account_id,
            before=_split_view(latest) if latest else None,
            after={
                "effective_from": start.isoformat(),
                "splits": [{"budget_id": s.budget_id, "percent": str(s.percent)} for s in parsed],
            },
        )
    )
    return (await store.splits_of(account.account_id))[-1]


def _split_view(version: SplitVersion) -> dict[str, Any]:
    return {
        "effective_from": version.effective_from.isoformat(),
        "splits": [{"budget_id": s.budget_id, "percent": str(s.percent)} for s in version.shares],
    }


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


async def create_workload(
    store: AllocationStore,
    audit: AuditLog,
    actor: Actor,
    *,
    budget_id: int,
    budget_year: int,
    account_id: str,
    data: WorkloadInput,
) -> Workload:
    fields = data.validated(budget_year)
    workload = await store.add_workload(budget_id, account_id, fields, actor.email)
    await audit.record(
        AuditEntry(
            actor, "workload.create", "workload", str(workload.id), after=_workload_view(workload)
        )
    )
    return workload


async def update_workload(
    store: AllocationStore,
    audit: AuditLog,
    actor: Actor,
    *,
    workload: Workload,
    budget_year: int,
    data: WorkloadInput,
) -> Workload:
    fields = data.validated(budget_year)
    saved = await store.save_workload(workload.id, fields)
    if saved != workload:
        await audit.record(
            AuditEntry(
                actor,
                "workload.update",
                "workload",
                str(workload.id),
                before=_workload_view(workload),
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


async def claim(
    store: AllocationStore,
    audit: AuditLog,
    actor: Actor,
    *,
    requests: Sequence[ClaimRequest],
    resource_accounts: Mapping[str, Set[str]],
    visible_workloads: Set[int] | None = None,
    effective_from: date | None,
    may_backdate: bool,
    now: datetime,
    closed_periods: Set[str],
) -> list[Claim]:
    """Claim resources to workloads, all or nothing. The resources are locked first, so the
    spans checked are the spans the claims are written next to."""
    if effective_from is not None and not may_backdate:
        raise Forbidden("only a Financial Admin or an Admin may set effective_from")
    start = claim_start(effective_from, now.date())
    keys = [(req.workload.account_id, r) for req in requests for r in req.resource_ids]
    await store.lock_resources(keys)
    planned = plan_claims(
        requests,
        claims=await store.claims_of(keys),
        resource_accounts=resource_accounts,
        visible_workloads=visible_workloads,
        effective_from=start,
        closed_periods=closed_periods,
    )
    created = await store.add_claims(planned, actor.email, now)
    for c in created:
        await audit.record(
            AuditEntry(
                actor,
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
    store: AllocationStore,
    audit: AuditLog,
    actor: Actor,
    *,
    resource_ids: Sequence[str],
    account_id: str | None,
    visible_workloads: Set[int] | None,
    effective_to: date | None,
    may_backdate: bool,
    now: datetime,
    closed_periods: Set[str],
) -> list[Claim]:
    """Release claimed resources back to the account split from the day after.

    A resource is found by its open claim among the caller's workloads; when one id is claimed
    in several of those accounts, `account_id` must say which. The shortened span must not
    share a day with another claim of the resource (with consistent data it cannot; the check
    keeps a bad row from spreading)."""
    if effective_to is not None and not may_backdate:
        raise Forbidden("only a Financial Admin or an Admin may set effective_to")
    last_day = effective_to or now.date()
    errors: list[ErrorDetail] = []
    overlaps: list[ErrorDetail] = []
    if not resource_ids:
        errors.append(ErrorDetail(message="no resources given", field="resource_ids"))
    closed = sorted(p for p in closed_periods if p > period_key(last_day))
    if closed:
        errors.append(
            ErrorDetail(
                message=f"{', '.join(closed)} closed: a release cannot change a closed month",
                field="effective_to",
            )
        )
    named = [
        c
        for c in await store.open_claims_named(resource_ids)
        if (account_id is None or c.account_id == account_id)
        and (visible_workloads is None or c.workload_id in visible_workloads)
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
    await store.lock_resources(keys.values())
    spans = await store.claims_of(keys.values())
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
                overlap_error(c, current.effective_from, last_day, field, visible_workloads)
                for c in clash
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
    await store.release([c.id for c in released], actor.email, now, last_day)
    for c in released:
        await audit.record(
            AuditEntry(
                actor,
                "claim.release",
                "claim",
                str(c.id),
                before={"effective_to": None},
                after={"effective_to": last_day.isoformat()},
                details={"account_id": c.account_id, "resource_id": c.resource_id},
            )
        )
    return released


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
