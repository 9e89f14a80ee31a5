"""The spend card state machine: every action from every state by every side, the actionable
window, segregation of duties, comments, and deciding a stale card."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict, Forbidden, RuleViolation
from domain.spend_cards.figures import card_figures
from domain.spend_cards.machine import (
    CardAction,
    CardStatus,
    Side,
    Who,
    actionable,
    pending_side,
    transition,
)
from domain.spend_cards.model import CardContent, SpendCard, decide
from domain.spend_cards.periods import CardPeriod

S, A = CardStatus, CardAction
PRODUCT_OWNER = Who(user_id=1, owner_side=True, decider_side=False)
PORTFOLIO_OWNER = Who(user_id=2, owner_side=False, decider_side=True)
NOBODY = Who(user_id=3, owner_side=False, decider_side=False)
BOTH = Who(user_id=4, owner_side=True, decider_side=True)

PERIOD_END = date(2025, 3, 15)
TODAY = date(2025, 3, 17)

# Restated from SPEC section 5, independently of the table in the code.
LEGAL = {
    (S.OPEN, A.ACCEPT): S.ACCEPTED,
    (S.OPEN, A.DISPUTE): S.DISPUTED,
    (S.ACCEPTED, A.APPROVE): S.APPROVED,
    (S.ACCEPTED, A.REJECT): S.REJECTED,
    (S.REJECTED, A.RESOLVE): S.RESOLVED,
    (S.DISPUTED, A.RESOLVE): S.RESOLVED,
}
OWNER_ACTIONS = {A.ACCEPT, A.DISPUTE}


def side_for(action):
    return PRODUCT_OWNER if action in OWNER_ACTIONS else PORTFOLIO_OWNER


def move(status, action, who, *, period_end=PERIOD_END, today=TODAY, by=99, comment="why"):
    return transition(
        status,
        action,
        who,
        period_end=period_end,
        today=today,
        responded_by=by,
        comment=comment,
    )


class TestTransitions:
    @pytest.mark.parametrize(("status", "action"), list(itertools.product(S, A)))
    def test_every_pair_is_legal_or_a_conflict(self, status, action):
        if (status, action) in LEGAL:
            assert move(status, action, side_for(action)) == LEGAL[(status, action)]
        else:
            with pytest.raises(Conflict) as caught:
                move(status, action, side_for(action))
            assert status.value in caught.value.message

    @given(st.sampled_from(list(S)), st.sampled_from(list(A)), st.booleans(), st.booleans())
    def test_illegal_moves_are_refused_whoever_asks(self, status, action, owner, decider):
        who = Who(user_id=5, owner_side=owner, decider_side=decider)
        if (status, action) in LEGAL and (owner if action in OWNER_ACTIONS else decider):
            assert move(status, action, who) == LEGAL[(status, action)]
        else:
            with pytest.raises((Conflict, Forbidden)):
                move(status, action, who)

    @pytest.mark.parametrize("action", [A.APPROVE, A.REJECT, A.RESOLVE])
    def test_the_portfolio_owner_has_no_action_on_an_open_card(self, action):
        with pytest.raises(Conflict):
            move(S.OPEN, action, PORTFOLIO_OWNER, by=None)

    @pytest.mark.parametrize("action", list(A))
    def test_the_wrong_side_is_forbidden(self, action):
        status = next(s for (s, a) in LEGAL if a == action)
        wrong = PORTFOLIO_OWNER if action in OWNER_ACTIONS else PRODUCT_OWNER
        for who in (wrong, NOBODY):
            with pytest.raises(Forbidden):
                move(status, action, who)

    @pytest.mark.parametrize("action", [A.APPROVE, A.REJECT, A.RESOLVE])
    def test_nobody_decides_on_their_own_response(self, action):
        status = next(s for (s, a) in LEGAL if a == action)
        with pytest.raises(Forbidden):
            move(status, action, BOTH, by=BOTH.user_id)
        assert move(status, action, BOTH, by=7) == LEGAL[(status, action)]

    @pytest.mark.parametrize("action", [A.DISPUTE, A.REJECT, A.RESOLVE])
    @pytest.mark.parametrize("comment", [None, "", "   "])
    def test_comments_are_required(self, action, comment):
        status = next(s for (s, a) in LEGAL if a == action)
        with pytest.raises(RuleViolation) as caught:
            move(status, action, side_for(action), comment=comment)
        assert caught.value.errors[0].field == "comment"

    @pytest.mark.parametrize("action", [A.ACCEPT, A.APPROVE])
    def test_accept_and_approve_need_no_comment(self, action):
        status = next(s for (s, a) in LEGAL if a == action)
        assert move(status, action, side_for(action), comment=None) == LEGAL[(status, action)]

    def test_who_owns_the_next_action(self):
        assert pending_side(S.OPEN) is Side.OWNER
        assert {pending_side(s) for s in (S.ACCEPTED, S.REJECTED, S.DISPUTED)} == {Side.DECIDER}
        assert pending_side(S.APPROVED) is pending_side(S.RESOLVED) is None


class TestActionableWindow:
    @pytest.mark.parametrize(
        ("period_end", "ok"),
        [
            (date(2025, 3, 1), True),  # current month
            (date(2025, 2, 28), True),  # previous month
            (date(2025, 2, 1), True),
            (date(2025, 1, 31), False),  # older
            (date(2024, 3, 15), False),
        ],
    )
    def test_current_and_previous_month(self, period_end, ok):
        assert actionable(period_end, TODAY) is ok

    def test_across_the_year(self):
        assert actionable(date(2024, 12, 31), date(2025, 1, 5))
        assert not actionable(date(2024, 11, 30), date(2025, 1, 5))

    def test_an_older_card_is_refused_even_in_a_legal_state(self):
        with pytest.raises(Conflict) as caught:
            move(S.OPEN, A.ACCEPT, PRODUCT_OWNER, period_end=date(2025, 1, 25))
        assert caught.value.errors[0].field == "period_end"


def open_card(**kw) -> SpendCard:
    period = CardPeriod(date(2025, 3, 9), PERIOD_END)
    figures = card_figures(period, scheduled=D("3100"), period_spend=(), month_to_date=D("0"))
    values = {
        "id": 10,
        "budget_id": 7,
        "period_start": period.start,
        "period_end": period.end,
        "status": S.OPEN,
        "content": CardContent(figures),
    }
    values.update(kw)
    return SpendCard(**values)


AT = datetime(2025, 3, 17, 9, 0, tzinfo=UTC)


class TestDecide:
    def test_accept_then_approve_records_who_and_bumps_the_version(self):
        accepted = decide(
            open_card(),
            A.ACCEPT,
            PRODUCT_OWNER,
            expected_version=1,
            comment=None,
            today=TODAY,
            at=AT,
        )
        assert (accepted.status, accepted.version, accepted.responded_by) == (S.ACCEPTED, 2, 1)
        approved = decide(
            accepted,
            A.APPROVE,
            PORTFOLIO_OWNER,
            expected_version=2,
            comment=" ok ",
            today=TODAY,
            at=AT,
        )
        assert approved.status is S.APPROVED
        assert approved.responded_by == PRODUCT_OWNER.user_id
        assert [(d.action, d.by, d.comment) for d in approved.decisions] == [
            (A.ACCEPT, 1, None),
            (A.APPROVE, 2, "ok"),
        ]

    def test_a_stale_version_is_a_conflict(self):
        with pytest.raises(Conflict) as caught:
            decide(
                open_card(version=3),
                A.ACCEPT,
                PRODUCT_OWNER,
                expected_version=2,
                comment=None,
                today=TODAY,
                at=AT,
            )
        assert caught.value.errors[0].field == "version"

    def test_who_accepted_may_not_approve_even_holding_both_roles(self):
        accepted = decide(
            open_card(), A.ACCEPT, BOTH, expected_version=1, comment=None, today=TODAY, at=AT
        )
        with pytest.raises(Forbidden):
            decide(accepted, A.APPROVE, BOTH, expected_version=2, comment=None, today=TODAY, at=AT)

    def test_dispute_then_resolve(self):
        disputed = decide(
            open_card(),
            A.DISPUTE,
            PRODUCT_OWNER,
            expected_version=1,
            comment="not ours",
            today=TODAY,
            at=AT,
        )
        resolved = decide(
            disputed,
            A.RESOLVE,
            PORTFOLIO_OWNER,
            expected_version=2,
            comment="moved",
            today=TODAY,
            at=AT,
        )
        assert resolved.status is S.RESOLVED
        assert resolved.decided
