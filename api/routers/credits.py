"""Credits (SPEC section 6): record, edit until first use, void, the ledger, the month's
preview and application, and the expiry forecast."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response

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
from api.schemas.common import BILLING_MONTH_PATTERN, PROBLEM_RESPONSES
from api.schemas.credits import (
    ApplicationRead,
    ApplyResultRead,
    BudgetPreviewRead,
    CreditApply,
    CreditCreate,
    CreditDetail,
    CreditPreviewRead,
    CreditRead,
    CreditUpdate,
    CreditVoid,
    ForecastRead,
    LedgerEntryRead,
    PreviewCreditRead,
)
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.budgets.money import AmountError, parse_amount
from domain.credits import service
from domain.credits.model import CreditChanges, CreditFields, CreditStatus
from domain.credits.ports import CreditFilter, CreditRecord, LedgerEntry
from domain.errors import ErrorDetail, RuleViolation
from domain.identity.roles import Permission
from domain.identity.users import User

router = APIRouter(prefix="/api/v1", tags=["credits"], responses=PROBLEM_RESPONSES)

CreditManager = Annotated[User, RequirePermission(Permission.MANAGE_CREDITS)]
Period = Annotated[str, Query(pattern=BILLING_MONTH_PATTERN, examples=["2026-10"])]


def _amount(text: str) -> Decimal:
    try:
        return parse_amount(text)
    except AmountError as exc:
        raise RuleViolation(
            "the amount is not valid", [ErrorDetail(str(exc), field="amount")]
        ) from None


def _read(record: CreditRecord) -> CreditRead:
    c = record.credit
    f = c.fields
    return CreditRead(
        id=c.id,
        budget_id=f.budget_id,
        budget_path=list(record.budget_path),
        program=f.program,
        amount=f.amount,
        applied=c.applied,
        balance=c.balance,
        start_date=f.start_date,
        expires_on=f.expires_on,
        reference=f.reference,
        description=f.description,
        status=c.status,
        version=c.version,
        editable=c.editable,
        created_by=c.created_by,
        created_at=c.created_at,
        void_reason=c.void_reason,
        voided_by=c.voided_by,
        voided_at=c.voided_at,
    )


def _detail(record: CreditRecord, ledger: list[LedgerEntry]) -> CreditDetail:
    return CreditDetail(
        **_read(record).model_dump(),
        ledger=[
            LedgerEntryRead(
                id=e.id,
                period=e.period,
                amount=e.amount,
                balance_after=e.balance_after,
                applied_at=e.applied_at,
                applied_by=e.applied_by,
            )
            for e in ledger
        ],
    )


@router.get("/credits", response_model=list[CreditRead], responses=CSV_RESPONSES)
async def list_credits(
    uow: UoW,
    scope: ScopeFilter,
    want: CsvWanted,
    budget_id: IdFilter = None,
    status: CreditStatus | None = None,
) -> list[CreditRead] | Response:
    """The credits of the budgets in the caller's scope, soonest expiry first, each with what
    it has applied and its balance."""
    found = await service.list_credits(uow, scope, CreditFilter(budget_id=budget_id, status=status))
    items = [_read(r) for r in found]
    return table(want, items, items, CreditRead, "credits")


@router.post("/credits", response_model=CreditDetail, status_code=201)
async def create_credit(
    body: CreditCreate, user: CurrentUser, uow: UoW, scope: ScopeFilter, clock: AppClock
) -> CreditDetail:
    """Record an AWS credit against a budget (Financial Admin, Vendor Manager, Admin). The
    amount is more than zero with at most two decimals; it expires on or after its start; its
    months must all be open."""
    record, ledger = await service.create_credit(
        uow,
        clock,
        user,
        scope,
        fields=CreditFields(
            budget_id=body.budget_id,
            program=body.program,
            amount=_amount(body.amount),
            start_date=body.start_date,
            expires_on=body.expires_on,
            reference=body.reference,
            description=body.description,
        ),
    )
    return _detail(record, ledger)


@router.get("/credits/preview", response_model=CreditPreviewRead)
async def preview_credits(
    period: Period, uow: UoW, scope: ScopeFilter, container: AppContainer
) -> CreditPreviewRead:
    """What applying the credits to `period` does, per budget in scope: each credit with the
    amount it would apply (or applied, when the month has run) and the balance left. Writes
    nothing."""
    found = await service.preview_credits(uow, scope, container.credit_spend(uow), period=period)
    return CreditPreviewRead(
        period=period,
        budgets=[
            BudgetPreviewRead(
                budget_id=b.budget_id,
                budget_path=list(b.budget_path),
                spend=b.spend,
                applied=b.applied,
                credits=[
                    PreviewCreditRead(
                        credit_id=line.record.credit.id,
                        program=line.record.credit.fields.program,
                        reference=line.record.credit.fields.reference,
                        expires_on=line.record.credit.fields.expires_on,
                        balance_before=line.outcome.balance_before,
                        amount=line.outcome.amount,
                        balance_after=line.outcome.balance_after,
                        already_applied=line.outcome.already,
                    )
                    for line in b.lines
                ],
            )
            for b in found
        ],
    )


@router.get("/credits/forecast", response_model=list[ForecastRead], responses=CSV_RESPONSES)
async def credit_forecast(
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    want: CsvWanted,
    unused_only: bool = False,
) -> list[ForecastRead] | Response:
    """The active credits in scope with a balance, soonest expiry first: what each will apply
    by its expiry and what it will leave unused if its budget keeps its burn rate (the average
    allocated spend of the last three full months the CUR holds). `unused_only` keeps those
    expiring with money left."""
    found = await service.expiry_forecast(uow, clock, scope, container.credit_spend(uow))
    items = [
        ForecastRead(
            credit_id=line.record.credit.id,
            budget_id=line.record.credit.budget_id,
            budget_path=list(line.record.budget_path),
            program=line.record.credit.fields.program,
            reference=line.record.credit.fields.reference,
            expires_on=line.record.credit.fields.expires_on,
            balance=line.forecast.balance,
            burn_rate=line.burn_rate,
            history_months=list(line.history_months),
            projected_use=line.forecast.projected_use,
            unused_at_expiry=line.forecast.unused_at_expiry,
        )
        for line in found
        if not unused_only or line.forecast.unused_at_expiry > 0
    ]
    return table(want, items, items, ForecastRead, "credit-forecast")


@router.post("/credits/apply", response_model=ApplyResultRead)
async def apply_credits(
    body: CreditApply, user: CreditManager, uow: UoW, clock: AppClock, container: AppContainer
) -> ApplyResultRead:
    """Apply every budget's credits to a finished, still open month now (month close does it
    too). Idempotent: credits applied in the month already are not applied again, so a second
    run returns no applications."""
    found = await service.apply_credits(
        uow, clock, actor_of(user), container.credit_spend(uow), period=body.period
    )
    return ApplyResultRead(
        period=body.period,
        applications=[
            ApplicationRead(
                credit_id=a.credit_id,
                budget_id=a.budget_id,
                period=a.period,
                amount=a.amount,
                balance_after=a.balance_after,
            )
            for a in found
        ],
        total=sum((a.amount for a in found), Decimal("0.00")),
    )


@router.get("/credits/{credit_id}", response_model=CreditDetail)
async def get_credit(credit_id: Id, uow: UoW, scope: ScopeFilter) -> CreditDetail:
    """One credit with its ledger (each month's application and the balance after it)."""
    record, ledger = await service.credit_detail(uow, scope, credit_id)
    return _detail(record, ledger)


@router.patch("/credits/{credit_id}", response_model=CreditDetail)
async def edit_credit(
    credit_id: Id,
    body: CreditUpdate,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
) -> CreditDetail:
    """Change a credit's fields while nothing of it has been applied (409 after, or once void,
    or when `version` is stale)."""
    record, ledger = await service.edit_credit(
        uow,
        clock,
        user,
        scope,
        credit_id=credit_id,
        changes=CreditChanges(
            budget_id=body.budget_id,
            program=body.program,
            amount=None if body.amount is None else _amount(body.amount),
            start_date=body.start_date,
            expires_on=body.expires_on,
            reference=body.reference,
            description=body.description,
        ),
        version=body.version,
    )
    return _detail(record, ledger)


@router.post("/credits/{credit_id}/void", response_model=CreditDetail)
async def void_credit(
    credit_id: Id,
    body: CreditVoid,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
) -> CreditDetail:
    """Void a credit with a reason: it applies nothing more and its balance is forfeited; its
    ledger stays (credits are never deleted)."""
    record, ledger = await service.void_credit(
        uow, clock, user, scope, credit_id=credit_id, reason=body.reason, version=body.version
    )
    return _detail(record, ledger)
