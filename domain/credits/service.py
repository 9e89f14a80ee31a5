"""Credit use cases (SPEC section 6): record, edit (until first use), void, read, and the
month's application of the ledger, with its preview and the expiry forecast.

They take the unit of work, the clock and the caller and never commit: the edge does.
`apply_credits` is what month close calls; it is unscoped (it applies every budget's
credits) and takes the acting `Actor` (the closing user, or the system)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.audit import Actor, AuditEntry
from domain.credits.ledger import (
    Application,
    BudgetMonthSpend,
    CreditOutcome,
    ExpiryForecast,
    LedgerCredit,
    average_burn,
    forecast_expiry,
    month_bounds,
    settle_month,
)
from domain.credits.model import (
    CENT,
    Credit,
    CreditChanges,
    CreditFields,
    CreditStatus,
    validate_fields,
    validate_reason,
)
from domain.credits.ports import CreditFilter, CreditRecord, LedgerEntry, MonthlyBudgetSpend
from domain.errors import Conflict, ErrorDetail, Forbidden, NotFound, RuleViolation
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.periods import period_key
from domain.ports import Clock, UnitOfWork
from domain.scope import ResolvedScope

#: How many full months before the current one the burn rate averages.
BURN_MONTHS = 3


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, email=user.email)


def _may_manage(user: User) -> None:
    if not can(user.role, Permission.MANAGE_CREDITS):
        raise Forbidden(f"your role ({user.role.value}) may not record or change credits")


def _snapshot(credit: Credit) -> dict[str, Any]:
    f = credit.fields
    return {
        "budget_id": f.budget_id,
        "program": f.program.value,
        "amount": str(f.amount),
        "start_date": f.start_date.isoformat(),
        "expires_on": f.expires_on.isoformat(),
        "reference": f.reference,
        "description": f.description,
        "status": credit.status.value,
        "version": credit.version,
    }


def _months(first: date, last: date) -> list[str]:
    """The billing periods `first`..`last` touches."""
    out = []
    month = first.replace(day=1)
    while month <= last:
        out.append(period_key(month))
        month = (month + timedelta(days=32)).replace(day=1)
    return out


async def _checked(uow: UnitOfWork, scope: ResolvedScope, fields: CreditFields) -> CreditFields:
    """The fields valid, on a budget in the caller's scope, and clear of closed months."""
    fields = validate_fields(fields)
    if await uow.allocation.budget_in(scope, fields.budget_id) is None:
        raise RuleViolation(
            "no such budget",
            [ErrorDetail(f"no budget {fields.budget_id} in your scope", field="budget_id")],
        )
    closed = await uow.budgets.closed_periods()
    touched = sorted(set(_months(fields.start_date, fields.expires_on)) & closed)
    if touched:
        raise RuleViolation(
            "the credit reaches into a closed month",
            [
                ErrorDetail(
                    f"{', '.join(touched)} {'is' if len(touched) == 1 else 'are'} closed: "
                    "start the credit in an open month",
                    field="start_date",
                )
            ],
        )
    return fields


async def credit_detail(
    uow: UnitOfWork, scope: ResolvedScope, credit_id: int
) -> tuple[CreditRecord, list[LedgerEntry]]:
    """One credit in the caller's scope with its ledger (NotFound otherwise)."""
    found = await uow.credits.records(scope, CreditFilter(credit_id=credit_id))
    if not found:
        raise NotFound("credit not found")
    return found[0], await uow.credits.ledger([credit_id])


async def list_credits(
    uow: UnitOfWork, scope: ResolvedScope, filters: CreditFilter
) -> list[CreditRecord]:
    return await uow.credits.records(scope, filters)


async def create_credit(
    uow: UnitOfWork, clock: Clock, user: User, scope: ResolvedScope, *, fields: CreditFields
) -> tuple[CreditRecord, list[LedgerEntry]]:
    """Record a credit against a budget (Financial Admin, Vendor Manager, Admin)."""
    _may_manage(user)
    fields = await _checked(uow, scope, fields)
    credit = await uow.credits.add(fields, user.email, clock.now())
    await uow.audit.record(
        AuditEntry(_actor(user), "credit.create", "credit", str(credit.id), after=_snapshot(credit))
    )
    return await credit_detail(uow, scope, credit.id)


