"""Month close (SPEC section 8): the checklist, the close and reopen, and the finance files."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from adapters.files.csv_codec import csv_bytes
from api.deps import AppClock, AppContainer, CurrentUser, UoW, actor_of
from api.params import Id
from api.schemas.closes import (
    CloseAction,
    CloseFileRead,
    CloseRead,
    CloseUpdate,
    PeriodStatusRead,
    ReopenAction,
)
from api.schemas.common import BILLING_MONTH_PATTERN, PROBLEM_RESPONSES
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.close import queries, service
from domain.close.fpa import close_files
from domain.close.model import Checklist
from domain.close.service import CloseSettings

router = APIRouter(prefix="/api/v1", tags=["closes"], responses=PROBLEM_RESPONSES)

Period = Annotated[
    str, Path(pattern=BILLING_MONTH_PATTERN, examples=["2026-10"], description="YYYY-MM")
]
FileName = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,80}-\d{4}-\d{2}\.csv$")]


def _settings(container: AppContainer) -> CloseSettings:
    s = container.settings
    return CloseSettings(default_business_unit=s.default_business_unit or None, currency=s.currency)


@router.get("/closes", response_model=list[PeriodStatusRead], responses=CSV_RESPONSES)
async def list_closes(
    user: CurrentUser, uow: UoW, container: AppContainer, want: CsvWanted
) -> list[PeriodStatusRead] | Response:
    """Billing periods, newest first: final in the CUR or not, closed or not (finance roles and
    Admins)."""
    found = await queries.list_periods(uow, user, container.close_figures)
    items = [PeriodStatusRead.of(p) for p in found]
    return table(want, items, items, PeriodStatusRead, "closes")


@router.get("/closes/{period}", response_model=CloseRead)
async def get_close(
    period: Period, user: CurrentUser, uow: UoW, container: AppContainer
) -> CloseRead:
    """A period's close checklist (invoice numbers prefilled from the CUR's invoice ids until
    first saved), its readiness (what is missing to close), the history of closes and reopens,
    and the files of the current close."""
    detail = await service.close_detail(
        uow, user, container.close_figures, _settings(container), period=period
    )
    return CloseRead.of(detail)


@router.put("/closes/{period}", response_model=CloseRead)
async def put_close(
    period: Period,
    body: CloseUpdate,
    user: CurrentUser,
    uow: UoW,
    clock: AppClock,
    container: AppContainer,
) -> CloseRead:
    """Save the checklist of an open period (Financial Admin, Vendor Manager, Admin). A stale
    `version` answers 409, a closed period 409."""
    await service.save_checklist(
        uow,
        clock,
        user,
        period=period,
        checklist=Checklist(
            body.vendor,
            body.purchase_order,
            tuple(body.invoice_numbers),
            body.internal_memo,
            body.default_business_unit,
        ),
        version=body.version,
    )
    detail = await service.close_detail(
        uow, user, container.close_figures, _settings(container), period=period
    )
    return CloseRead.of(detail)


@router.post("/closes/{period}/close", response_model=CloseRead)
async def close_period(
    period: Period,
    body: CloseAction,
    user: CurrentUser,
    uow: UoW,
    clock: AppClock,
    container: AppContainer,
) -> CloseRead:
    """Close the period in one transaction: apply the FinOps credits, freeze the allocation
    (the close book), write the files and lock the period. 422 lists what is missing (the CUR
    not final, a checklist item, the default business unit); 409 when already closed."""
    detail = await service.close_period(
        uow,
        clock,
        user,
        container.close_figures,
        container.credit_ledger(uow, clock, actor_of(user)),
        csv_bytes,
        _settings(container),
        period=period,
        builders=close_files(container.spend, today=clock.today()),
        version=body.version,
    )
    return CloseRead.of(detail)


@router.post("/closes/{period}/reopen", response_model=CloseRead)
async def reopen_period(
    period: Period,
    body: ReopenAction,
    user: CurrentUser,
    uow: UoW,
    clock: AppClock,
    container: AppContainer,
) -> CloseRead:
    """Reopen a closed period (Admin only, with a reason): the lock is lifted, the files stay
    as a superseded version."""
    await service.reopen_period(uow, clock, user, period=period, reason=body.reason)
    detail = await service.close_detail(
        uow, user, container.close_figures, _settings(container), period=period
    )
    return CloseRead.of(detail)


@router.get("/closes/{period}/files", response_model=list[CloseFileRead], responses=CSV_RESPONSES)
async def list_close_files(
    period: Period, user: CurrentUser, uow: UoW, want: CsvWanted
) -> list[CloseFileRead] | Response:
    """The files of the period's current close (empty while it is open)."""
    items = [CloseFileRead.of(f) for f in await queries.close_files(uow, user, period=period)]
    return table(want, items, items, CloseFileRead, f"close-files-{period}")


@router.get(
    "/closes/{period}/files/{name}",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the file, byte for byte"}},
)
async def download_close_file(
    period: Period,
    name: FileName,
    user: CurrentUser,
    uow: UoW,
    close_id: Annotated[Id | None, Query(description="a past close (default: the latest)")] = None,
    regenerate: Annotated[
        bool, Query(description="build the file again from the frozen close book")
    ] = False,
) -> Response:
    """A close file as stored (its SHA-256 in `X-Content-SHA256`); `regenerate=true` builds it
    again from what the close froze, and answers 409 should the bytes differ."""
    found = await queries.file_content(
        uow, user, csv_bytes, period=period, name=name, close_id=close_id, regenerate=regenerate
    )
    return Response(
        found.content,
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{found.file.name}"',
            "X-Content-SHA256": found.file.sha256,
        },
    )
