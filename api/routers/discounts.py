"""Negotiated discounts (SPEC section 3): a configured percent off gross prices, applied by the
allocation only in billing periods whose CUR carries no discount line."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response

from api.deps import AppClock, RequirePermission, UoW, actor_of
from api.params import Id
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.discounts import DiscountCreate, DiscountEnd, DiscountRead
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.discounts import service
from domain.discounts.model import Discount
from domain.identity.roles import Permission
from domain.identity.users import User

router = APIRouter(prefix="/api/v1", tags=["discounts"], responses=PROBLEM_RESPONSES)

Finance = Annotated[User, RequirePermission(Permission.MANAGE_BUDGETS)]


def _read(d: Discount) -> DiscountRead:
    return DiscountRead(
        id=d.id,
        percent=d.percent,
        start=d.start,
        end=d.end,
        withdrawn=d.end is not None and d.end < d.start,
        version=d.version,
        created_by=d.created_by,
        created_at=d.created_at,
    )


@router.get("/discounts", response_model=list[DiscountRead], responses=CSV_RESPONSES)
async def list_discounts(
    _user: Finance, uow: UoW, want: CsvWanted
) -> list[DiscountRead] | Response:
    """Every negotiated discount, oldest start first (withdrawn ones included)."""
    items = [_read(d) for d in await service.list_discounts(uow)]
    return table(want, items, items, DiscountRead, "discounts")


@router.post("/discounts", response_model=DiscountRead, status_code=201)
async def create_discount(
    body: DiscountCreate, user: Finance, uow: UoW, clock: AppClock
) -> DiscountRead:
    """Configure a negotiated discount: `percent` (0 < p < 100, 2 decimals) off gross prices on
    usage days `start`..`end` (open-ended without `end`). Refused (422) when it shares a day
    with another discount or touches a closed month. The spend is allocated again."""
    added = await service.add_discount(
        uow, clock, actor_of(user), percent=body.percent, start=body.start, end=body.end
    )
    return _read(added)


@router.post("/discounts/{discount_id}/end", response_model=DiscountRead)
async def end_discount(
    discount_id: Id, body: DiscountEnd, user: Finance, uow: UoW, clock: AppClock
) -> DiscountRead:
    """End a discount on `end` (its last day in force); the day before its start withdraws it.
    The days it gives up may not lie in a closed month; `version` must be the one you read
    (409 otherwise)."""
    ended = await service.end_discount(
        uow, clock, actor_of(user), discount_id=discount_id, end=body.end, version=body.version
    )
    return _read(ended)
