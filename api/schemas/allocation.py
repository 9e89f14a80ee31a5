from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import Schema
from domain.accounts.splits import SplitVersion
from domain.workloads.model import Claim, Workload


class SplitShareWrite(Schema):
    budget_id: int
    percent: str = Field(examples=["60.00"], description="up to 2 decimals, > 0")


class SplitWrite(Schema):
    effective_from: date | None = Field(
        default=None,
        description="a Monday or the 1st of a month; default: the vended date if "
        "vended this month, else the 1st of the previous month",
    )
    splits: list[SplitShareWrite]


class SplitShareRead(Schema):
    budget_id: int
    percent: Decimal


class SplitVersionRead(Schema):
    id: int
    account_id: str
    effective_from: date
    effective_to: date | None
    current: bool
    splits: list[SplitShareRead]
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, v: SplitVersion, today: date) -> SplitVersionRead:
        return cls(
            id=v.id,
            account_id=v.account_id,
            effective_from=v.effective_from,
            effective_to=v.effective_to,
            current=v.in_force(today),
            splits=[SplitShareRead(budget_id=s.budget_id, percent=s.percent) for s in v.shares],
            created_by=v.created_by,
            created_at=v.created_at,
        )


class AllocationSummaryRead(Schema):
    current: list[SplitVersionRead]
    expiring: list[SplitVersionRead]
    new: list[SplitVersionRead]
    past: list[SplitVersionRead]
    future: list[SplitVersionRead]


class WorkloadWrite(Schema):
    budget_id: int
    account_id: str
    name: str = Field(max_length=200)
    calculator_url: str = Field(
        max_length=2000, examples=["https://calculator.aws/#/estimate?id=0123abcd"]
    )
    monthly_estimate: str = Field(examples=["1250.00"])
    launch_month: str = Field(examples=["2026-03"], description="YYYY-MM")
    end_month: str | None = Field(default=None, description="YYYY-MM; default December")


class WorkloadUpdate(Schema):
    name: str | None = Field(default=None, max_length=200)
    calculator_url: str | None = Field(default=None, max_length=2000)
    monthly_estimate: str | None = None
    launch_month: str | None = None
    end_month: str | None = None


class WorkloadRead(Schema):
    id: int
    budget_id: int
    account_id: str
    name: str
    calculator_url: str
    monthly_estimate: Money
    launch_month: str
    end_month: str
    created_by: str

    @classmethod
    def of(cls, w: Workload) -> WorkloadRead:
        return cls(
            id=w.id,
            budget_id=w.budget_id,
            account_id=w.account_id,
            name=w.name,
            calculator_url=w.calculator_url,
            monthly_estimate=w.monthly_estimate,
            launch_month=w.launch_month.isoformat()[:7],
            end_month=w.end_month.isoformat()[:7],
            created_by=w.created_by,
        )


class ClaimWrite(Schema):
    resource_ids: list[str] = Field(min_length=1, max_length=10_000)
    effective_from: date | None = Field(
        default=None, description="Financial Admin / Admin only: onboard history"
    )


class WorkloadClaims(Schema):
    workload_id: int
    resource_ids: list[str] = Field(min_length=1, max_length=10_000)


class MultiClaimWrite(Schema):
    claims: list[WorkloadClaims] = Field(min_length=1)
    effective_from: date | None = None


class ReleaseWrite(Schema):
    resource_ids: list[str] = Field(min_length=1, max_length=10_000)
    account_id: str | None = Field(
        default=None,
        description="the resources' account; needed only when an id is claimed in several",
    )
    effective_to: date | None = Field(
        default=None, description="Financial Admin / Admin only: the last day of the claim"
    )


class ClaimRead(Schema):
    id: int
    account_id: str
    resource_id: str
    workload_id: int
    budget_id: int
    claimed_at: datetime
    claimed_by: str
    effective_from: date
    released_at: datetime | None
    released_by: str | None
    effective_to: date | None
    status: str

    @classmethod
    def of(cls, c: Claim) -> ClaimRead:
        return cls(
            id=c.id,
            account_id=c.account_id,
            resource_id=c.resource_id,
            workload_id=c.workload_id,
            budget_id=c.budget_id,
            claimed_at=c.claimed_at,
            claimed_by=c.claimed_by,
            effective_from=c.effective_from,
            released_at=c.released_at,
            released_by=c.released_by,
            effective_to=c.effective_to,
            status="released" if c.released_at else "open",
        )
