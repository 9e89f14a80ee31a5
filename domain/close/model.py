"""The close of a billing period: its checklist, what it still misses, and its history."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import ErrorDetail

MAX_INVOICE_NUMBERS = 50


@dataclass(frozen=True)
class Checklist:
    """What finance fills in before a month can close (SPEC section 8). Invoice numbers start
    as the CUR's `bill_invoice_id`s of the period."""

    vendor: str = ""
    purchase_order: str = ""
    invoice_numbers: tuple[str, ...] = ()
    internal_memo: str = ""
    # where Unallocated spend is booked in the accounts-payable file; empty: the configured
    # FINOPS_DEFAULT_BUSINESS_UNIT
    default_business_unit: str = ""

    def missing(self) -> list[ErrorDetail]:
        """Every item still empty, each naming its field."""
        out = []
        if not self.vendor.strip():
            out.append(ErrorDetail("the vendor is missing", field="vendor"))
        if not self.purchase_order.strip():
            out.append(ErrorDetail("the purchase order is missing", field="purchase_order"))
        if not [n for n in self.invoice_numbers if n.strip()]:
            out.append(ErrorDetail("no invoice number", field="invoice_numbers"))
        if not self.internal_memo.strip():
            out.append(ErrorDetail("the internal memo is missing", field="internal_memo"))
        return out

    def invoice_reference(self) -> str:
        """The invoice numbers as one cell ("A; B")."""
        return "; ".join(n.strip() for n in self.invoice_numbers if n.strip())


@dataclass(frozen=True)
class CloseState:
    """A period's stored checklist (version 0: never saved) and whether it is closed."""

    period: str
    checklist: Checklist
    version: int
    closed: bool
    updated_at: datetime | None = None
    updated_by: str | None = None


class EventKind(enum.StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"


@dataclass(frozen=True)
class StoredFile:
    """A file written at a close: immutable, identified by its SHA-256."""

    name: str
    sha256: str
    rows: int
    superseded: bool


@dataclass(frozen=True)
class CloseEvent:
    """One close or reopen of a period, oldest first in the history; a close carries the files
    it wrote (superseded once the period was reopened)."""

    id: int
    period: str
    kind: EventKind
    at: datetime
    by: str
    reason: str | None = None
    files: tuple[StoredFile, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Readiness:
    """Whether a period can close now, and what is missing when it cannot."""

    finalized: bool
    invoice_ids: tuple[str, ...]
    checklist_complete: bool
    missing: tuple[ErrorDetail, ...]

    @property
    def ready(self) -> bool:
        return not self.missing
