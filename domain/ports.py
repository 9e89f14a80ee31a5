"""Ports: what the domain needs from the outside world, as Protocols. Adapters implement them;
unit tests pass in-memory fakes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from domain.audit import AuditEntry
    from domain.identity.users import NewUser, User


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> None: ...


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...

    async def get_by_email(self, email: str) -> User | None: ...

    async def existing_email_keys(self, keys: Sequence[str]) -> set[str]: ...

    async def add(self, new: NewUser) -> User: ...

    async def save(self, user: User) -> User: ...

    async def count_active_admins(self) -> int: ...
