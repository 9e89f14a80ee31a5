"""The recommendation state machine: who may decide a recommendation, from which state.

    New ──approve──► Approved ──implement──► Implemented
     │  ▲
    ignore│reopen
     ▼  │
    Ignored

Finance (the roles with `DECIDE_RECOMMENDATIONS`: Financial Admin, Vendor Manager, Admin)
approves, ignores (with a comment) and reopens an Ignored one; a Cloud Engineer
(`IMPLEMENT_RECOMMENDATIONS`) marks an Approved one implemented. A recommendation gone from
the export (`resolved`) is read-only: every action on it is a Conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import Conflict, ErrorDetail, Forbidden, RuleViolation
from domain.identity.roles import Permission, Role, can

__all__ = [
    "NEEDS_COMMENT",
    "RecommendationAction",
    "RecommendationStatus",
    "TRANSITIONS",
    "Action",
    "Status",
    "Who",
    "actions_for",
    "transition",
]


class RecommendationStatus(StrEnum):
    NEW = "new"
    APPROVED = "approved"
    IGNORED = "ignored"
    IMPLEMENTED = "implemented"


class RecommendationAction(StrEnum):
    APPROVE = "approve"
    IGNORE = "ignore"
    IMPLEMENT = "implement"
    REOPEN = "reopen"


# Short names inside the feature; the long ones name the schemas in the OpenAPI document.
Status = RecommendationStatus
Action = RecommendationAction


@dataclass(frozen=True)
class Who:
    user_id: int
    decides: bool
    implements: bool

    @classmethod
    def of(cls, user_id: int, role: Role) -> Who:
        return cls(
            user_id,
            decides=can(role, Permission.DECIDE_RECOMMENDATIONS),
            implements=can(role, Permission.IMPLEMENT_RECOMMENDATIONS),
        )


#: action → (the states it starts from, the state it leads to, needs the implementer side)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status, bool]] = {
    Action.APPROVE: (frozenset({Status.NEW}), Status.APPROVED, False),
    Action.IGNORE: (frozenset({Status.NEW}), Status.IGNORED, False),
    Action.REOPEN: (frozenset({Status.IGNORED}), Status.NEW, False),
    Action.IMPLEMENT: (frozenset({Status.APPROVED}), Status.IMPLEMENTED, True),
}

NEEDS_COMMENT = frozenset({Action.IGNORE})

#: The states whose savings are still to be had (the "open savings").
OPEN = frozenset({Status.NEW, Status.APPROVED})


def _allowed(action: Action, who: Who) -> bool:
    return who.implements if TRANSITIONS[action][2] else who.decides


def transition(
    status: Status, action: Action, who: Who, *, resolved: bool, comment: str | None
) -> Status:
    """The state after `who` takes `action`, or the error that refuses it: Forbidden for the
    wrong role, Conflict for a resolved recommendation or a wrong state, RuleViolation for a
    missing comment."""
    allowed_from, target, _ = TRANSITIONS[action]
    if not _allowed(action, who):
        if TRANSITIONS[action][2]:
            raise Forbidden("only a Cloud Engineer marks a recommendation implemented")
        raise Forbidden(f"only a Financial Admin or Vendor Manager may {action} a recommendation")
    if resolved:
        raise Conflict(
            "the recommendation is resolved (gone from the export) and can no longer change",
            [ErrorDetail(message="the recommendation is resolved", field="status")],
        )
    if status not in allowed_from:
        raise Conflict(
            f"cannot {action} a recommendation that is {status.value}",
            [ErrorDetail(message=f"the recommendation is {status.value}", field="status")],
        )
    if action in NEEDS_COMMENT and not (comment and comment.strip()):
        raise RuleViolation(
            "a comment is required",
            [ErrorDetail(message=f"say why to {action} the recommendation", field="comment")],
        )
    return target


def actions_for(status: Status, who: Who, *, resolved: bool) -> tuple[Action, ...]:
    """What `who` may do now (empty when nothing)."""
    if resolved:
        return ()
    return tuple(
        a for a, (starts, _, _) in TRANSITIONS.items() if status in starts and _allowed(a, who)
    )
