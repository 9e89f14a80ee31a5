"""Fiscal years, the four-level hierarchy, budgets and budget imports."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base, UTCDateTime, utcnow


class FiscalYearRow(Base):
    """A fiscal year and its organisational naming (the four level labels)."""

    __tablename__ = "fiscal_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label_1: Mapped[str] = mapped_column(String(100))
    label_2: Mapped[str] = mapped_column(String(100))
    label_3: Mapped[str] = mapped_column(String(100))
    label_4: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NodeRow(Base):
    """A node of a year's hierarchy. `path` (`/12/40/77/`) is the materialized path of ids:
    a scope filter is a prefix match on it, whatever the depth."""

    __tablename__ = "nodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"))
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    # parent_id, or 0 at the top: NULLs never collide in a unique index.
    parent_key: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("year", "parent_key", "name_key", name="uq_nodes_sibling_name"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
        Index("ix_nodes_year_path", "year", "path"),
    )


class BudgetRow(Base):
    """A product budget: the leaf node of the hierarchy with its approved annual amount."""

    __tablename__ = "budgets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"))
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    start_date: Mapped[date] = mapped_column(Date)
    retired_from: Mapped[date | None] = mapped_column(Date)
    attributes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_budgets_year", "year"),)


class BudgetVersionRow(Base):
    """An approved annual amount in force from `effective_from` (the 1st of a month)."""

    __tablename__ = "budget_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    annual_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    effective_from: Mapped[date] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("budget_imports.id"))
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_budget_versions_budget", "budget_id", "effective_from"),)


class BudgetImportRow(Base):
    """One chart-of-accounts load: the options used, its counts and where the raw file is."""

    __tablename__ = "budget_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    object_key: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
