"""A credit: an AWS credit (MAP, PoC, Activate, other) recorded against one product budget, and
the rules of its fields. Amounts are exact to the cent; dates are inclusive (a credit may be
used on its expiry day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.errors import ErrorDetail, RuleViolation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
#: The largest amount a credit may carry (NUMERIC(18,2) holds far more; this catches typos).
MAX_AMOUNT = Decimal("1000000000.00")
MAX_REFERENCE = 100
MAX_DESCRIPTION = 1000
MIN_REASON = 3
MAX_REASON = 500


class Program(StrEnum):
    MAP = "MAP"
    POC = "PoC"
    ACTIVATE = "Activate"
    OTHER = "Other"


class CreditStatus(StrEnum):
    ACTIVE = "active"
    VOID = "void"


@dataclass(frozen=True)
class CreditFields:
    """What a Financial Admin or Vendor Manager types in (create, or edit before any use)."""

    budget_id: int
    program: Program
    amount: Decimal
    start_date: date
    expires_on: date
    reference: str = ""
    description: str = ""


@dataclass(frozen=True)
class Credit:
    """A stored credit with what its ledger says: `applied` is the sum of its applications."""

    id: int
    fields: CreditFields
    status: CreditStatus
    version: int
    applied: Decimal
    applications: int
    created_by: str
    created_at: datetime
    void_reason: str | None = None
    voided_by: str | None = None
    voided_at: datetime | None = None

    @property
    def budget_id(self) -> int:
        return self.fields.budget_id

    @property
    def balance(self) -> Decimal:
        """What is left to apply (a void credit keeps its figure; nothing more is applied)."""
        return self.fields.amount - self.applied

    @property
    def editable(self) -> bool:
        return self.status is CreditStatus.ACTIVE and self.applications == 0


def validate_fields(fields: CreditFields) -> CreditFields:
    """`fields` with blanks trimmed, or RuleViolation naming every field at fault."""
    errors: list[ErrorDetail] = []
    amount = fields.amount
    if not amount.is_finite() or amount <= 0:
        errors.append(ErrorDetail("the amount must be more than zero", field="amount"))
    elif amount != amount.quantize(CENT):
        errors.append(ErrorDetail("the amount has at most two decimals (cents)", field="amount"))
    elif amount > MAX_AMOUNT:
        errors.append(ErrorDetail(f"the amount may not exceed {MAX_AMOUNT}", field="amount"))
    if fields.expires_on < fields.start_date:
        errors.append(ErrorDetail("the credit cannot expire before it starts", field="expires_on"))
    reference = fields.reference.strip()
    description = fields.description.strip()
    if len(reference) > MAX_REFERENCE:
        errors.append(ErrorDetail(f"at most {MAX_REFERENCE} characters", field="reference"))
    if len(description) > MAX_DESCRIPTION:
        errors.append(ErrorDetail(f"at most {MAX_DESCRIPTION} characters", field="description"))
    if errors:
        raise RuleViolation("the credit is not valid", errors)
    return CreditFields(
        budget_id=fields.budget_id,
        program=fields.program,
        amount=amount.quantize(CENT),
        start_date=fields.start_date,
        expires_on=fields.expires_on,
        reference=reference,
        description=description,
    )


def validate_reason(reason: str) -> str:
    text = reason.strip()
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise RuleViolation(
            "a reason is required",
            [ErrorDetail(f"say why in {MIN_REASON} to {MAX_REASON} characters", field="reason")],
        )
    return text


@dataclass(frozen=True)
class CreditChanges:
    """An edit: the fields given replace the stored ones (None: unchanged)."""

    budget_id: int | None = None
    program: Program | None = None
    amount: Decimal | None = None
    start_date: date | None = None
    expires_on: date | None = None
    reference: str | None = None
    description: str | None = None

    def merged(self, fields: CreditFields) -> CreditFields:
        return CreditFields(
            budget_id=fields.budget_id if self.budget_id is None else self.budget_id,
            program=self.program or fields.program,
            amount=fields.amount if self.amount is None else self.amount,
            start_date=self.start_date or fields.start_date,
            expires_on=self.expires_on or fields.expires_on,
            reference=fields.reference if self.reference is None else self.reference,
            description=fields.description if self.description is None else self.description,
        )
