"""Weekly spend cards, their notes, and the job lock background work takes."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base, UTCDateTime, utcnow


class SpendCardRow(Base):
    """A product budget's spend card for one period (SPEC section 5). One per budget per
    period end; `version` is bumped by every refresh or decision (optimistic concurrency).
    The headline figures are columns (cents, NUMERIC(18,2)); the full figures, the why and
    the decisions are JSON written by the repository from the domain objects."""

    __tablename__ = "spend_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    actual: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    budget: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    variance: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    colour: Mapped[str] = mapped_column(String(8))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    corrections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decisions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    responded_by_id: Mapped[int | None] = mapped_column(Integer)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("budget_id", "period_end"),
        Index("ix_spend_cards_period_end", "period_end"),
        Index("ix_spend_cards_status", "status"),
    )


class SpendCardNoteRow(Base):
    """A note on a decided card (a late CUR correction it will never absorb)."""

    __tablename__ = "spend_card_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("spend_cards.id"))
    text: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_spend_card_notes_card", "card_id"),)


class JobLockRow(Base):
    """One row per scheduled job: a run locks its row (SELECT … FOR UPDATE on PostgreSQL;
    SQLite transactions are single-writer already) so two instances never run it at once."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
