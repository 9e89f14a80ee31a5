"""Month close: the close, its events and its files."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base, UTCDateTime, utcnow


class PeriodCloseRow(Base):
    """A billing period's close checklist (SPEC section 8); `version` is bumped by every save
    (optimistic concurrency). Whether the period is closed is `closed_periods`."""

    __tablename__ = "period_closes"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    vendor: Mapped[str] = mapped_column(String(200))
    purchase_order: Mapped[str] = mapped_column(String(100))
    invoice_numbers: Mapped[list[Any]] = mapped_column(JSON)
    internal_memo: Mapped[str] = mapped_column(String(2000))
    default_business_unit: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CloseEventRow(Base):
    """A close or reopen of a period (append-only). A close keeps its frozen close book
    (`snapshot`): the allocation, invoice split and credits every file is built from."""

    __tablename__ = "close_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str | None] = mapped_column(String(1000))
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_close_events_period", "period"),)


class CloseFileRow(Base):
    """A file written by a close: its bytes and their SHA-256, never changed; a reopen only
    marks it superseded."""

    __tablename__ = "close_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("close_events.id"))
    period: Mapped[str] = mapped_column(String(7))
    name: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        Index("ix_close_files_period", "period"),
    )
