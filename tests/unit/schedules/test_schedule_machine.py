"""The schedule state machine, exhaustively: every action from every state by every side."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from domain.errors import Conflict, Forbidden, RuleViolation
from domain.schedules.machine import (
    TRANSITIONS,
    Action,
    ScheduleStatus,
    Who,
    editable,
    transition,
)
from domain.schedules.months import spread, validate_months, workload_estimates

S, A = ScheduleStatus, Action
OWNER = Who(user_id=1, owner_side=True, decider_side=False)
DECIDER = Who(user_id=2, owner_side=False, decider_side=True)
NOBODY = Who(user_id=3, owner_side=False, decider_side=False)
BOTH = Who(user_id=4, owner_side=True, decider_side=True)  # a Financial Admin

# Restated from SPEC section 4, independently of the table in the code.
LEGAL = {
    (S.DRAFT, A.SUBMIT): S.PENDING,
    (S.REJECTED, A.SUBMIT): S.PENDING,
    # the amount in force moved away from the schedule: the owner edits and submits again
    (S.NEEDS_RESCHEDULE, A.SUBMIT): S.PENDING,
    (S.PENDING, A.APPROVE): S.APPROVED,
    (S.PENDING, A.REJECT): S.REJECTED,
    (S.APPROVED, A.REQUEST_RESCHEDULE): S.RESCHEDULE_REQUESTED,
    (S.RESCHEDULE_REQUESTED, A.GRANT_RESCHEDULE): S.DRAFT,
    (S.RESCHEDULE_REQUESTED, A.DECLINE_RESCHEDULE): S.APPROVED,
}
OWNER_ACTIONS = {A.SUBMIT, A.REQUEST_RESCHEDULE}


def side_for(action):
    return OWNER if action in OWNER_ACTIONS else DECIDER


class TestTransitions:
    @pytest.mark.parametrize(("status", "action"), list(itertools.product(S, A)))
    def test_every_pair_is_legal_or_a_409(self, status, action):
        who = side_for(action)
        if (status, action) in LEGAL:
            assert (
                transition(status, action, who, requested_by=99, reason="why")
                == LEGAL[(status, action)]
            )
        else:
            with pytest.raises(Conflict) as caught:
                transition(status, action, who, requested_by=99, reason="why")
            assert status.value in caught.value.message

    @pytest.mark.parametrize("action", list(A))
    def test_the_wrong_side_is_403(self, action):
        status = next(s for (s, a) in LEGAL if a == action)
        wrong = DECIDER if action in OWNER_ACTIONS else OWNER
        for who in (wrong, NOBODY):
            with pytest.raises(Forbidden):
                transition(status, action, who, requested_by=99, reason="why")

    @pytest.mark.parametrize(
        "action", [A.APPROVE, A.REJECT, A.GRANT_RESCHEDULE, A.DECLINE_RESCHEDULE]
    )
    def test_nobody_decides_their_own_request(self, action):
        status = next(s for (s, a) in LEGAL if a == action)
        with pytest.raises(Forbidden):
            transition(status, action, BOTH, requested_by=BOTH.user_id, reason="why")
        assert (
            transition(status, action, BOTH, requested_by=7, reason="why")
            == LEGAL[(status, action)]
        )

    @pytest.mark.parametrize("action", [A.REJECT, A.REQUEST_RESCHEDULE])
    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_reasons_are_required(self, action, reason):
        status = next(s for (s, a) in LEGAL if a == action)
        with pytest.raises(RuleViolation):
            transition(status, action, side_for(action), requested_by=99, reason=reason)

    def test_the_table_is_the_spec(self):
        assert {(s, a): t for a, (froms, t, _) in TRANSITIONS.items() for s in froms} == LEGAL

    def test_editable_states(self):
        assert {s for s in S if editable(s)} == {S.NONE, S.DRAFT, S.REJECTED, S.NEEDS_RESCHEDULE}


MONTHS = [f"2026-{m:02d}" for m in range(7, 13)]


class TestMonths:
    def test_exact_sum(self):
        given = [(m, "100.00") for m in MONTHS]
        out = validate_months(given, months=MONTHS, locked={}, annual_amount=Decimal("600.00"))
        assert [m.amount for m in out] == [Decimal("100.00")] * 6

    def test_off_by_a_cent_is_refused_naming_the_months(self):
        given = [(m, "100.00") for m in MONTHS[:-1]] + [(MONTHS[-1], "99.99")]
        with pytest.raises(RuleViolation) as caught:
            validate_months(given, months=MONTHS, locked={}, annual_amount=Decimal("600.00"))
        assert "2026-07 to 2026-12" in caught.value.errors[0].message
        assert "-0.01" in caught.value.errors[0].message

    def test_missing_extra_duplicate_and_locked_months(self):
        given = [("2026-07", "1"), ("2026-07", "1"), ("2027-01", "1"), ("2026-08", "-1")]
        with pytest.raises(RuleViolation) as caught:
            validate_months(
                given, months=MONTHS, locked={"2026-09": Decimal("5")}, annual_amount=Decimal("10")
            )
        text = " | ".join(e.message for e in caught.value.errors)
        assert "given twice" in text
        assert "outside" in text
        assert "missing months: 2026-10, 2026-11, 2026-12" in text

    def test_locked_months_keep_their_amounts(self):
        given = [(m, "100.00") for m in MONTHS[1:]]
        out = validate_months(
            given,
            months=MONTHS,
            locked={"2026-07": Decimal("50.00")},
            annual_amount=Decimal("550.00"),
        )
        assert out[0].amount == Decimal("50.00")

    def test_spread_even_puts_remainder_cents_last(self):
        out = spread(MONTHS, amount=Decimal("100.00"))
        assert list(out.values()) == [Decimal("16.66")] * 5 + [Decimal("16.70")]
        assert sum(out.values()) == Decimal("100.00")

    def test_spread_by_estimates_and_zero_estimates(self):
        weights = dict.fromkeys(MONTHS, Decimal("0"))
        weights["2026-12"] = Decimal("10")
        weights["2026-11"] = Decimal("30")
        out = spread(MONTHS, amount=Decimal("400"), weights=weights)
        assert (out["2026-11"], out["2026-12"], out["2026-07"]) == (
            Decimal("300.00"),
            Decimal("100.00"),
            Decimal("0.00"),
        )
        assert spread(
            MONTHS, amount=Decimal("6"), weights=dict.fromkeys(MONTHS, Decimal(0))
        ) == dict.fromkeys(MONTHS, Decimal("1.00"))

    def test_workload_estimates_are_cumulative(self):
        est = workload_estimates(
            MONTHS, [("2026-07", "2026-12", Decimal("100")), ("2026-09", "2026-10", Decimal("50"))]
        )
        assert [est[m] for m in MONTHS] == [
            Decimal(x) for x in ("100", "100", "150", "150", "100", "100")
        ]


class TestTasks:
    def _state(self, status, submitted=1, requested=None):
        from domain.schedules.records import ScheduleState

        return ScheduleState(
            budget_id=5,
            status=status,
            version=3,
            submitted_by_id=submitted,
            reschedule_requested_by_id=requested,
        )

    def test_who_sees_which_task(self):
        from domain.schedules.tasks import task_for

        pending = self._state(S.PENDING, submitted=OWNER.user_id)
        assert task_for(pending, DECIDER, "B").actions == (A.APPROVE, A.REJECT)
        assert task_for(pending, OWNER, "B") is None
        own = self._state(S.PENDING, submitted=BOTH.user_id)
        assert task_for(own, BOTH, "B") is None
        asked = self._state(S.RESCHEDULE_REQUESTED, requested=OWNER.user_id)
        assert task_for(asked, DECIDER, "B").kind == "schedule.reschedule"
        rejected = self._state(S.REJECTED)
        assert task_for(rejected, OWNER, "B").title == "Fix and resubmit the schedule of B"
        assert task_for(rejected, NOBODY, "B") is None
        assert task_for(self._state(S.APPROVED), DECIDER, "B") is None
