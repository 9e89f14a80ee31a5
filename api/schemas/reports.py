from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import Schema
from domain.reports.variance import MonthBasis, VarianceRow


class VarianceRowRead(Schema):
    level: int = Field(description="4: a product; 1–3: a node rolled up; 0: the total")
    node_id: int
    name: str
    path: list[str] = Field(description="names from the top level down to this row")
    budget_id: int | None = Field(description="the product budget (level 4 rows only)")
    budgets: int = Field(description="approved product budgets in the row")
    scheduled: Money = Field(description="the month's approved scheduled amount, in full")
    month_budget: Money = Field(description="what the month is measured against (pro-rated)")
    month_actual: Money
    month_variance: Money = Field(description="actual − budget: positive is overspend")
    month_variance_percent: Decimal | None = Field(description="variance ÷ budget × 100")
    ytd_budget: Money
    ytd_actual: Money
    ytd_variance: Money
    ytd_variance_percent: Decimal | None

    @classmethod
    def of(cls, row: VarianceRow) -> VarianceRowRead:
        return cls(
            level=row.level,
            node_id=row.node_id,
            name=row.name,
            path=list(row.path),
            budget_id=row.budget_id,
            budgets=row.budgets,
            scheduled=row.scheduled,
            month_budget=row.month.budget,
            month_actual=row.month.actual,
            month_variance=row.month.variance,
            month_variance_percent=row.month.variance_percent,
            ytd_budget=row.year_to_date.budget,
            ytd_actual=row.year_to_date.actual,
            ytd_variance=row.year_to_date.variance,
            ytd_variance_percent=row.year_to_date.variance_percent,
        )


class VarianceReportRead(Schema):
    year: int
    period: str
    level: int
    basis: MonthBasis = Field(
        description="`full` for a past month; `pro_rated` for the month in progress (the daily "
        "budget times the days elapsed, against month-to-date spend)"
    )
    days_elapsed: int
    days_in_month: int
    currency: str
    rows: list[VarianceRowRead]
    total: VarianceRowRead | None
