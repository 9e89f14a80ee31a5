"""The dashboard's answers: one per visual (heat map with its rows, spend by month, an
account's spend by service). Amounts are strings with two decimals, like every amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import Schema
from domain.dashboard import queries
from domain.dashboard.figures import Figures


class CrumbRead(Schema):
    node_id: int
    name: str
    level: int


class FiguresRead(Schema):
    spend: Money = Field(description="allocated spend of every budget below, approved or not")
    approved_spend: Money | None = Field(
        description="allocated spend of the approved budgets below (what `budget`, `variance` "
        "and `ratio` measure); null when nothing below is approved"
    )
    budget: Money | None = Field(
        description="the approved schedules' amount due in the view (the month in progress "
        "pro-rated to yesterday); null when nothing below is approved"
    )
    variance: Money | None = Field(description="spend of the approved budgets − budget")
    variance_percent: Decimal | None = Field(description="variance ÷ budget × 100")
    ratio: Decimal | None = Field(
        description="spend of the approved budgets ÷ budget (1 is on budget); null: gray"
    )
    approved: bool = Field(description="at least one budget below has an approved schedule")
    annual_amount: Money = Field(description="the budgets' approved annual amounts")
    budgets: int
    approved_budgets: int

    @classmethod
    def of(cls, f: Figures) -> FiguresRead:
        return cls.model_construct(**figure_fields(f))


def figure_fields(f: Figures) -> dict[str, Any]:
    """The figure fields of a tile, row or total, already of their types: the answers are
    built with `model_construct` (no validation of what the domain computed; the heat map's
    2,000 tiles were validated twice each before)."""
    return {
        "spend": f.spend,
        "approved_spend": f.approved_spend if f.approved else None,
        "budget": f.budget if f.approved else None,
        "variance": f.variance,
        "variance_percent": f.variance_percent,
        "ratio": f.ratio,
        "approved": f.approved > 0,
        "annual_amount": f.annual_amount,
        "budgets": f.budgets,
        "approved_budgets": f.approved,
    }


class TileRead(FiguresRead):
    node_id: int
    budget_id: int | None = Field(description="the product budget (product tiles only)")
    name: str
    path: list[str]


class HeatmapRowRead(FiguresRead):
    node_id: int
    budget_id: int | None
    name: str
    level: int


class ProductMonthRead(Schema):
    month: str
    scheduled: Money | None = Field(description="the schedule as it stands (any status)")
    approved: Money | None = Field(description="the schedule as last approved")
    actual: Money | None = Field(description="allocated spend; null for a month not begun")
    estimate: Money = Field(description="monthly estimates of the workloads running that month")
    cumulative_scheduled: Money | None
    cumulative_actual: Money | None
    cumulative_estimate: Money


class ProductScheduleRead(Schema):
    budget_id: int
    status: str
    annual_amount: Money
    months: list[ProductMonthRead]


class HeatmapRead(Schema):
    year: int
    month: int | None = Field(description="the month shown; null: the year to date (Annual)")
    level: int = Field(description="the level of the tiles (4: product budgets)")
    node: CrumbRead | None
    labels: list[str] = Field(description="the year's level names, top level first")
    breadcrumbs: list[CrumbRead] = Field(description="from the top of the scope to the node")
    periods: list[str] = Field(description="billing periods of the view the spend store holds")
    currency: str
    tiles: list[TileRead]
    rows: list[HeatmapRowRead]
    total: FiguresRead
    product: ProductScheduleRead | None = Field(description="on a product node: its months")

    @classmethod
    def of(cls, h: queries.Heatmap, currency: str) -> HeatmapRead:
        return cls(
            year=h.year,
            month=h.month,
            level=h.level,
            node=None if h.node is None else CrumbRead.model_validate(h.node, from_attributes=True),
            labels=list(h.labels.as_tuple()),
            breadcrumbs=[CrumbRead.model_validate(c, from_attributes=True) for c in h.breadcrumbs],
            periods=list(h.periods),
            currency=currency,
            tiles=[
                TileRead.model_construct(
                    node_id=t.node_id,
                    budget_id=t.budget_id,
                    name=t.name,
                    path=list(t.path),
                    **figure_fields(t.figures),
                )
                for t in h.tiles
            ],
            rows=[
                HeatmapRowRead.model_construct(
                    node_id=r.node_id,
                    budget_id=r.budget_id,
                    name=r.name,
                    level=r.level,
                    **figure_fields(r.figures),
                )
                for r in h.rows
            ],
            total=FiguresRead.of(h.total),
            product=None
            if h.product is None
            else ProductScheduleRead.model_validate(h.product, from_attributes=True),
        )


class MonthlySeriesRead(Schema):
    node_id: int
    name: str
    amounts: list[Money] = Field(description="January to December")


class MonthlySpendRead(Schema):
    year: int
    node: CrumbRead | None
    breadcrumbs: list[CrumbRead]
    months: list[str]
    currency: str
    series: list[MonthlySeriesRead] = Field(description="one per child of the node")
    totals: list[Money]


class ServiceSeriesRead(Schema):
    service: str | None = Field(description="null: line items without a service")
    amounts: list[Money] = Field(description="January to December")
    total: Money


class AccountServicesRead(Schema):
    account_id: str
    year: int
    months: list[str]
    currency: str
    series: list[ServiceSeriesRead] = Field(description="the costliest service first")
    totals: list[Money]
