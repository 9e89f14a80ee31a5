"""Optimisation recommendations, their history, budgets and imports."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base, UTCDateTime


class RecommendationRow(Base):
    """A Cost Optimization Hub recommendation (SPEC section 7), one per stable key (account,
    resource ARN, action type, recommended resource type and summary). The columns are what
    lists filter and sort on; the rest of the export row is JSON (`details`). `version` is
    bumped by every decision and every import that changes the row."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    recommendation_id: Mapped[str] = mapped_column(String(2000))
    account_id: Mapped[str] = mapped_column(String(12))
    resource_arn: Mapped[str] = mapped_column(String(2000))
    resource_id: Mapped[str] = mapped_column(String(2000))
    in_cur: Mapped[bool] = mapped_column(Boolean)
    action_type: Mapped[str] = mapped_column(String(2000))
    known_action: Mapped[bool] = mapped_column(Boolean)
    region: Mapped[str | None] = mapped_column(String(1000))
    currency_code: Mapped[str] = mapped_column(String(3))
    monthly_savings: Mapped[Decimal | None] = mapped_column(Numeric(20, 10))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_recommendations_status", "status"),
        Index("ix_recommendations_account_id", "account_id"),
    )


class RecommendationHistoryRow(Base):
    """One decision on a recommendation, or an import resolving it or bringing it back."""

    __tablename__ = "recommendation_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    by_user_id: Mapped[int | None] = mapped_column(Integer)
    by_email: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(String(2000))

    __table_args__ = (Index("ix_recommendation_history_recommendation", "recommendation_id"),)


class RecommendationBudgetRow(Base):
    """A budget a recommendation belongs to, through a claim (100%) or the account split."""

    __tablename__ = "recommendation_budgets"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id"), primary_key=True
    )
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    via: Mapped[str] = mapped_column(String(8))

    __table_args__ = (Index("ix_recommendation_budgets_budget", "budget_id"),)


class RecommendationImportRow(Base):
    """One import of the export: where from, what it changed, who ran it."""

    __tablename__ = "recommendation_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(2000))
    file_format: Mapped[str] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(2000))
    rows_read: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    reappeared: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    not_in_cur: Mapped[int] = mapped_column(Integer)
    unknown_action_types: Mapped[list[Any]] = mapped_column(JSON)
    imported_by: Mapped[str] = mapped_column(String(320))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
