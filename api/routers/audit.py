"""The audit log, read-only, for Admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import RequirePermission, UoW
from api.params import IdFilter, Offset
from api.schemas.audit import AuditEventRead
from api.schemas.common import PROBLEM_RESPONSES, IsoDateTime, Page
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.audit import AuditFilter
from domain.identity.roles import Permission
from domain.identity.users import User

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=Page[AuditEventRead], responses=CSV_RESPONSES)
async def list_audit_events(
    _admin: Annotated[User, RequirePermission(Permission.READ_AUDIT)],
    want: CsvWanted,
    uow: UoW,
    actor_id: IdFilter = None,
    action: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[AuditEventRead] | Response:
    """Every state change, newest first: who, what, on which object, before and after."""
    records, total = await uow.audit.list(
        AuditFilter(
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            since=since,
            until=until,
        ),
        limit=limit,
        offset=offset,
    )
    items = [AuditEventRead.model_validate(r, from_attributes=True) for r in records]
    page = Page[AuditEventRead](items=items, total=total, limit=limit, offset=offset)
    return table(want, page, items, AuditEventRead, "audit")
