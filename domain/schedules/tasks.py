"""Which schedule decisions wait on whom: the tasks inbox."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.schedules.machine import Action, ScheduleStatus, Who
from domain.schedules.records import ScheduleState


@dataclass(frozen=True)
class Task:
    kind: str
    title: str
    actions: tuple[Action, ...]


def task_for(
    state: ScheduleState, who: Who, budget_name: str, *, annual_amount: Decimal | None = None
) -> Task | None:
    """The decision `state` waits on from `who`, or None. Deciders see pending schedules and
    reschedule requests they did not make; Product Owners see drafts, rejections and
    schedules the amount in force has left behind (to edit on the budget page, then submit)."""
    s = state.status
    if s is ScheduleStatus.NEEDS_RESCHEDULE and who.owner_side and not who.decider_side:
        total = sum(state.months.values(), Decimal("0.00"))
        amounts = (
            f": the amount in force is {annual_amount:,.2f}, the schedule totals {total:,.2f}"
            if annual_amount is not None
            else ""
        )
        return Task("schedule.reschedule_needed", f"Reschedule {budget_name}{amounts}", ())
    if (
        s is ScheduleStatus.PENDING
        and who.decider_side
        and who.user_id not in (state.submitted_by_id, state.first_approved_by_id)
    ):
        second = state.first_approved_by_id is not None
        return Task(
            "schedule.approve",
            f"{'Give the second approval of' if second else 'Approve'} the schedule of "
            f"{budget_name}",
            (Action.APPROVE, Action.REJECT),
        )
    if (
        s is ScheduleStatus.RESCHEDULE_REQUESTED
        and who.decider_side
        and state.reschedule_requested_by_id != who.user_id
    ):
        return Task(
            "schedule.reschedule",
            f"Reschedule requested for {budget_name}",
            (Action.GRANT_RESCHEDULE, Action.DECLINE_RESCHEDULE),
        )
    if (
        s in (ScheduleStatus.REJECTED, ScheduleStatus.DRAFT)
        and who.owner_side
        and not who.decider_side
    ):
        verb = "Fix and resubmit" if s is ScheduleStatus.REJECTED else "Submit"
        return Task("schedule.submit", f"{verb} the schedule of {budget_name}", (Action.SUBMIT,))
    return None
