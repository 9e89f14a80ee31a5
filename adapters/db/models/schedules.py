"""Monthly schedules, their approved months and notifications."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base, UTCDateTime, utcnow


class ScheduleRow(Base):
    """A product budget's monthly schedule and where it stands in the approval flow.
    `version` is bumped by every write: a stale write loses (optimistic concurrency)."""

    __tablename__ = "schedules"

    budget_id: Mapped[int] = mapped_column(
        ForeignKey("budgets.id"), primary_key=True, autoincrement=False
    )
    status: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_by_id: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reschedule_requested_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: the last approval: which version, by whom, when (its months: schedule_approved_months)
    approved_version: Mapped[int | None] = mapped_column(Integer)
    approved_by_id: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the first of two approvals a schedule above FINOPS_DUAL_APPROVAL_ABOVE needs
    first_approved_by_id: Mapped[int | None] = mapped_column(Integer)
    first_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScheduleApprovedMonthRow(Base):
    """The months of a schedule as last approved: the basis of variance while a reschedule
    is requested, needed or being edited."""

    __tablename__ = "schedule_approved_months"

    budget_id: Mapped[int] = mapped_column(ForeignKey("schedules.budget_id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))


class ScheduleMonthRow(Base):
    __tablename__ = "schedule_months"

    budget_id: Mapped[int] = mapped_column(ForeignKey("schedules.budget_id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))


class NotificationRow(Base):
    """An in-app notification (the notifier port's first adapter)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(1000))
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what it is about ("schedule:12", "spend_card:5"): acting on it marks it read
    subject: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_notifications_user", "user_id", "read_at"),
        Index("ix_notifications_subject", "subject", "read_at"),
    )