async def edit_credit(
    uow: UnitOfWork,
    clock: Clock,  # noqa: ARG001 (every use case takes the clock)
    user: User,
    scope: ResolvedScope,
    *,
    credit_id: int,
    changes: CreditChanges,
    version: int,
) -> tuple[CreditRecord, list[LedgerEntry]]:
    """Change a credit while nothing of it has been applied (409 after, or once void)."""
    _may_manage(user)
    record, _ = await credit_detail(uow, scope, credit_id)
    credit = record.credit
    if credit.status is CreditStatus.VOID:
        raise Conflict("a void credit cannot be edited")
    if credit.applications:
        raise Conflict(
            "the credit has been applied: it can no longer be edited (void it and record a new one)"
        )
    fields = await _checked(uow, scope, changes.merged(credit.fields))
    saved = await uow.credits.save(credit_id, version, fields)
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            "credit.edit",
            "credit",
            str(credit_id),
            before=_snapshot(credit),
            after=_snapshot(saved),
        )
    )
    return await credit_detail(uow, scope, credit_id)


async def void_credit(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    scope: ResolvedScope,
    *,
    credit_id: int,
    reason: str,
    version: int,
) -> tuple[CreditRecord, list[LedgerEntry]]:
    """Void a credit with a reason: it applies nothing more; its ledger stays (a credit is
    never deleted). Allowed after use too: the balance left is forfeited."""
    _may_manage(user)
    reason = validate_reason(reason)
    record, _ = await credit_detail(uow, scope, credit_id)
    credit = record.credit
    if credit.status is CreditStatus.VOID:
        raise Conflict("the credit is void already")
    saved = await uow.credits.void(credit_id, version, reason, user.email, clock.now())
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            "credit.void",
            "credit",
            str(credit_id),
            before=_snapshot(credit),
            after=_snapshot(saved),
            details={"reason": reason, "balance_forfeited": str(saved.balance)},
        )
    )
    return await credit_detail(uow, scope, credit_id)


# --- the month's application -----------------------------------------------------------------
@dataclass(frozen=True)
class MonthSettlement:
    """One budget's month: its spend and what each of its credits does."""

    budget_id: int
    spend: Decimal
    outcomes: tuple[CreditOutcome, ...]


async def _settle(
    uow: UnitOfWork,
    spend_reader: MonthlyBudgetSpend,
    period: str,
    budget_ids: set[int] | None,
) -> tuple[list[MonthSettlement], dict[int, Credit]]:
    first, last = month_bounds(period)
    credits = await uow.credits.valid_between(first, last, budget_ids)
    already = await uow.credits.applications_in(period)
    by_budget: dict[int, list[LedgerCredit]] = defaultdict(list)
    for c in credits:
        by_budget[c.budget_id].append(
            LedgerCredit(
                c.id, c.fields.start_date, c.fields.expires_on, c.balance, already.get(c.id)
            )
        )
    if not by_budget:
        return [], {}
    spend = await spend_reader.month_spend(sorted(by_budget), period)
    out = []
    for budget_id in sorted(by_budget):
        month = spend.get(budget_id, BudgetMonthSpend(budget_id))
        outcomes = settle_month(by_budget[budget_id], month, period=period)
        out.append(MonthSettlement(budget_id, month.total().quantize(CENT), tuple(outcomes)))
    return out, {c.id: c for c in credits}


async def apply_credits(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    spend_reader: MonthlyBudgetSpend,
    *,
    period: str,
) -> list[Application]:
    """Apply every budget's credits to `period`'s allocated spend and write the ledger rows
    (the rule: `ledger.py`). Idempotent: a credit applied in `period` is not applied again, so a
    second run writes nothing new. Refused for a month not over yet, or already closed (month
    close applies the credits before it closes the month)."""
    first, last = month_bounds(period)
    if last >= clock.today():
        raise RuleViolation(
            "the month is not over",
            [ErrorDetail(f"{period} is not over yet: credits apply once it is", field="period")],
        )
    if period in await uow.budgets.closed_periods():
        raise Conflict(
            f"{period} is closed: its credits were applied when it closed",
            [ErrorDetail("the month is closed", field="period")],
        )
    settlements, _ = await _settle(uow, spend_reader, period, None)
    applications = [
        Application(o.credit_id, s.budget_id, period, o.amount, o.balance_before)
        for s in settlements
        for o in s.outcomes
        if not o.already and o.amount > 0
    ]
    if not applications:
        return []
    await uow.credits.add_applications(applications, actor.email, clock.now())
    await uow.audit.record(
        AuditEntry(
            actor,
            "credit.apply",
            "credit",
            ",".join(str(a.credit_id) for a in applications),
            after={
                "period": period,
                "applications": [
                    {"credit_id": a.credit_id, "budget_id": a.budget_id, "amount": str(a.amount)}
                    for a in applications
                ],
            },
        )
    )
    return applications


