"""The audit trail: every state change, who made it, and what it looked like before and after."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
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


# --- The chain: each stored entry carries the hash of the one before it --------------------

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value: the same bytes whether it was just built or read back
    from either database (keys sorted, no spaces, non-ASCII kept)."""
    return json.dumps(
        json.loads(json.dumps(value)), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


@dataclass(frozen=True)
class ChainLink:
    """What the hash of a stored entry covers (every column but the hashes), and its hashes."""

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
    prev_hash: str | None = None
    hash: str | None = None

    def content(self) -> str:
        return canonical_json(
            {
                "id": self.id,
                "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
                "actor_id": self.actor_id,
                "actor_email": self.actor_email,
                "action": self.action,
                "entity_type": self.entity_type,
                "entity_id": self.entity_id,
                "before": self.before,
                "after": self.after,
                "details": self.details,
                "request_id": self.request_id,
            }
        )

    def computed_hash(self, prev_hash: str) -> str:
        return hashlib.sha256((prev_hash + "\n" + self.content()).encode()).hexdigest()

    def checked(self) -> CheckedLink:
        """The little `verify_chain` needs of an entry: its hashes and whether its content
        still gives its hash (so a long log is checked without holding its content)."""
        matches = (
            self.hash is not None
            and self.prev_hash is not None
            and self.computed_hash(self.prev_hash) == self.hash
        )
        return CheckedLink(self.id, self.prev_hash, self.hash, matches)


@dataclass(frozen=True, slots=True)
class CheckedLink:
    id: int
    prev_hash: str | None
    hash: str | None
    content_matches: bool


@dataclass(frozen=True)
class ChainHead:
    """The one row sealed with every entry: the last entry's id and hash and the count."""

    last_id: int
    last_hash: str
    row_count: int


@dataclass(frozen=True)
class ChainVerdict:
    intact: bool
    rows: int
    problem: str | None = None
    row_id: int | None = None

    def describe(self) -> str:
        return f"intact ({self.rows} rows)" if self.intact else f"broken: {self.problem}"


def verify_chain(links: Iterable[CheckedLink], head: ChainHead) -> ChainVerdict:
    """Walk the entries in id order and name the first one edited, inserted or removed.

    - edited: its content no longer gives its hash;
    - inserted: it does not chain onto its predecessor but its successor does (or it chains
      onto its predecessor and its successor chains onto that same predecessor);
    - removed: an entry chains onto none before it, or the head records later entries.
    """
    expected = GENESIS_HASH
    before_last: str | None = None  # the hash the previous entry itself chained onto
    previous: CheckedLink | None = None
    count = 0
    head_seen_at: int | None = None  # the count when the head's row went by, as sealed
    first_after_head: int | None = None
    pending = iter(links)
    current = next(pending, None)
    while current is not None:
        following = next(pending, None)
        if not current.content_matches:
            if current.hash is None or current.prev_hash is None:
                return _broken(count, current.id, f"row {current.id} was inserted (it has no hash)")
            return _broken(
                count, current.id, f"row {current.id} was edited (its content no longer matches)"
            )
        if current.prev_hash != expected:
            if following is not None and following.prev_hash == expected:
                return _broken(count, current.id, f"row {current.id} was inserted")
            if previous is not None and current.prev_hash == before_last:
                return _broken(count, previous.id, f"row {previous.id} was inserted")
            if previous is None:
                return _broken(count, current.id, f"a row was removed before row {current.id}")
            return _broken(
                count,
                current.id,
                f"a row was removed after row {previous.id}, or row {previous.id} was edited "
                f"and re-hashed (row {current.id} does not chain onto it)",
            )
        before_last, expected = expected, current.hash or ""
        previous, count = current, count + 1
        if current.id == head.last_id and current.hash == head.last_hash:
            head_seen_at = count
        elif current.id > head.last_id and first_after_head is None:
            first_after_head = current.id
        current = following
    if expected != head.last_hash or count != head.row_count:
        if head_seen_at is not None and previous is not None and previous.id > head.last_id:
            return _broken(
                head_seen_at,
                first_after_head,
                f"row {first_after_head} was inserted (after the last sealed row, {head.last_id})",
            )
        after = f"after row {previous.id}" if previous else "(the log is empty)"
        return _broken(
            count,
            previous.id if previous else None,
            f"rows were removed {after}: the chain head records {head.row_count} rows "
            f"ending at row {head.last_id}",
        )
    return ChainVerdict(intact=True, rows=count)


def _broken(count: int, row_id: int | None, problem: str) -> ChainVerdict:
    return ChainVerdict(intact=False, rows=count, problem=problem, row_id=row_id)
