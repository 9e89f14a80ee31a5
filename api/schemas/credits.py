from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.params import MAX_ID
from api.schemas.budgets import Money
from api.schemas.common import AMOUNT_PATTERN, BillingMonth, IsoDate, Schema
from domain.credits.model import (
    MAX_DESCRIPTION,
    MAX_REASON,
    MAX_REFERENCE,
    MIN_REASON,
    CreditStatus,
    Program,
)

_AMOUNT = Field(
    examples=["25000.00"],
    max_length=40,
    pattern=AMOUNT_PATTERN,
    description="more than zero, at most two decimals",
)


class CreditCreate(Schema):
    budget_id: int = Field(ge=1, le=MAX_ID)
    program: Program
    amount: str = _AMOUNT
    start_date: IsoDate
    expires_on: IsoDate = Field(description="the last day the credit may be used (inclusive)")
    reference: str = Field(default="", max_length=MAX_REFERENCE * 2)
    description: str = Field(default="", max_length=MAX_DESCRIPTION * 2)


class CreditUpdate(Schema):
    """Only the fields given change; refused (409) once the credit has been applied."""

    version: int = Field(ge=1, le=MAX_ID, description="the version you read")
    budget_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    program: Program | None = None
    amount: str | None = Field(
        default=None, examples=["25000.00"], max_length=40, pattern=AMOUNT_PATTERN
    )
    start_date: IsoDate | None = None
    expires_on: IsoDate | None = None
    reference: str | None = Field(default=None, max_length=MAX_REFERENCE * 2)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION * 2)


class CreditVoid(Schema):
    version: int = Field(ge=1, le=MAX_ID, description="the version you read")
    reason: str = Field(
        min_length=MIN_REASON,
        max_length=MAX_REASON,
        # at least MIN_REASON (3) characters once blanks at either end are dropped
        pattern=r"\S[\s\S]+\S",
    )


class CreditApply(Schema):
    period: BillingMonth


class CreditRead(Schema):
    id: int
    budget_id: int
    budget_path: list[str]
    program: Program
    amount: Money
    applied: Money
    balance: Money
    start_date: IsoDate
    expires_on: IsoDate
    reference: str
    description: str
    status: CreditStatus
    version: int
    editable: bool = Field(description="nothing applied yet and not void: it may be edited")
    created_by: str
    created_at: datetime
    void_reason: str | None
    voided_by: str | None
    voided_at: datetime | None


class LedgerEntryRead(Schema):
    id: int
    period: str
    amount: Money
    balance_after: Money
    applied_at: datetime
    applied_by: str


class CreditDetail(CreditRead):
    ledger: list[LedgerEntryRead]


class PreviewCreditRead(Schema):
    credit_id: int
    program: Program
    reference: str
    expires_on: IsoDate
    balance_before: Money
    amount: Money = Field(description="what the credit applies (or applied) to the month")
    balance_after: Money
    already_applied: bool


class BudgetPreviewRead(Schema):
    budget_id: int
    budget_path: list[str]
    spend: Money = Field(description="the budget's allocated spend of the month")
    applied: Money
    credits: list[PreviewCreditRead]


class CreditPreviewRead(Schema):
    period: str
    budgets: list[BudgetPreviewRead]


class ApplicationRead(Schema):
    credit_id: int
    budget_id: int
    period: str
    amount: Money
    balance_after: Money


class ApplyResultRead(Schema):
    period: str
    applications: list[ApplicationRead]
    total: Money


class ForecastRead(Schema):
    credit_id: int
    budget_id: int
    budget_path: list[str]
    program: Program
    reference: str
    expires_on: IsoDate
    balance: Money
    burn_rate: Money = Field(description="the budget's average monthly allocated spend")
    history_months: list[str] = Field(description="the months the burn rate averages")
    projected_use: Money
    unused_at_expiry: Money
