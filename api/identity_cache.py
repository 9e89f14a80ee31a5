"""Authenticated callers and their resolved scopes, kept in this process under the database's
write version (the audit chain head, `AuditRepository.head_version`).

Every change that must end a session or narrow what a caller sees is a service write audited
in its own transaction: a (de)activation, role or password change (`user.update`, which also
bumps `token_version`), a service account's deactivation, a scope mapping (`user.scope`), and
the node changes that move the paths a scope is made of. Each moves the head, so an entry is
only used while the head read at the start of the request equals the one it was loaded under;
a warm request thus costs one small query (the head, also the kept answers' version) instead
of the user's row and their scope. The head is read before the user, so an entry is never
older than its version. Each server worker holds its own; they agree because the head is read
from the shared database on every request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from domain.identity.users import User
from domain.scope import ResolvedScope

Version = tuple[int, int]


@dataclass(frozen=True)
class _Entry:
    version: Version
    user: User
    scope: ResolvedScope | None = None


class IdentityCache:
    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._by_user: dict[int, Hashable] = {}

    def user(self, subject: Hashable, version: Version) -> User | None:
        """The user of a token subject (`("id", 7)` or `("email", "a@b")`) as loaded under
        `version`, else None."""
        entry = self._entries.get(subject)
        if entry is None or entry.version != version:
            return None
        self._entries.move_to_end(subject)
        return entry.user

    def put_user(self, subject: Hashable, version: Version, user: User) -> None:
        self._entries[subject] = _Entry(version, user)
        self._entries.move_to_end(subject)
        self._by_user[user.id] = subject
        while len(self._entries) > self.max_entries:
            gone, dropped = self._entries.popitem(last=False)
            if self._by_user.get(dropped.user.id) == gone:
                del self._by_user[dropped.user.id]

    def scope(self, user_id: int, version: Version) -> ResolvedScope | None:
        subject = self._by_user.get(user_id)
        entry = None if subject is None else self._entries.get(subject)
        if entry is None or entry.version != version or entry.user.id != user_id:
            return None
        return entry.scope

    def put_scope(self, user_id: int, version: Version, scope: ResolvedScope) -> None:
        """Keep `scope` beside the user's entry of the same version (none: nothing kept)."""
        subject = self._by_user.get(user_id)
        entry = None if subject is None else self._entries.get(subject)
        if subject is None or entry is None or entry.version != version:
            return
        self._entries[subject] = _Entry(version, entry.user, scope)

    def clear(self) -> None:
        self._entries.clear()
        self._by_user.clear()
