"""Application service of the turn of the fiscal year: carry the split versions, workloads
and claims of one year into the next (the pure plan is `carry_forward.py`). It never
commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from domain.allocation.carry_forward import (
    CarryPlan,
    CarryStatus,
    ClaimCarry,
    SplitCarry,
    WorkloadCarry,
    YearBudget,
    plan_carry_forward,
)
from domain.allocation.rules import fiscal_end, year_end
from domain.allocation.service import rules_changed, split_view
from domain.allocation.splits import (
    BudgetRef,
    validate_split,
)
from domain.allocation.workloads import (
    NewClaim,
    WorkloadFields,
)
from domain.audit import Actor, AuditEntry
from domain.budgets.model import BudgetStatus
from domain.ports import Clock, UnitOfWork
from domain.scope import ResolvedScope

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
    await rules_changed(uow)
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
            before=split_view(carry.source),
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
