"""The schedule state machine: who may move a budget's monthly schedule from which state.

    Draft ──submit──► Pending ──approve──► Approved ──request-reschedule──► RescheduleRequested
      ▲                  │                     ▲                              │        │
      │               reject                   └──────decline-reschedule──────┘        │
      │                  ▼                                                             │
      └──(edit)──── Rejected ──submit──► Pending                grant-reschedule ──► Draft

    Pending / Approved / RescheduleRequested ──(the amount in force changes)──► NeedsReschedule
    NeedsReschedule ──(edit)──submit──► Pending

An amount change that leaves the schedule's total off the amount in force is not an action of
anyone on the schedule: `amount_changed` in the service moves it to NeedsReschedule (and back
to Approved when the amount returns to the approved total before anyone edited the months).

Editing is allowed in Draft, Rejected and NeedsReschedule. The owner side (submit, request a
reschedule) is the Product Owner of the budget (or a Financial Admin); the decider side
(approve, reject, grant, decline) is the Portfolio Owner above the product (or a Financial
Admin). Nobody decides on a request they made themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import Conflict, ErrorDetail, Forbidden, RuleViolation


class ScheduleStatus(StrEnum):
    NONE = "none"
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RESCHEDULE_REQUESTED = "reschedule_requested"
    #: the amount in force no longer equals the schedule's total: the owner must reschedule
    NEEDS_RESCHEDULE = "needs_reschedule"


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_RESCHEDULE = "request-reschedule"
    GRANT_RESCHEDULE = "grant-reschedule"
    DECLINE_RESCHEDULE = "decline-reschedule"


class Side(StrEnum):
    OWNER = "owner"
    DECIDER = "decider"


S = ScheduleStatus

TRANSITIONS: dict[Action, tuple[frozenset[ScheduleStatus], ScheduleStatus, Side]] = {
    Action.SUBMIT: (
        frozenset({S.DRAFT, S.REJECTED, S.NEEDS_RESCHEDULE}),
        S.PENDING,
        Side.OWNER,
    ),
    Action.APPROVE: (frozenset({S.PENDING}), S.APPROVED, Side.DECIDER),
    Action.REJECT: (frozenset({S.PENDING}), S.REJECTED, Side.DECIDER),
    Action.REQUEST_RESCHEDULE: (frozenset({S.APPROVED}), S.RESCHEDULE_REQUESTED, Side.OWNER),
    Action.GRANT_RESCHEDULE: (frozenset({S.RESCHEDULE_REQUESTED}), S.DRAFT, Side.DECIDER),
    Action.DECLINE_RESCHEDULE: (frozenset({S.RESCHEDULE_REQUESTED}), S.APPROVED, Side.DECIDER),
}

NEEDS_REASON = frozenset({Action.REJECT, Action.REQUEST_RESCHEDULE})
EDITABLE = frozenset({S.NONE, S.DRAFT, S.REJECTED, S.NEEDS_RESCHEDULE})
#: states whose months were agreed (or put up for agreement) against an amount: an amount
#: change that leaves their total off the amount in force makes them NeedsReschedule
AGREED = frozenset({S.PENDING, S.APPROVED, S.RESCHEDULE_REQUESTED})


@dataclass(frozen=True)
class Who:
    """The caller as the machine sees them."""

    user_id: int
    owner_side: bool
    decider_side: bool


def check_side(action: Action, who: Who) -> None:
    """Refuse a caller whose role may not take `action` at all (before anything else is
    looked at, so a stale version sent by such a caller is still 403)."""
    side = TRANSITIONS[action][2]
    if side is Side.OWNER and not who.owner_side:
        raise Forbidden(f"only the budget's Product Owner (or a Financial Admin) may {action}")
    if side is Side.DECIDER and not who.decider_side:
        raise Forbidden(
            f"only the Portfolio Owner above the product (or a Financial Admin) may {action}"
        )


def transition(
    status: ScheduleStatus,
    action: Action,
    who: Who,
    *,
    requested_by: int | None,
    reason: str | None,
) -> ScheduleStatus:
    """The state after `action`, or the error that refuses it. `requested_by` is who made the
    request being decided (the submitter, or the one who asked for a reschedule)."""
    allowed_from, target, side = TRANSITIONS[action]
    check_side(action, who)
    if status not in allowed_from:
        raise Conflict(
            f"cannot {action} a schedule that is {status.value}",
            [ErrorDetail(message=f"the schedule is {status.value}", field="status")],
        )
    if side is Side.DECIDER and requested_by is not None and requested_by == who.user_id:
        raise Forbidden("nobody decides on a schedule request they made themselves")
    if action in NEEDS_REASON and not (reason and reason.strip()):
        raise RuleViolation(
            "a reason is required", [ErrorDetail(message=f"say why to {action}", field="reason")]
        )
    return target


def editable(status: ScheduleStatus) -> bool:
    return status in EDITABLE