@dataclass(frozen=True)
class PreviewLine:
    record: CreditRecord
    outcome: CreditOutcome


@dataclass(frozen=True)
class BudgetPreview:
    budget_id: int
    budget_path: tuple[str, ...]
    spend: Decimal
    lines: tuple[PreviewLine, ...]

    @property
    def applied(self) -> Decimal:
        return sum((line.outcome.amount for line in self.lines), Decimal("0.00"))


async def _in_scope(uow: UnitOfWork, scope: ResolvedScope) -> dict[int, CreditRecord]:
    return {r.credit.id: r for r in await uow.credits.records(scope, CreditFilter())}


async def preview_credits(
    uow: UnitOfWork, scope: ResolvedScope, spend_reader: MonthlyBudgetSpend, *, period: str
) -> list[BudgetPreview]:
    """What `apply_credits(period)` would do (or did: credits applied already show what they
    applied), per budget in the caller's scope; writes nothing."""
    visible = await _in_scope(uow, scope)
    budgets = {r.credit.budget_id for r in visible.values()}
    if not budgets:
        return []
    settlements, _ = await _settle(uow, spend_reader, period, budgets)
    out = []
    for s in settlements:
        lines = tuple(PreviewLine(visible[o.credit_id], o) for o in s.outcomes)
        if lines:
            out.append(BudgetPreview(s.budget_id, lines[0].record.budget_path, s.spend, lines))
    return out


@dataclass(frozen=True)
class ForecastLine:
    record: CreditRecord
    forecast: ExpiryForecast
    burn_rate: Decimal
    history_months: tuple[str, ...]


def burn_months(today: date, available: frozenset[str]) -> list[str]:
    """The last `BURN_MONTHS` full months before `today`'s that the CUR holds, oldest first."""
    month = today.replace(day=1)
    out = []
    for _ in range(BURN_MONTHS):
        month = (month - timedelta(days=1)).replace(day=1)
        out.append(period_key(month))
    return sorted(m for m in out if m in available)


async def expiry_forecast(
    uow: UnitOfWork, clock: Clock, scope: ResolvedScope, spend_reader: MonthlyBudgetSpend
) -> list[ForecastLine]:
    """For each active credit in scope with a balance, not expired before this month: what it
    will apply by its expiry and what it will leave unused, if its budget keeps spending at its
    burn rate (the average allocated spend of the last `BURN_MONTHS` full months the CUR holds;
    none: zero). Soonest expiry first."""
    today = clock.today()
    this_month = period_key(today)
    first, _ = month_bounds(this_month)
    records = [
        r
        for r in (await _in_scope(uow, scope)).values()
        if r.credit.status is CreditStatus.ACTIVE
        and r.credit.balance > 0
        and r.credit.fields.expires_on >= first
    ]
    if not records:
        return []
    history = burn_months(today, await spend_reader.periods())
    budget_ids = sorted({r.credit.budget_id for r in records})
    totals: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for month in history:
        found = await spend_reader.month_spend(budget_ids, month)
        for b in budget_ids:
            totals[b][month] = found[b].total() if b in found else Decimal(0)
    already = await uow.credits.applications_in(this_month)
    out: list[ForecastLine] = []
    for budget_id in budget_ids:
        mine = [r for r in records if r.credit.budget_id == budget_id]
        burn = average_burn(totals[budget_id])
        forecasts = forecast_expiry(
            [
                LedgerCredit(
                    r.credit.id,
                    r.credit.fields.start_date,
                    r.credit.fields.expires_on,
                    r.credit.balance,
                    already.get(r.credit.id),
                )
                for r in mine
            ],
            budget_id=budget_id,
            burn_rate=burn,
            from_period=this_month,
        )
        by_id = {r.credit.id: r for r in mine}
        out += [ForecastLine(by_id[f.credit_id], f, burn, tuple(history)) for f in forecasts]
    return sorted(
        out,
        key=lambda line: (line.record.credit.fields.expires_on, line.record.credit.id),
    )


@dataclass(frozen=True)
class CloseLedger:
    """The credits as month close sees them (`domain.close.ports.CreditLedger`): apply the
    month's credits in the close's transaction, then the amount applied per budget."""

    uow: UnitOfWork
    clock: Clock
    actor: Actor
    spend_reader: MonthlyBudgetSpend

    async def apply(self, period: str) -> Mapping[int, Decimal]:
        await apply_credits(self.uow, self.clock, self.actor, self.spend_reader, period=period)
        return await self.uow.credits.applied(period)
