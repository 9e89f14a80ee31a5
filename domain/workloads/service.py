"""Use cases of account allocation: split an account, create workloads, claim and release.

Each takes its ports and raises domain errors before writing anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain.accounts.model import Account
from domain.accounts.splits import SplitVersion, default_effective_from, validate_split
from domain.audit import Actor, AuditEntry
from domain.errors import ErrorDetail, Forbidden, RuleViolation
from domain.ports import AllocationStore, AuditLog
from domain.workloads.model import (
    Claim,
    ClaimRequest,
    Workload,
    WorkloadFields,
    claim_start,
    plan_claims,
    validate_workload,
)


def _period(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


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
    """Claim resources to workloads, all or nothing."""
    if effective_from is not None and not may_backdate:
        raise Forbidden("only a Financial Admin or an Admin may set effective_from")
    start = claim_start(effective_from, now.date())
    ids = [r for req in requests for r in req.resource_ids]
    planned = plan_claims(
        requests,
        open_claims=await store.open_claims(ids),
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
    visible_workloads: Set[int] | None,
    effective_to: date | None,
    may_backdate: bool,
    now: datetime,
    closed_periods: Set[str],
) -> list[Claim]:
    """Release claimed resources back to the account split from the day after."""
    if effective_to is not None and not may_backdate:
        raise Forbidden("only a Financial Admin or an Admin may set effective_to")
    last_day = effective_to or now.date()
    open_claims = await store.open_claims(resource_ids)
    errors: list[ErrorDetail] = []
    released: list[Claim] = []
    if not resource_ids:
        errors.append(ErrorDetail(message="no resources given", field="resource_ids"))
    closed = sorted(p for p in closed_periods if p > _period(last_day))
    if closed:
        errors.append(
            ErrorDetail(
                message=f"{', '.join(closed)} closed: a release cannot change a closed month",
                field="effective_to",
            )
        )
    for j, resource_id in enumerate(resource_ids):
        current = open_claims.get(resource_id)
        if current is None or (
            visible_workloads is not None and current.workload_id not in visible_workloads
        ):
            errors.append(
                ErrorDetail(message=f"{resource_id} is not claimed", field=f"resource_ids.{j}")
            )
        elif last_day < current.effective_from - timedelta(days=1):
            errors.append(
                ErrorDetail(
                    message=f"{resource_id} is claimed from {current.effective_from.isoformat()};"
                    " it cannot be released before that",
                    field=f"resource_ids.{j}",
                )
            )
        else:
            released.append(current)
    if errors:
        raise RuleViolation(
            f"{len(errors)} resource(s) cannot be released; nothing was released", errors
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
                details={"resource_id": c.resource_id},
            )
        )
    return released
