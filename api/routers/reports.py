"""Reports (SPEC sections 8 and 9): the variance report by product and the FP&A "approved
spending by budget" file, in the caller's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from adapters.files.csv_codec import csv_bytes
from api.deps import AppClock, AppContainer, CurrentUser, ScopeFilter, UoW
from api.schemas.common import BILLING_MONTH_PATTERN, PROBLEM_RESPONSES
from api.schemas.reports import VarianceReportRead, VarianceRowRead
from api.tables import CSV_RESPONSES, CsvWanted, csv_download, table
from domain.periods import period_key
from domain.reports import queries

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)

Period = Annotated[str | None, Query(pattern=BILLING_MONTH_PATTERN, examples=["2026-11"])]


@router.get("/variance", response_model=VarianceReportRead, responses=CSV_RESPONSES)
async def variance_report(
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    want: CsvWanted,
    year: Annotated[int | None, Query(ge=2000, le=9999)] = None,
    period: Period = None,
    level: Annotated[int, Query(ge=1, le=4, description="4 products; 1–3 rolled up")] = 4,
) -> VarianceReportRead | Response:
    """Variance of the approved budgets in the caller's scope for `period` (default: this
    month) and the year to date: variance = actual − budget (positive is overspend), percent =
    variance ÷ budget × 100. The month in progress is measured against its pro-rated schedule
    (daily budget × days elapsed). CSV with `?format=csv` or `Accept: text/csv`."""
    today = clock.today()
    chosen = period or (period_key(today) if year in (None, today.year) else f"{year:04d}-12")
    report = await queries.variance(
        uow,
        container.spend,
        scope,
        year=year or int(chosen[:4]),
        period=chosen,
        level=level,
        today=today,
    )
    rows = [VarianceRowRead.of(r) for r in report.rows]
    body = VarianceReportRead(
        year=report.year,
        period=report.period,
        level=report.level,
        basis=report.basis,
        days_elapsed=report.days_elapsed,
        days_in_month=report.days_in_month,
        currency=container.settings.currency,
        rows=rows,
        total=VarianceRowRead.of(report.total) if report.total else None,
    )
    return table(want, body, rows, VarianceRowRead, f"variance-{report.period}-level{level}")


@router.get(
    "/approved-spending",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def approved_spending_file(
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    period: Period = None,
) -> Response:
    """The FP&A "approved spending by budget" file (`approved-spending-YYYY-MM.csv`): per
    approved budget and month from January to `period`, approved schedule, actual and
    variance, with rollup rows per portfolio, department and business unit. Month close writes
    the same file; here it holds the caller's scope."""
    today = clock.today()
    found = await queries.approved_spending(
        uow,
        container.spend,
        scope,
        period=period or period_key(today),
        today=today,
        currency=container.settings.currency,
    )
    return csv_download(csv_bytes(found.header, found.rows), found.name.removesuffix(".csv"))
