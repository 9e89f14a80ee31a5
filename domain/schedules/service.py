"""Schedule use cases: save a draft, and move a schedule through the approval flow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from domain.audit import Actor, AuditEntry
from domain.errors import Conflict, ErrorDetail, Forbidden, RuleViolation
from domain.ports import AuditLog, Notifier, ScheduleStore
from domain.schedules.machine import (
    Action,
    ScheduleStatus,
    Who,
    check_side,
    editable,
    transition,
)
from domain.schedules.months import ZERO, validate_months
from domain.schedules.records import ScheduleState


def check_version(state: ScheduleState, version: int) -> None:
    if version != state.version:
        raise Conflict(
            f"the schedule changed meanwhile (version {state.version}, you sent {version}); "
            "reload it",
            [ErrorDetail(message=f"current version is {state.version}", field="version")],
        )


async def save_draft(
    store: ScheduleStore,
    audit: AuditLog,
    actor: Actor,
    who: Who,
    *,
    state: ScheduleState,
    given: Sequence[tuple[str, str]],
    version: int,
    months: Sequence[str],
    closed_periods: set[str],
    annual_amount: Decimal,
) -> int:
    if not who.owner_side:
        raise Forbidden("only the budget's Product Owner (or a Financial Admin) edits its schedule")
    check_version(state, version)
    if not editable(state.status):
        hint = " request a reschedule first" if state.status is ScheduleStatus.APPROVED else ""
        raise Conflict(
            f"the schedule is {state.status.value} and cannot be edited;{hint}",
            [ErrorDetail(message=f"the schedule is {state.status.value}", field="status")],
        )
    locked = {m: state.months.get(m, ZERO) for m in months if m in closed_periods}
    validated = validate_months(given, months=months, locked=locked, annual_amount=annual_amount)
    new_version = await store.save_months(state.budget_id, version, validated)
    await audit.record(
        AuditEntry(
            actor,
            "schedule.save",
            "schedule",
            str(state.budget_id),
            before={"months": {m: str(a) for m, a in state.months.items()}}
            if state.months
            else None,
            after={"months": {m.month: str(m.amount) for m in validated}, "version": new_version},
        )
    )
    return new_version


async def act(
    store: ScheduleStore,
    audit: AuditLog,
    notifier: Notifier,
    actor: Actor,
    who: Who,
    *,
    state: ScheduleState,
    action: Action,
    version: int,
    reason: str | None,
    now: datetime,
    annual_amount: Decimal,
    deciders: Sequence[int],
    link: str,
    label: str,
) -> tuple[ScheduleStatus, int]:
    """Apply `action`; notify whoever must act next (or the requester of a decision)."""
    check_side(action, who)
    check_version(state, version)
    requested_by = (
        state.submitted_by_id
        if action in (Action.APPROVE, Action.REJECT)
        else state.reschedule_requested_by_id
    )
    target = transition(state.status, action, who, requested_by=requested_by, reason=reason)
    if action is Action.SUBMIT:
        total = sum(state.months.values(), ZERO)
        if not state.months or total != annual_amount:
            raise RuleViolation(
                "the schedule does not add up",
                [
                    ErrorDetail(
                        message=f"the months total {total}; the annual amount in force is "
                        f"{annual_amount}: edit the schedule first",
                        field="months",
                    )
                ],
            )
    fields: dict[str, Any] = {}
    if action is Action.SUBMIT:
        fields = {"submitted_by_id": who.user_id, "submitted_at": now, "reason": None}
    elif action is Action.REQUEST_RESCHEDULE:
        fields = {"reschedule_requested_by_id": who.user_id, "reason": reason}
    else:
        fields = {"decided_by_id": who.user_id, "decided_at": now}
        if action is Action.REJECT:
            fields["reason"] = reason
    new_version = await store.move(state.budget_id, version, target, **fields)
    await audit.record(
        AuditEntry(
            actor,
            f"schedule.{action.value}",
            "schedule",
            str(state.budget_id),
            before={"status": state.status.value, "version": state.version},
            after={"status": target.value, "version": new_version},
            details={"reason": reason} if reason else {},
        )
    )
    if action in (Action.SUBMIT, Action.REQUEST_RESCHEDULE):
        recipients: Sequence[int] = [d for d in deciders if d != who.user_id]
        message = (
            f"{label}: schedule submitted for approval"
            if action is Action.SUBMIT
            else f"{label}: reschedule requested — {reason}"
        )
    else:
        recipients = [requested_by] if requested_by is not None else []
        message = f"{label}: {action.value.replace('-', ' ')}" + (f" — {reason}" if reason else "")
    await notifier.notify(recipients, f"schedule.{action.value}", message, link)
    return target, new_version


def status_of(statuses: Mapping[int, ScheduleStatus], budget_id: int) -> ScheduleStatus:
    return statuses.get(budget_id, ScheduleStatus.NONE)
