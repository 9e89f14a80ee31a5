from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict, Forbidden, RuleViolation
from domain.identity.roles import Role
from domain.recommendations.machine import TRANSITIONS, Action, Status, Who, actions_for, transition

DECIDERS = (Role.FINANCIAL_ADMIN, Role.VENDOR_MANAGER, Role.ADMIN)
OTHERS = tuple(r for r in Role if r not in DECIDERS)


def who(role: Role) -> Who:
    return Who.of(7, role)


class TestByRole:
    @pytest.mark.parametrize("role", DECIDERS)
    def test_finance_approves_ignores_with_comment_and_reopens(self, role):
        assert (
            transition(Status.NEW, Action.APPROVE, who(role), resolved=False, comment=None)
            is Status.APPROVED
        )
        assert (
            transition(Status.NEW, Action.IGNORE, who(role), resolved=False, comment="dev box")
            is Status.IGNORED
        )
        assert (
            transition(Status.IGNORED, Action.REOPEN, who(role), resolved=False, comment=None)
            is Status.NEW
        )

    @pytest.mark.parametrize("role", DECIDERS)
    @pytest.mark.parametrize("comment", [None, "", "   "])
    def test_ignore_needs_a_comment(self, role, comment):
        with pytest.raises(RuleViolation) as e:
            transition(Status.NEW, Action.IGNORE, who(role), resolved=False, comment=comment)
        assert e.value.errors[0].field == "comment"

    @pytest.mark.parametrize("role", DECIDERS)
    def test_finance_does_not_implement(self, role):
        with pytest.raises(Forbidden):
            transition(Status.APPROVED, Action.IMPLEMENT, who(role), resolved=False, comment=None)

    def test_the_engineer_implements_only_an_approved_one(self):
        engineer = who(Role.CLOUD_ENGINEER)
        assert (
            transition(Status.APPROVED, Action.IMPLEMENT, engineer, resolved=False, comment=None)
            is Status.IMPLEMENTED
        )
        for status in (Status.NEW, Status.IGNORED, Status.IMPLEMENTED):
            with pytest.raises(Conflict):
                transition(status, Action.IMPLEMENT, engineer, resolved=False, comment=None)

    @pytest.mark.parametrize("role", OTHERS)
    @pytest.mark.parametrize("action", [Action.APPROVE, Action.IGNORE, Action.REOPEN])
    def test_nobody_else_decides(self, role, action):
        with pytest.raises(Forbidden):
            transition(Status.NEW, action, who(role), resolved=False, comment="x")

    @pytest.mark.parametrize("role", [r for r in Role if r is not Role.CLOUD_ENGINEER])
    def test_only_the_engineer_implements(self, role):
        with pytest.raises(Forbidden):
            transition(Status.APPROVED, Action.IMPLEMENT, who(role), resolved=False, comment=None)


@given(
    status=st.sampled_from(Status),
    action=st.sampled_from(Action),
    role=st.sampled_from(Role),
    resolved=st.booleans(),
)
def test_every_move_follows_the_table_or_is_refused(status, action, role, resolved):
    """A move succeeds exactly when the role may take the action, the recommendation is not
    resolved and it starts from an allowed state; then it lands on the table's target."""
    starts, target, implementer = TRANSITIONS[action]
    w = who(role)
    allowed = (w.implements if implementer else w.decides) and not resolved and status in starts
    try:
        got = transition(status, action, w, resolved=resolved, comment="because")
    except (Forbidden, Conflict):
        assert not allowed
    else:
        assert allowed
        assert got is target
    assert (action in actions_for(status, w, resolved=resolved)) == allowed


def test_a_resolved_one_is_read_only():
    with pytest.raises(Conflict):
        transition(
            Status.NEW, Action.APPROVE, who(Role.FINANCIAL_ADMIN), resolved=True, comment=None
        )
    assert actions_for(Status.NEW, who(Role.FINANCIAL_ADMIN), resolved=True) == ()
