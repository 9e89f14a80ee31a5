from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainSerializer

from api.schemas.common import Schema
from domain.spend.models import BillingPeriod, ResourceRow

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

    @classmethod
    def of(cls, p: BillingPeriod) -> BillingPeriodRead:
        return cls(
            period=p.period,
            finalized=p.finalized,
            invoice_ids=list(p.invoice_ids),
            rows=p.rows,
            total_unblended_cost=p.total_unblended_cost,
            currency=p.currency,
            format=p.format,
            refreshed_at=p.refreshed_at,
        )


class RefreshRead(Schema):
    source: str
    periods: list[BillingPeriodRead]


class ResourceRead(Schema):
    resource_id: str
    service: str | None
    account_id: str
    region: str | None
    tags: dict[str, str]
    cost: Amount
    period: str

    @classmethod
    def of(cls, r: ResourceRow) -> ResourceRead:
        return cls(
            resource_id=r.resource_id,
            service=r.service,
            account_id=r.account_id,
            region=r.region,
            tags=r.tags,
            cost=r.cost,
            period=r.period,
        )


class ResourcePageRead(Schema):
    items: list[ResourceRead]
    next_cursor: str | None


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
