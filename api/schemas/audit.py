from __future__ import annotations

from datetime import datetime
from typing import Any

from api.schemas.common import Schema


class AuditEventRead(Schema):
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_email: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    details: dict[str, Any] | None
    request_id: str | None
