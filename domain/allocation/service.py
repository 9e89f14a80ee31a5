"""Application services of account allocation: split an account, the scoped reads of the
splits, and the allocation rules in force (the split versions and claim spans the engine
runs on). Workloads and claims live in `workload_service.py`, the turn of the fiscal year in
`carry_forward_service.py`.

Each takes the unit of work, loads through its repositories (which apply the caller's scope),
checks the pure rules before writing anything, records the audit entries and publishes
`AllocationRulesChanged`. Every split or claim change bumps the rules version (see
`rules_changed`), so the materialized allocations know they are stale. None of them commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from domain.allocation.rules import (
    AllocationRules,
    ClaimSpan,
    NegotiatedDiscount,
    SplitLine,
    fiscal_end,
)
from domain.allocation.splits import (
    SplitVersion,
    default_effective_from,
    summary_group,
    validate_split,
)
from domain.allocation.workloads import Claim
from domain.audit import Actor, AuditEntry
from domain.errors import NotFound
from domain.events import AllocationRulesChanged
from domain.ports import Clock, UnitOfWork
from domain.scope import ResolvedScope


async def rules_changed(uow: UnitOfWork) -> None:
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
    await rules_changed(uow)
    await uow.audit.record(
        AuditEntry(
            actor,
            "account.split",
            "account",
            account_id,
            before=split_view(latest) if latest else None,
            after={
                "effective_from": start.isoformat(),
                "splits": [{"budget_id": s.budget_id, "percent": str(s.percent)} for s in parsed],
            },
        )
    )
    return await uow.allocation.splits_of(account_id)


def split_view(version: SplitVersion) -> dict[str, Any]:
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


# --- the rules in force ---------------------------------------------------------------------------


def rules_from(
    splits: Sequence[SplitVersion],
    claims: Sequence[Claim],
    budget_years: Mapping[int, int],
    discounts: Sequence[NegotiatedDiscount] = (),
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
    return AllocationRules(lines, spans, discounts)


async def current_rules(uow: UnitOfWork) -> tuple[AllocationRules, int]:
    """The allocation rules in force (every split version and claim span, each ended with its
    budgets' fiscal year, and the negotiated discounts) and the rules version they carry."""
    version = await uow.allocation.rules_version()
    claims = await uow.allocation.all_claims()
    refs = await uow.allocation.budget_refs(c.budget_id for c in claims)
    discounts = [
        d.rule() for d in await uow.discounts.list_all() if d.end is None or d.end >= d.start
    ]
    rules = rules_from(
        await uow.allocation.all_splits(),
        claims,
        {b.id: b.year for b in refs.values()},
        discounts,
    )
    return rules, version
