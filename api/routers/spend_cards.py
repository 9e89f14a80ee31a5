"""Spend cards (SPEC section 5): the scoped list, one card with its why, and the decisions."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from api.deps import AppClock, CurrentUser, ScopeFilter, UoW
from api.params import MAX_ID, Id, IdFilter
from api.schemas.common import BILLING_MONTH_PATTERN, PROBLEM_RESPONSES
from api.schemas.schedules import TaskRead
from api.schemas.spend_cards import (
    CardDecisionRead,
    CardFiguresRead,
    CardWhyRead,
    CorrectionRead,
    PersonRead,
    SpendCardAction,
    SpendCardDetail,
    SpendCardRead,
)
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.errors import ErrorDetail, RuleViolation
from domain.identity.users import User
from domain.ports import Clock, UnitOfWork
from domain.scope import ResolvedScope
from domain.spend_cards import queries, service
from domain.spend_cards.machine import CardAction, CardStatus
from domain.spend_cards.queries import CardFilter, CardRecord

router = APIRouter(prefix="/api/v1", tags=["spend-cards"], responses=PROBLEM_RESPONSES)

_ETAG = re.compile(r'^"spend-card-v(\d{1,10})"$')


def etag(version: int) -> str:
    return f'"spend-card-v{version}"'


# The ETag `_etag` gives (weak or strong); `_version` reads it back.
IfMatch = Annotated[
    str | None,
    Header(pattern=r'^(W/)?"spend-card-v(0|[1-9]\d{0,8})"$', examples=['"spend-card-v3"']),
]


def _version(body_version: int | None, if_match: str | None) -> int:
    if if_match:
        found = _ETAG.match(if_match.strip().removeprefix("W/"))
        if found and int(found.group(1)) <= MAX_ID:
            return int(found.group(1))
        raise RuleViolation(
            "bad If-Match",
            [
                ErrorDetail(
                    message='If-Match must be an ETag of this card, e.g. "spend-card-v3"',
                    field="If-Match",
                )
            ],
        )
    if body_version is None:
        raise RuleViolation(
            "the version is required",
            [
                ErrorDetail(
                    message="send the version you read (body `version` or If-Match)",
                    field="version",
                )
            ],
        )
    return body_version


def _read(record: CardRecord, user: User, clock: Clock) -> SpendCardRead:
    card = record.card
    side, waiting_on = record.waiting_on(clock.today())
    return SpendCardRead(
        id=card.id,
        budget_id=card.budget_id,
        budget_path=list(record.budget_path),
        period_start=card.period_start,
        period_end=card.period_end,
        status=card.status,
        version=card.version,
        figures=CardFiguresRead.model_validate(card.figures, from_attributes=True),
        pending_side=side,
        pending_with=[PersonRead.model_validate(p, from_attributes=True) for p in waiting_on],
        actions=list(queries.actions_for(record, queries.who_on(record, user), clock.today())),
        responded_by=card.responded_by,
        decisions=[
            CardDecisionRead.model_validate(d, from_attributes=True) for d in card.decisions
        ],
        corrections=[
            CorrectionRead(
                period_start=c.period_start,
                period_end=c.period_end,
                was=c.was,
                now=c.now,
                delta=c.delta,
            )
            for c in card.content.corrections
        ],
        notes=list(card.notes),
    )


def _detail(record: CardRecord, user: User, clock: Clock) -> SpendCardDetail:
    return SpendCardDetail(
        **_read(record, user, clock).model_dump(),
        why=CardWhyRead.model_validate(record.card.content.why, from_attributes=True),
    )


@router.get("/spend-cards", response_model=list[SpendCardRead], responses=CSV_RESPONSES)
async def list_spend_cards(
    user: CurrentUser,
    want: CsvWanted,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    period: Annotated[
        str | None, Query(pattern=BILLING_MONTH_PATTERN, examples=["2026-07"])
    ] = None,
    status: CardStatus | None = None,
    budget_id: IdFilter = None,
) -> list[SpendCardRead] | Response:
    """The spend cards in the caller's scope, newest period first; `period` is a billing month
    (the cards whose period ends in it). Each card names who owns its pending action."""
    found = await queries.list_cards(
        uow, scope, CardFilter(period=period, status=status, budget_id=budget_id)
    )
    items = [_read(r, user, clock) for r in found]
    return table(want, items, items, SpendCardRead, "spend-cards")


@router.get("/spend-cards/{card_id}", response_model=SpendCardDetail)
async def get_spend_card(
    card_id: Id,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    response: Response,
) -> SpendCardDetail:
    """One card with its why: the services and resources that moved its spend against the
    previous period and the daily budget, and the resources first seen in the period."""
    record = await service.card_detail(uow, scope, card_id)
    response.headers["ETag"] = etag(record.card.version)
    return _detail(record, user, clock)


@router.post("/spend-cards/{card_id}/{action}", response_model=SpendCardDetail)
async def act_on_spend_card(
    card_id: Id,
    action: CardAction,
    body: SpendCardAction,
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    response: Response,
    if_match: IfMatch = None,
) -> SpendCardDetail:
    """Decide a card: the Product Owner may `accept` or `dispute` (comment) an Open card; the
    Portfolio Owner `approve` or `reject` (comment) an Accepted card and `resolve` (comment) a
    Rejected or Disputed one. A wrong state, a card older than last month or a stale version
    answer 409; the wrong role, or deciding one's own response, 403."""
    record = await service.decide_card(
        uow,
        clock,
        user,
        scope,
        card_id=card_id,
        action=action,
        comment=body.comment,
        version=_version(body.version, if_match),
    )
    response.headers["ETag"] = etag(record.card.version)
    return _detail(record, user, clock)


async def spend_card_tasks(
    uow: UnitOfWork, clock: Clock, user: User, scope: ResolvedScope
) -> list[TaskRead]:
    """The cards waiting on the caller, as tasks of the inbox (`GET /api/v1/tasks`)."""
    return [
        TaskRead(
            kind=f"spend_card.{record.pending_side}",
            title=f"Spend card {record.card.period_start}..{record.card.period_end} of "
            f"{record.label}: {', '.join(a.value for a in actions)}",
            budget_id=record.card.budget_id,
            card_id=record.card.id,
            status=record.card.status,
            version=record.card.version,
            link=f"/spend-cards/{record.card.id}",
            actions=[a.value for a in actions],
        )
        for record, actions in await queries.card_tasks(uow, clock, user, scope)
    ]
