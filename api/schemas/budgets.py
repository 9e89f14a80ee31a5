from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainSerializer

from api.schemas.common import Amount, IsoDate, Name, Schema
from domain.budgets.money import quantize_cents
from domain.budgets.records import BudgetRecord, ImportRecord, VersionRecord

# Money leaves the API as a decimal string with cents ("1234.50"), never a float.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda d: f"{quantize_cents(d):.2f}", return_type=str, when_used="json"),
]


class YearCreate(Schema):
    year: int = Field(ge=2000, le=2100)
    labels: list[Name] = Field(
        min_length=4,
        max_length=4,
        description="the four level labels, top level first",
        examples=[["Business Unit", "Department", "Portfolio", "Product"]],
    )


class YearRead(Schema):
    year: int
    labels: list[str]
    default: bool = Field(
        default=False,
        description="the year the pages open on: the one containing today (server clock), "
        "else the newest before today",
    )


class BudgetCreate(Schema):
    year: int = Field(ge=2000, le=2100)
    path: list[Name] = Field(
        min_length=4, max_length=4, description="the four names, top level first"
    )
    annual_amount: Amount
    start_date: IsoDate | None = Field(default=None, description="1st of a month; default Jan 1st")
    attributes: dict[str, str] = Field(default_factory=dict)


class BudgetUpdate(Schema):
    annual_amount: Amount
    effective_from: IsoDate = Field(description="the 1st of the month the new amount applies from")


class VersionRead(Schema):
    annual_amount: Money
    effective_from: IsoDate
    created_by: str
    created_at: datetime
    import_id: int | None

    @classmethod
    def of(cls, v: VersionRecord) -> VersionRead:
        return cls(
            annual_amount=v.annual_amount,
            effective_from=v.effective_from,
            created_by=v.created_by,
            created_at=v.created_at,
            import_id=v.import_id,
        )


class BudgetRead(Schema):
    id: int
    year: int
    path: list[str]
    node_ids: list[int]
    business_unit: str
    department: str
    portfolio: str
    product: str
    annual_amount: Money
    status: str
    start_date: IsoDate
    retired_from: IsoDate | None
    attributes: dict[str, str]
    schedule_status: str = Field(
        default="none",
        description="none, draft, pending, approved, rejected, "
        "reschedule_requested; only approved budgets show variance",
    )

    @classmethod
    def of(cls, b: BudgetRecord, schedule_status: str = "none") -> BudgetRead:
        return cls(
            id=b.id,
            year=b.year,
            path=list(b.path),
            node_ids=list(b.node_ids),
            business_unit=b.path[0],
            department=b.path[1],
            portfolio=b.path[2],
            product=b.path[3],
            annual_amount=b.annual_amount,
            status=b.status.value,
            start_date=b.start_date,
            retired_from=b.retired_from,
            attributes=b.attributes,
            schedule_status=schedule_status,
        )


class BudgetDetail(BudgetRead):
    labels: list[str]
    versions: list[VersionRead]


class BudgetList(Schema):
    year: int | None
    labels: list[str] | None
    items: list[BudgetRead]
    total: int


class ImportRead(Schema):
    id: int
    year: int
    filename: str
    options: dict[str, Any]
    counts: dict[str, int]
    object_key: str
    sha256: str
    size_bytes: int
    uploaded_by: str
    uploaded_at: datetime

    @classmethod
    def of(cls, r: ImportRecord) -> ImportRead:
        return cls(**vars(r))


class ImportResultRead(Schema):
    id: int
    year: int
    labels: list[str]
    options: dict[str, Any]
    created: int
    updated: int
    reactivated: int
    retired: int
    unchanged: int


class HierarchyNodeRead(Schema):
    id: int
    name: str
    level: int
    label: str
    annual_amount: Money
    budget_id: int | None = None
    schedule_status: str | None = None
    children: list[HierarchyNodeRead]


class HierarchyRead(Schema):
    year: int
    labels: list[str]
    nodes: list[HierarchyNodeRead]


class ScopeUpdate(Schema):
    node_ids: list[int]


class ScopeNodeRead(Schema):
    id: int
    year: int
    level: int
    name: str
    path: list[str]


class ScopeRead(Schema):
    user_id: int
    node_ids: list[int]
    nodes: list[ScopeNodeRead]
