from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.schedules.machine import Action, ScheduleStatus


@dataclass(frozen=True)
class ApprovedSchedule:
    """The schedule as last approved: the basis of variance until a new one is approved."""

    version: int
    approved_by_id: int | None
    approved_at: datetime | None
    months: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.months.values(), Decimal("0.00"))


@dataclass(frozen=True)
class ScheduleState:
    budget_id: int
    status: ScheduleStatus
    version: int
    months: dict[str, Decimal] = field(default_factory=dict)
    submitted_by_id: int | None = None
    reschedule_requested_by_id: int | None = None
    decided_by_id: int | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    submitted_at: datetime | None = None
    approved: ApprovedSchedule | None = None
    #: the first of the two approvals a schedule above the dual-approval amount needs
    first_approved_by_id: int | None = None
    first_approved_at: datetime | None = None

    @classmethod
    def empty(cls, budget_id: int) -> ScheduleState:
        return cls(budget_id=budget_id, status=ScheduleStatus.NONE, version=0)


@dataclass(frozen=True)
class Notification:
    id: int
    kind: str
    message: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True)
class ScheduleMove:
    """A move of the approval flow, as stored: the new status, who made it and when, and the
    reason given. `action` says which of the schedule's who/when fields it fills: a submission
    (and clears the reason), a reschedule request, or a decision (a rejection keeps its
    reason)."""

    action: Action
    status: ScheduleStatus
    by_id: int
    at: datetime
    reason: str | None = None
    #: an approval that is the first of two: the schedule stays pending
    first_of_two: bool = False
