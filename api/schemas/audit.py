from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.schemas.common import Schema


class AuditEventRead(Schema):
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_email: str
    actor_name: str | None = Field(default=None, description="the actor's name today")
    action: str
    entity_type: str
    entity_id: str
    entity_name: str | None = Field(
        default=None, description="the object's name (user, product, account, workload, card)"
    )
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    details: dict[str, Any] | None
    request_id: str | None
