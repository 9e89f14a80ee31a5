"""Schedule use cases that change a schedule: save a draft, prefill a spread, move a schedule
through the approval flow, and follow a change of the amount in force.

Each takes the unit of work, loads the budget through the caller's scope (out of scope
answers like missing), applies the pure rules of `machine` and `months`, writes, audits and
notifies; the edge commits. The reads (the schedule as shown, the tasks inbox, the variance)
are in `queries`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.audit import Actor, AuditEntry
from domain.budgets.records import BudgetRecord
from domain.errors import Conflict, ErrorDetail, Forbidden, RuleViolation
from domain.identity.users import User
from domain.ports import Clock, UnitOfWork
from domain.schedules.machine import (
    AGREED,
    Action,
    ScheduleStatus,
    check_side,
    editable,
    transition,
)
from domain.schedules.months import ZERO, schedule_months, spread, validate_months
from domain.schedules.queries import (
    ScheduleView,
    budget_in_scope,
    read_schedule,
    view_of,
    who_of,
)
from domain.schedules.records import ScheduleMove, ScheduleState
from domain.scope import ResolvedScope


@dataclass(frozen=True)
class ScheduleRequest:
    """A move asked for: the action, the version the caller read, and the reason (reject,
    request a reschedule)."""

    action: Action
    version: int
    reason: str | None = None


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, email=user.email)


def _name(budget: BudgetRecord) -> str:
    """The budget as a sentence names it: its product."""
    return budget.path[-1]


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def subject_of(budget_id: int) -> str:
    """What a schedule notification is about: acting on the schedule clears it."""
    return f"schedule:{budget_id}"


def check_version(state: ScheduleState, version: int) -> None:
    if version != state.version:
        raise Conflict(
            f"the schedule changed meanwhile (version {state.version}, you sent {version}); "
            "reload it",
            [ErrorDetail(message=f"current version is {state.version}", field="version")],
        )


async def save_draft(
    uow: UnitOfWork,
    user: User,
    scope: ResolvedScope,
    *,
    budget_id: int,
    given: Sequence[tuple[str, str]],
    version: int,
) -> ScheduleView:
    """Save a draft: exactly the open months, summing to the annual amount in force."""
    budget = await budget_in_scope(uow, scope, budget_id)
    if not who_of(user).owner_side:
        raise Forbidden("only the budget's Product Owner (or a Financial Admin) edits its schedule")
    state = await uow.schedules.get(budget_id)
    check_version(state, version)
    if not editable(state.status):
        hint = " request a reschedule first" if state.status is ScheduleStatus.APPROVED else ""
        raise Conflict(
            f"the schedule is {state.status.value} and cannot be edited;{hint}",
            [ErrorDetail(message=f"the schedule is {state.status.value}", field="status")],
        )
    closed = await uow.budgets.closed_periods()
    months = schedule_months(budget.start_date)
    locked = {m: state.months.get(m, ZERO) for m in months if m in closed}
    validated = validate_months(
        given, months=months, locked=locked, annual_amount=budget.annual_amount
    )
    new_version = await uow.schedules.save_months(budget_id, version, validated)
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            "schedule.save",
            "schedule",
            str(budget_id),
            before={"months": {m: str(a) for m, a in state.months.items()}}
            if state.months
            else None,
            after={"months": {m.month: str(m.amount) for m in validated}, "version": new_version},
        )
    )
    return await view_of(uow, scope, budget)


async def spread_schedule(
    uow: UnitOfWork, scope: ResolvedScope, *, budget_id: int, by_estimates: bool
) -> dict[str, Decimal]:
    """A prefill (not saved): the annual amount spread evenly or following the workload
    estimates; closed months keep their amounts."""
    view = await read_schedule(uow, scope, budget_id=budget_id)
    locked = {m.month: m.amount or ZERO for m in view.months if m.closed}
    weights = {m.month: m.workload_estimate for m in view.months} if by_estimates else None
    return spread(
        [m.month for m in view.months],
        amount=view.budget.annual_amount - sum(locked.values(), ZERO),
        weights=weights,
        locked=set(locked),
    )


async def act(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    scope: ResolvedScope,
    *,
    budget_id: int,
    request: ScheduleRequest,
    dual_approval_above: Decimal | None = None,
) -> ScheduleView:
    """Apply the requested move; notify whoever must act next (or the requester of a
    decision). Nothing is written when the move is refused. A schedule whose annual amount is
    above `dual_approval_above` needs two approvals by different people: the first leaves it
    pending (`first_approved_by_id`), the second approves it."""
    budget = await budget_in_scope(uow, scope, budget_id)
    who = who_of(user)
    action, reason = request.action, request.reason
    check_side(action, who)
    state = await uow.schedules.get(budget_id)
    check_version(state, request.version)
    requested_by = (
        state.submitted_by_id
        if action in (Action.APPROVE, Action.REJECT)
        else state.reschedule_requested_by_id
    )
    target = transition(state.status, action, who, requested_by=requested_by, reason=reason)
    first_of_two = False
    if action is Action.APPROVE and needs_two_approvals(budget, dual_approval_above):
        if state.first_approved_by_id == who.user_id:
            raise Forbidden(
                "this schedule needs a second approval by someone else: you gave the first"
            )
        if state.first_approved_by_id is None:
            first_of_two, target = True, ScheduleStatus.PENDING
    if action is Action.SUBMIT:
        total = sum(state.months.values(), ZERO)
        if not state.months or total != budget.annual_amount:
            raise RuleViolation(
                "the schedule does not add up",
                [
                    ErrorDetail(
                        message=f"the months total {total}; the annual amount in force is "
                        f"{budget.annual_amount}: edit the schedule first",
                        field="months",
                    )
                ],
            )
    move = ScheduleMove(
        action=action,
        status=target,
        by_id=who.user_id,
        at=clock.now(),
        reason=reason,
        first_of_two=first_of_two,
    )
    new_version = await uow.schedules.move(budget_id, request.version, move)
    verb = "first-approve" if first_of_two else action.value
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            f"schedule.{verb}",
            "schedule",
            str(budget_id),
            before={"status": state.status.value, "version": state.version},
            after={"status": target.value, "version": new_version},
            details={"reason": reason} if reason else {},
        )
    )
    if action in (Action.SUBMIT, Action.REQUEST_RESCHEDULE):
        recipients: Sequence[int] = await uow.schedules.deciders(budget_id, excluding={who.user_id})
    elif first_of_two:
        recipients = await uow.schedules.deciders(
            budget_id, excluding={who.user_id, *([requested_by] if requested_by else [])}
        )
    else:
        recipients = [requested_by] if requested_by is not None else []
    # the move is the answer to whatever the earlier notices about this schedule asked for
    await uow.notifications.clear(subject_of(budget_id))
    text = sentence(
        user.name, action, _name(budget), new_version, reason, total=budget.annual_amount
    )
    if first_of_two:
        text = f"{user.name} gave the first of two approvals of the {_name(budget)} schedule"
    await uow.notifications.notify(
        recipients,
        f"schedule.{verb}",
        text,
        f"/budgets/{budget_id}",
        budget_id=budget_id,
        subject=subject_of(budget_id),
    )
    return await view_of(uow, scope, budget)


def needs_two_approvals(budget: BudgetRecord, dual_approval_above: Decimal | None) -> bool:
    """FINOPS_DUAL_APPROVAL_ABOVE: a schedule of a larger annual amount needs two approvers."""
    return dual_approval_above is not None and budget.annual_amount > dual_approval_above


def sentence(
    actor: str,
    action: Action,
    budget: str,
    version: int,
    reason: str | None,
    *,
    total: Decimal,
) -> str:
    """A schedule move as its notification reads: who did what to which schedule."""
    why = f": {reason}" if reason else ""
    match action:
        case Action.SUBMIT:
            return (
                f"{actor} submitted the {budget} schedule, version {version} "
                f"({money(total)}), for approval"
            )
        case Action.APPROVE:
            return f"{actor} approved the {budget} schedule, version {version}"
        case Action.REJECT:
            return f"{actor} rejected the {budget} schedule, version {version}{why}"
        case Action.REQUEST_RESCHEDULE:
            return f"{actor} asked to reschedule {budget}{why}"
        case Action.GRANT_RESCHEDULE:
            return f"{actor} granted the reschedule of {budget}: its schedule can be edited"
        case Action.DECLINE_RESCHEDULE:
            return f"{actor} declined the reschedule of {budget}; the approved schedule stands"


async def amount_changed(
    uow: UnitOfWork,
    actor: Actor,
    *,
    budget_ids: Iterable[int],
    effective_from: Mapping[int, date] | None = None,
) -> list[int]:
    """After a change of budgets' amounts (a direct edit or a chart import): a schedule that
    was agreed against the old amount (pending, approved, reschedule requested) and no longer
    totals the amount in force becomes NeedsReschedule, and its Product Owners are told; one
    that needed a reschedule but was left untouched and totals the amount again is approved
    again. Returns the budgets whose schedule now needs a reschedule."""
    everything = ResolvedScope.everything()
    # one query for the statuses: an import changing thousands of amounts reads in full
    # only the budgets whose schedule may have to move
    watched = AGREED | {ScheduleStatus.NEEDS_RESCHEDULE}
    statuses = await uow.schedules.statuses(budget_ids)
    candidates = sorted(b for b, status in statuses.items() if status in watched)
    by: str | None = None
    flagged: list[int] = []
    for budget_id in candidates:
        state = await uow.schedules.get(budget_id)
        budget = await uow.budgets.get_budget(everything, budget_id)
        if budget is None:
            continue
        total = sum(state.months.values(), ZERO)
        amount = budget.annual_amount
        if state.status in AGREED and total != amount:
            target = ScheduleStatus.NEEDS_RESCHEDULE
        elif (
            state.status is ScheduleStatus.NEEDS_RESCHEDULE
            and total == amount
            and state.approved is not None
            and state.approved.months == state.months
        ):
            target = ScheduleStatus.APPROVED
        else:
            continue
        new_version = await uow.schedules.set_status(budget_id, state.version, target)
        await uow.audit.record(
            AuditEntry(
                actor,
                "schedule.amount_changed",
                "schedule",
                str(budget_id),
                before={"status": state.status.value, "version": state.version},
                after={"status": target.value, "version": new_version},
                details={"annual_amount": str(amount), "scheduled_total": str(total)},
            )
        )
        await uow.notifications.clear(subject_of(budget_id))
        if target is not ScheduleStatus.NEEDS_RESCHEDULE:
            continue
        flagged.append(budget_id)
        if by is None:
            known = [actor.user_id] if actor.user_id is not None else []
            by = (await uow.schedules.names(known)).get(actor.user_id or 0) or actor.email
        gap = amount - total
        when = (effective_from or {}).get(budget_id)
        since = f" from {when:%B %Y}" if when else ""
        await uow.notifications.notify(
            await uow.schedules.owners(budget_id),
            "schedule.needs_reschedule",
            f"{by} changed the {_name(budget)} annual amount to {money(amount)}{since}: its "
            f"schedule totals {money(total)}, {money(abs(gap))} "
            f"{'short' if gap > 0 else 'over'}. Reschedule it.",
            f"/budgets/{budget_id}",
            budget_id=budget_id,
            subject=subject_of(budget_id),
        )
    return flagged
