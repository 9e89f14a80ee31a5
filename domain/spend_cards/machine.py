"""The spend card state machine: who may decide a card, from which state.

    Open ──accept──► Accepted ──approve──► Approved
      │                  │
      │               reject
      │                  ▼
      └──dispute──► Disputed      Rejected ──resolve──► Resolved
                        │                                  ▲
                        └────────────resolve───────────────┘

The owner side (accept, dispute) is the Product Owner of the card's budget; the decider side
(approve, reject, resolve) is the Portfolio Owner above the product. While a card is Open the
decider has no action (a Conflict). Nobody decides on a response they made themselves (someone
who is both sides may not approve the card they accepted). Dispute, reject and resolve need a
comment. Only cards of the current month and the month before are actionable: an older card is
refused with a Conflict whatever its state.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain.errors import Conflict, ErrorDetail, Forbidden, RuleViolation
from domain.schedules.machine import Side, Who
from domain.spend_cards.periods import month_start, previous_month

__all__ = [
    "NEEDS_COMMENT",
    "TRANSITIONS",
    "CardAction",
    "CardStatus",
    "Side",
    "Who",
    "actionable",
    "transition",
]


class CardStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DISPUTED = "disputed"
    APPROVED = "approved"
    REJECTED = "rejected"
    RESOLVED = "resolved"


class CardAction(StrEnum):
    ACCEPT = "accept"
    DISPUTE = "dispute"
    APPROVE = "approve"
    REJECT = "reject"
    RESOLVE = "resolve"


S = CardStatus

TRANSITIONS: dict[CardAction, tuple[frozenset[CardStatus], CardStatus, Side]] = {
    CardAction.ACCEPT: (frozenset({S.OPEN}), S.ACCEPTED, Side.OWNER),
    CardAction.DISPUTE: (frozenset({S.OPEN}), S.DISPUTED, Side.OWNER),
    CardAction.APPROVE: (frozenset({S.ACCEPTED}), S.APPROVED, Side.DECIDER),
    CardAction.REJECT: (frozenset({S.ACCEPTED}), S.REJECTED, Side.DECIDER),
    CardAction.RESOLVE: (frozenset({S.REJECTED, S.DISPUTED}), S.RESOLVED, Side.DECIDER),
}

NEEDS_COMMENT = frozenset({CardAction.DISPUTE, CardAction.REJECT, CardAction.RESOLVE})

#: Any state but Open: the owner has answered, so the card's figures are frozen.
DECIDED = frozenset(S) - {S.OPEN}


def actionable(period_end: date, today: date) -> bool:
    """Cards of the current month and the month before may still be decided."""
    return previous_month(today) <= month_start(period_end) <= month_start(today)


def transition(
    status: CardStatus,
    action: CardAction,
    who: Who,
    *,
    period_end: date,
    today: date,
    responded_by: int | None,
    comment: str | None,
) -> CardStatus:
    """The card's state after `action`, or the error that refuses it. `responded_by` is the
    Product Owner who accepted or disputed the card (None while it is Open)."""
    allowed_from, target, side = TRANSITIONS[action]
    if side is Side.OWNER and not who.owner_side:
        raise Forbidden(f"only the budget's Product Owner may {action} a spend card")
    if side is Side.DECIDER and not who.decider_side:
        raise Forbidden(f"only the Portfolio Owner above the product may {action} a spend card")
    if not actionable(period_end, today):
        raise Conflict(
            f"the spend card of {period_end:%Y-%m} can no longer be decided",
            [
                ErrorDetail(
                    message="only cards of the current and the previous month are actionable",
                    field="period_end",
                )
            ],
        )
    if status not in allowed_from:
        raise Conflict(
            f"cannot {action} a spend card that is {status.value}",
            [ErrorDetail(message=f"the card is {status.value}", field="status")],
        )
    if side is Side.DECIDER and responded_by is not None and responded_by == who.user_id:
        raise Forbidden("nobody decides on a spend card they answered themselves")
    if action in NEEDS_COMMENT and not (comment and comment.strip()):
        raise RuleViolation(
            "a comment is required",
            [ErrorDetail(message=f"say why to {action} the card", field="comment")],
        )
    return target


def pending_side(status: CardStatus) -> Side | None:
    """Who owns the card's next action: the owner while Open, the decider while Accepted,
    Rejected or Disputed, nobody once Approved or Resolved."""
    if status is S.OPEN:
        return Side.OWNER
    if status in (S.ACCEPTED, S.REJECTED, S.DISPUTED):
        return Side.DECIDER
    return None
