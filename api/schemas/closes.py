from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from api.schemas.common import ErrorItem, Schema
from domain.close.model import CloseEvent, EventKind, StoredFile
from domain.close.queries import PeriodStatus
from domain.close.service import CloseDetail


class CloseFileRead(Schema):
    name: str
    sha256: str = Field(description="SHA-256 of the file's bytes (hex)")
    rows: int = Field(description="data rows, the header not counted")
    superseded: bool = Field(description="the period was reopened after this close")

    @classmethod
    def of(cls, f: StoredFile) -> CloseFileRead:
        return cls(name=f.name, sha256=f.sha256, rows=f.rows, superseded=f.superseded)


class CloseEventRead(Schema):
    id: int
    kind: EventKind
    at: datetime
    by: str
    reason: str | None
    files: list[CloseFileRead]

    @classmethod
    def of(cls, e: CloseEvent) -> CloseEventRead:
        return cls(
            id=e.id,
            kind=e.kind,
            at=e.at,
            by=e.by,
            reason=e.reason,
            files=[CloseFileRead.of(f) for f in e.files],
        )


class ReadinessRead(Schema):
    ready: bool
    finalized: bool = Field(description="the CUR carries the month's invoice id")
    invoice_ids: list[str] = Field(description="the CUR's bill_invoice_id values of the month")
    checklist_complete: bool
    missing: list[ErrorItem] = Field(description="what stops the close, each naming its field")


class CloseRead(Schema):
    period: str
    vendor: str
    purchase_order: str
    invoice_numbers: list[str]
    internal_memo: str
    default_business_unit: str = Field(
        description="where Unallocated spend is booked (empty: FINOPS_DEFAULT_BUSINESS_UNIT)"
    )
    version: int = Field(description="0 until the checklist is first saved")
    closed: bool
    updated_at: datetime | None
    updated_by: str | None
    readiness: ReadinessRead
    history: list[CloseEventRead] = Field(description="closes and reopens, oldest first")
    files: list[CloseFileRead] = Field(description="the files of the current close")

    @classmethod
    def of(cls, d: CloseDetail) -> CloseRead:
        s, r = d.state, d.readiness
        return cls(
            period=s.period,
            vendor=s.checklist.vendor,
            purchase_order=s.checklist.purchase_order,
            invoice_numbers=list(s.checklist.invoice_numbers),
            internal_memo=s.checklist.internal_memo,
            default_business_unit=s.checklist.default_business_unit,
            version=s.version,
            closed=s.closed,
            updated_at=s.updated_at,
            updated_by=s.updated_by,
            readiness=ReadinessRead(
                ready=r.ready,
                finalized=r.finalized,
                invoice_ids=list(r.invoice_ids),
                checklist_complete=r.checklist_complete,
                missing=[ErrorItem(**m.as_dict()) for m in r.missing],
            ),
            history=[CloseEventRead.of(e) for e in d.history],
            files=[CloseFileRead.of(f) for f in d.files],
        )


class CloseUpdate(Schema):
    vendor: str = Field(max_length=200)
    purchase_order: str = Field(max_length=100)
    invoice_numbers: list[Annotated[str, Field(max_length=100)]] = Field(max_length=50)
    internal_memo: str = Field(max_length=2000)
    default_business_unit: str = Field(
        default="",
        max_length=200,
        description="the business unit Unallocated spend is booked to in the accounts-payable "
        "file; empty: the configured FINOPS_DEFAULT_BUSINESS_UNIT",
    )
    version: int = Field(ge=0, description="the version you read (0: the first save)")


class CloseAction(Schema):
    version: int | None = Field(
        default=None, ge=0, description="the checklist version you read (checked when sent)"
    )


class ReopenAction(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class PeriodStatusRead(Schema):
    period: str
    finalized: bool
    closed: bool
    version: int

    @classmethod
    def of(cls, p: PeriodStatus) -> PeriodStatusRead:
        return cls(period=p.period, finalized=p.finalized, closed=p.closed, version=p.version)
