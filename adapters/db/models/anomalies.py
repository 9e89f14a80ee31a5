"""Daily spend anomalies of budgets, one row per service that carried the spike."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base, UTCDateTime


class AnomalyRow(Base):
    """A spike of a budget's daily allocated spend, for one service that carried at least a
    quarter of it (docs/forecasts.md): the day's total and its trailing median, the service's
    spend and median, and the resources that rose most (`resources`: [{resource_id, amount,
    excess}]). Re-detected after each CUR refresh: kept while the spend still spikes."""

    __tablename__ = "anomalies"
    __table_args__ = (
        UniqueConstraint("budget_id", "day", "service", name="uq_anomalies_budget_day_service"),
        Index("ix_anomalies_day", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    day: Mapped[date] = mapped_column(Date)
    service: Mapped[str] = mapped_column(String(200))
    total: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    median: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    service_amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    service_median: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    resources: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
