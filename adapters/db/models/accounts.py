"""Accounts, CUR events, splits, workloads, claims, rule versions and negotiated discounts."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base, UTCDateTime, utcnow


class ClosedPeriodRow(Base):
    """A closed billing month (`YYYY-MM`): its amounts, allocations and files are locked."""

    __tablename__ = "closed_periods"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(254))


class AccountRow(Base):
    """An AWS account. Never deleted: a closed account keeps its history."""

    __tablename__ = "accounts"

    account_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(32))
    vended_date: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    account_type: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CurEventRow(Base):
    """A CUR delivery announcement (webhook) or a manual refresh; `event_id` makes a
    redelivered webhook a no-op."""

    __tablename__ = "cur_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="received")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str | None] = mapped_column(String(1000))


class SplitVersionRow(Base):
    """An account's split across product budgets, in force from `effective_from` to
    `effective_to` (inclusive; NULL while current). A remap ends it and starts a new one."""

    __tablename__ = "split_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.account_id"))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("account_id", "effective_from", name="uq_split_versions_start"),
    )


class SplitLineRow(Base):
    __tablename__ = "split_lines"

    version_id: Mapped[int] = mapped_column(ForeignKey("split_versions.id"), primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class WorkloadRow(Base):
    __tablename__ = "workloads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(200))
    calculator_url: Mapped[str] = mapped_column(String(2000))
    monthly_estimate: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    launch_month: Mapped[date] = mapped_column(Date)
    end_month: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_workloads_budget", "budget_id"),)


class ClaimRow(Base):
    """A resource claimed to a workload: 100% of its cost goes to the workload's budget on
    days `effective_from`..`effective_to` (NULL while claimed). At most one open claim per
    (account, resource), enforced by a partial unique index; spans of one resource never
    overlap, released ones included, checked under the resource's `ClaimLockRow`."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12))
    resource_id: Mapped[str] = mapped_column(String(1024))
    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id"))
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(254))
    effective_from: Mapped[date] = mapped_column(Date)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(String(254))
    effective_to: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index(
            "ix_claims_open_account_resource",
            "account_id",
            "resource_id",
            unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        Index("ix_claims_account_resource", "account_id", "resource_id"),
        Index("ix_claims_workload", "workload_id"),
    )


class ClaimLockRow(Base):
    """One row per (account, resource) ever claimed. Claim and release writes upsert it first,
    which row-locks it until commit: the spans of one resource are checked and written by one
    transaction at a time, so two overlapping claims cannot both be written."""

    __tablename__ = "claim_locks"

    account_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(1024), primary_key=True)
    # how many claim writes locked it: the upsert needs a column to update
    claims: Mapped[int] = mapped_column(Integer, default=1)


class RulesVersionRow(Base):
    """A counter bumped by every change of splits or claims: materialized allocations built
    from an older version are recomputed before they are read."""

    __tablename__ = "rules_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class NegotiatedDiscountRow(Base):
    """A configured negotiated discount (percent of gross) in force on `start_date`..`end_date`
    (inclusive; open-ended when NULL). Never deleted: ending it before its start withdraws it.
    `version` is bumped by every write (optimistic concurrency)."""

    __tablename__ = "negotiated_discounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("percent > 0 AND percent < 100", name="percent_range"),
        Index("ix_negotiated_discounts_start", "start_date"),
    )
