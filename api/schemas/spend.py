from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainSerializer

from api.schemas.common import IsoDate, Schema
from domain.allocation.workloads import Claim
from domain.spend.models import BillingPeriod, RefreshStatus, ResourceRow

# Spend keeps its stored precision in the API (decimal string); files round to cents.
Amount = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d.normalize(), "f"), return_type=str, when_used="json"),
]


class BillingPeriodRead(Schema):
    period: str = Field(examples=["2026-10"])
    finalized: bool
    invoice_ids: list[str]
    rows: int
    total_unblended_cost: Amount
    currency: str
    format: str
    refreshed_at: datetime
    engine: str = Field(
        default="duckdb",
        description="the spend engine that materialized the period's files (duckdb, spark)",
    )
    allocation_problem: str | None = Field(
        default=None,
        description="set when the allocation rules are inconsistent: spend is then served "
        "from the last consistent allocation",
    )

    @classmethod
    def of(cls, p: BillingPeriod, *, allocation_problem: str | None = None) -> BillingPeriodRead:
        return cls(
            period=p.period,
            finalized=p.finalized,
            invoice_ids=list(p.invoice_ids),
            rows=p.rows,
            total_unblended_cost=p.total_unblended_cost,
            currency=p.currency,
            format=p.format,
            refreshed_at=p.refreshed_at,
            engine=p.engine,
            allocation_problem=allocation_problem,
        )


class RefreshRead(Schema):
    source: str
    periods: list[BillingPeriodRead]


class RefreshStatusRead(Schema):
    state: str = Field(description="running, done or failed")
    by: str = Field(description="who started it, or which CUR delivery")
    source: str
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    stage: str = Field(description="probe / download / aggregate (files), accounts (periods)")
    done: int = Field(description="files (or units) of the stage done")
    total: int
    periods_done: int
    periods_total: int
    rows_read: int = Field(description="CUR line items read so far")
    periods: list[str]
    message: str | None

    @classmethod
    def of(cls, status: RefreshStatus) -> RefreshStatusRead:
        return cls(
            state=status.state,
            by=status.by,
            source=status.source,
            started_at=status.started_at,
            finished_at=status.finished_at,
            duration_seconds=status.duration_seconds,
            stage=status.stage,
            done=status.done,
            total=status.total,
            periods_done=status.periods_done,
            periods_total=status.periods_total,
            rows_read=status.rows_read,
            periods=list(status.periods),
            message=status.message,
        )


class ResourceClaim(Schema):
    claim_id: int
    workload_id: int
    budget_id: int
    claimed_by: str
    claimed_at: datetime
    effective_from: IsoDate


class ResourceRead(Schema):
    resource_id: str
    service: str | None
    account_id: str
    region: str | None
    tags: dict[str, str]
    cost: Amount
    period: str
    status: str = Field(description="open, or claimed (then `claim` says by whom)")
    claim: ResourceClaim | None = None

    @classmethod
    def of(cls, r: ResourceRow, claim: Claim | None = None) -> ResourceRead:
        held = None
        if claim is not None:
            held = ResourceClaim(
                claim_id=claim.id,
                workload_id=claim.workload_id,
                budget_id=claim.budget_id,
                claimed_by=claim.claimed_by,
                claimed_at=claim.claimed_at,
                effective_from=claim.effective_from,
            )
        return cls(
            resource_id=r.resource_id,
            service=r.service,
            account_id=r.account_id,
            region=r.region,
            tags=r.tags,
            cost=r.cost,
            period=r.period,
            status="claimed" if claim else "open",
            claim=held,
        )


class ResourcePageRead(Schema):
    items: list[ResourceRead]
    next_cursor: str | None
    total: int = Field(description="resources matching the search, on every page")
    offset: int
    period: str | None = Field(description="the billing period listed")


class CurEventRead(Schema):
    id: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    status: str
    received_at: datetime
    finished_at: datetime | None
    message: str | None


class WebhookAck(Schema):
    status: str = Field(description="accepted, or duplicate for a redelivered event")
    event_id: str


class SpendRow(Schema):
    budget_id: int | None = None
    account_id: str | None = None
    service: str | None = None
    day: str | None = None
    node_id: int | None = None
    name: str | None = None
    level: int | None = None
    amount: Amount


class SpendRead(Schema):
    group_by: str
    periods: list[str]
    basis: str
    rows: list[SpendRow]
    total: Amount
