from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import UoW
from api.schemas.common import Schema

router = APIRouter(prefix="/api/v1", tags=["health"])


class HealthRead(Schema):
    status: str
    database: str


@router.get("/health", response_model=HealthRead)
async def health(uow: UoW) -> HealthRead:
    """Liveness and readiness: answers 200 when the database answers."""
    await uow.session.execute(text("SELECT 1"))
    return HealthRead(status="ok", database="ok")
