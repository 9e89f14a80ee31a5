"""The audit trail: every state change, who made it, and what it looked like before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user, or the system itself (installation, jobs)."""

    user_id: int | None
    email: str

    @classmethod
    def system(cls, what: str = "system") -> Actor:
        return cls(user_id=None, email=what)


@dataclass(frozen=True)
class AuditEntry:
    actor: Actor
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditRecord:
    """A stored audit entry, as read back."""

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
    # read back with names a person recognises: the actor's name and the object's (a user's
    # name, a budget's product, an account's or a workload's name) when it still exists
    actor_name: str | None = None
    entity_name: str | None = None


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries to read: every given criterion must match."""

    actor_id: int | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
