from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import (
    ACCOUNT_ID_PATTERN,
    CALCULATOR_URL_PATTERN,
    Amount,
    BillingMonth,
    Flag,
    IsoDate,
    Name,
    NodeId,
    ResourceId,
    Schema,
)
from domain.allocation.carry_forward import CarryPlan
from domain.allocation.splits import SplitVersion
from domain.allocation.workloads import Claim, Workload

# An AWS Pricing Calculator estimate link (`domain.allocation.workloads.calculator_url_error`).


class SplitShareWrite(Schema):
    budget_id: NodeId
    percent: str = Field(
        pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$",
        examples=["60.00"],
        description="up to 2 decimals, > 0, at most 100",
    )


class SplitWrite(Schema):
    effective_from: IsoDate | None = Field(
        default=None,
        description="a Monday or the 1st of a month; default: the vended date if "
        "vended this month, else the 1st of the previous month",
    )
    splits: list[SplitShareWrite] = Field(min_length=1, max_length=1000)


class SplitShareRead(Schema):
    budget_id: int
    percent: Decimal


class SplitVersionRead(Schema):
    id: int
    account_id: str
    effective_from: IsoDate
    effective_to: IsoDate | None = Field(
        description="the last day in force: the day before the next split, at the latest "
        "31 December of the split's fiscal year"
    )
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
            effective_to=v.ends,
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
    name: Name
    calculator_url: str = Field(
        max_length=2000,
        pattern=CALCULATOR_URL_PATTERN,
        examples=["https://calculator.aws/#/estimate?id=0123abcd"],
    )
    monthly_estimate: Amount
    launch_month: BillingMonth
    end_month: BillingMonth | None = Field(default=None, description="YYYY-MM; default December")


class WorkloadUpdate(Schema):
    name: Name | None = None
    calculator_url: str | None = Field(
        default=None, max_length=2000, pattern=CALCULATOR_URL_PATTERN
    )
    monthly_estimate: Amount | None = None
    launch_month: BillingMonth | None = None
    end_month: BillingMonth | None = None


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
    resource_ids: list[ResourceId] = Field(min_length=1, max_length=10_000)
    effective_from: IsoDate | None = Field(
        default=None, description="Financial Admin / Admin only: onboard history"
    )


class WorkloadClaims(Schema):
    workload_id: NodeId
    resource_ids: list[ResourceId] = Field(min_length=1, max_length=10_000)


class MultiClaimWrite(Schema):
    claims: list[WorkloadClaims] = Field(min_length=1)
    effective_from: IsoDate | None = None


class ReleaseWrite(Schema):
    resource_ids: list[ResourceId] = Field(min_length=1, max_length=10_000)
    account_id: str | None = Field(
        default=None,
        pattern=ACCOUNT_ID_PATTERN,
        description="the resources' account; needed only when an id is claimed in several",
    )
    effective_to: IsoDate | None = Field(
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
    effective_from: IsoDate
    released_at: datetime | None
    released_by: str | None
    effective_to: IsoDate | None
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


# --- carry forward ---------------------------------------------------------------------------


class CarryForwardWrite(Schema):
    from_year: int = Field(ge=2000, le=2999, examples=[2026])
    to_year: int = Field(ge=2000, le=2999, examples=[2027], description="from_year + 1")
    dry_run: Flag = Field(default=True, description="true: only the proposal; false: apply it")


class CarriedLineRead(Schema):
    from_budget_id: int
    to_budget_id: int
    path: list[str]
    percent: Decimal


class SplitCarryRead(Schema):
    account_id: str
    from_version_id: int
    effective_from: IsoDate
    status: str = Field(description="proposed | carried | already_carried")
    lines: list[CarriedLineRead]


class WorkloadCarryRead(Schema):
    workload_id: int
    name: str
    account_id: str
    from_budget_id: int
    to_budget_id: int
    path: list[str]
    monthly_estimate: Money
    status: str = Field(description="proposed | carried | already_carried")
    new_workload_id: int | None


class ClaimCarryRead(Schema):
    claim_id: int
    account_id: str
    resource_id: str
    from_workload_id: int
    to_workload_id: int | None = Field(description="None while the new workload is proposed")
    to_budget_id: int
    effective_from: IsoDate
    status: str = Field(description="proposed | carried | already_carried")


class NotCarriedRead(Schema):
    kind: str = Field(description="split | workload | claim")
    ref: str = Field(description="the split version, workload or claim id")
    account_id: str
    reason: str


class CarryForwardRead(Schema):
    from_year: int
    to_year: int
    dry_run: bool
    applied: bool
    splits: list[SplitCarryRead]
    workloads: list[WorkloadCarryRead]
    claims: list[ClaimCarryRead]
    not_carried: list[NotCarriedRead]

    @classmethod
    def of(cls, plan: CarryPlan, *, dry_run: bool, applied: bool) -> CarryForwardRead:
        return cls(
            from_year=plan.from_year,
            to_year=plan.to_year,
            dry_run=dry_run,
            applied=applied,
            splits=[
                SplitCarryRead(
                    account_id=s.account_id,
                    from_version_id=s.source.id,
                    effective_from=s.effective_from,
                    status=s.status.value,
                    lines=[
                        CarriedLineRead(
                            from_budget_id=ln.from_budget_id,
                            to_budget_id=ln.to_budget_id,
                            path=list(ln.path),
                            percent=ln.percent,
                        )
                        for ln in s.lines
                    ],
                )
                for s in plan.splits
            ],
            workloads=[
                WorkloadCarryRead(
                    workload_id=w.source.id,
                    name=w.source.name,
                    account_id=w.source.account_id,
                    from_budget_id=w.source.budget_id,
                    to_budget_id=w.to_budget_id,
                    path=list(w.path),
                    monthly_estimate=w.source.monthly_estimate,
                    status=w.status.value,
                    new_workload_id=w.new_workload_id,
                )
                for w in plan.workloads
            ],
            claims=[
                ClaimCarryRead(
                    claim_id=c.source.id,
                    account_id=c.source.account_id,
                    resource_id=c.source.resource_id,
                    from_workload_id=c.from_workload_id,
                    to_workload_id=c.to_workload_id,
                    to_budget_id=c.to_budget_id,
                    effective_from=c.effective_from,
                    status=c.status.value,
                )
                for c in plan.claims
            ],
            not_carried=[
                NotCarriedRead(kind=n.kind, ref=n.ref, account_id=n.account_id, reason=n.reason)
                for n in plan.not_carried
            ],
        )
