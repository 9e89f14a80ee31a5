"""Workloads (a Product Owner's estimate of what runs in an account under a budget) and claims
(a CUR resource's cost assigned 100% to a workload's budget)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from domain.budgets.money import AmountError, parse_amount
from domain.budgets.text import TextError, clean_name
from domain.errors import Conflict, ErrorDetail, RuleViolation
from domain.periods import parse_period, period_key

# A resource is its account and its CUR resource id together: ids are not global in the CUR.
ResourceKey = tuple[str, str]


@dataclass(frozen=True)
class Workload:
    id: int
    budget_id: int
    account_id: str
    name: str
    calculator_url: str
    monthly_estimate: Decimal
    launch_month: date
    end_month: date
    created_by: str

    def active_in(self, month: date) -> bool:
        return self.launch_month <= month <= self.end_month


@dataclass(frozen=True)
class WorkloadFields:
    name: str
    calculator_url: str
    monthly_estimate: Decimal
    launch_month: date
    end_month: date


@dataclass(frozen=True)
class Claim:
    id: int
    account_id: str
    resource_id: str
    workload_id: int
    budget_id: int
    claimed_at: datetime
    claimed_by: str
    effective_from: date
    released_at: datetime | None
    released_by: str | None
    effective_to: date | None

    @property
    def key(self) -> ResourceKey:
        return (self.account_id, self.resource_id)

    def span(self) -> str:
        return f"{self.effective_from.isoformat()}..{_end(self.effective_to)}"

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether this claim's days share one with `start`..`end` (inclusive, None = open).
        An empty span (released the day it was made: end = start - 1) shares no day."""
        return spans_overlap(self.effective_from, self.effective_to, start, end)


def _end(day: date | None) -> str:
    return day.isoformat() if day else "open"


def spans_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    if (a_end is not None and a_end < a_start) or (b_end is not None and b_end < b_start):
        return False
    return a_start <= (b_end or date.max) and b_start <= (a_end or date.max)


def overlap_error(
    claim: Claim, start: date, end: date | None, field: str, visible: Set[int] | None = None
) -> ErrorDetail:
    """The overlap, as the caller may be told: a workload outside their scope is not named."""
    holder = (
        f"workload {claim.workload_id} on {claim.span()} (claim {claim.id})"
        if visible is None or claim.workload_id in visible
        else f"a workload outside your scope on {claim.span()}"
    )
    return ErrorDetail(
        message=f"{claim.resource_id} of account {claim.account_id} "
        f"{'is already' if claim.effective_to is None else 'was'} claimed by {holder}; "
        f"{start.isoformat()}..{_end(end)} would overlap it",
        field=field,
    )


def calculator_url_error(url: str) -> str | None:
    """An AWS Pricing Calculator estimate link: https://calculator.aws/#/estimate?id=…"""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "not a URL"
    if parts.scheme != "https":
        return "must be an https link"
    if (parts.hostname or "").lower() != "calculator.aws":
        return "must be an AWS Pricing Calculator link (https://calculator.aws/…)"
    if "estimate" not in (parts.path + parts.fragment).lower():
        return "must link to a saved estimate (…/#/estimate?id=…)"
    return None


def validate_workload(
    *,
    name: str,
    calculator_url: str,
    monthly_estimate: str,
    launch_month: str,
    end_month: str | None,
    budget_year: int,
) -> WorkloadFields:
    errors: list[ErrorDetail] = []
    clean = ""
    try:
        clean = clean_name(name)
    except TextError as exc:
        errors.append(ErrorDetail(message=str(exc), field="name"))
    problem = calculator_url_error(calculator_url)
    if problem:
        errors.append(ErrorDetail(message=problem, field="calculator_url"))
    estimate = Decimal("0")
    try:
        estimate = parse_amount(monthly_estimate)
    except AmountError as exc:
        errors.append(ErrorDetail(message=str(exc), field="monthly_estimate"))
    launch = end = date(budget_year, 12, 1)
    try:
        launch = parse_period(launch_month)
        if launch.year != budget_year:
            errors.append(
                ErrorDetail(
                    message=f"must be a month of the budget's year {budget_year}",
                    field="launch_month",
                )
            )
    except ValueError as exc:
        errors.append(ErrorDetail(message=str(exc), field="launch_month"))
    try:
        end = parse_period(end_month) if end_month else date(budget_year, 12, 1)
        if end.year != budget_year:
            errors.append(
                ErrorDetail(
                    message=f"must be a month of the budget's year {budget_year}", field="end_month"
                )
            )
        elif end < launch:
            errors.append(
                ErrorDetail(message="the teardown month is before the launch", field="end_month")
            )
    except ValueError as exc:
        errors.append(ErrorDetail(message=str(exc), field="end_month"))
    if errors:
        raise RuleViolation("the workload is not valid", errors)
    return WorkloadFields(clean, calculator_url.strip(), estimate, launch, end)


@dataclass(frozen=True)
class ClaimRequest:
    workload: Workload
    resource_ids: tuple[str, ...]


@dataclass(frozen=True)
class NewClaim:
    account_id: str
    resource_id: str
    workload_id: int
    budget_id: int
    effective_from: date


def plan_claims(
    requests: Sequence[ClaimRequest],
    *,
    claims: Mapping[ResourceKey, Sequence[Claim]],
    resource_accounts: Mapping[str, Set[str]],
    effective_from: date,
    closed_periods: Set[str],
    visible_workloads: Set[int] | None = None,
) -> list[NewClaim]:
    """All or nothing: every refused resource is listed. A resource must appear in the CUR
    under the workload's account, may be named once, and its new open-ended span must not
    share a day with any claim of the same (account, resource), released or open (`claims`
    holds them all). Refusals that are all overlaps answer Conflict, anything else
    RuleViolation (listing the overlaps too)."""
    errors: list[ErrorDetail] = []
    overlaps: list[ErrorDetail] = []
    planned: list[NewClaim] = []
    seen: dict[ResourceKey, str] = {}
    closed = sorted(p for p in closed_periods if p >= period_key(effective_from))
    if closed:
        errors.append(
            ErrorDetail(
                message=f"{', '.join(closed)} closed: a claim cannot change a closed month",
                field="effective_from",
            )
        )
    for i, request in enumerate(requests):
        if not request.resource_ids:
            errors.append(
                ErrorDetail(message="no resources given", field=f"claims.{i}.resource_ids")
            )
        for j, resource_id in enumerate(request.resource_ids):
            field = f"claims.{i}.resource_ids.{j}"
            key = (request.workload.account_id, resource_id)
            if key in seen:
                errors.append(
                    ErrorDetail(message=f"{resource_id} is named twice ({seen[key]})", field=field)
                )
                continue
            seen[key] = field
            accounts = resource_accounts.get(resource_id, set())
            if request.workload.account_id not in accounts:
                # other accounts are named only to callers who see every account
                shown = accounts if visible_workloads is None else set()
                where = f" (it is in {', '.join(sorted(shown))})" if shown else ""
                errors.append(
                    ErrorDetail(
                        message=f"{resource_id} is not a resource of account "
                        f"{request.workload.account_id} in the CUR{where}",
                        field=field,
                    )
                )
                continue
            clash = [c for c in claims.get(key, ()) if c.overlaps(effective_from, None)]
            if clash:
                overlaps += [
                    overlap_error(c, effective_from, None, field, visible_workloads) for c in clash
                ]
                continue
            planned.append(
                NewClaim(
                    request.workload.account_id,
                    resource_id,
                    request.workload.id,
                    request.workload.budget_id,
                    effective_from,
                )
            )
    if errors:
        raise RuleViolation(
            f"{len(errors) + len(overlaps)} resource(s) cannot be claimed; nothing was claimed",
            sorted([*errors, *overlaps], key=lambda e: _field_order(e.field)),
        )
    if overlaps:
        raise Conflict(
            f"{len(overlaps)} claim span(s) would overlap a claim of the same resource "
            "(released ones included); nothing was claimed",
            overlaps,
        )
    return planned


def _field_order(field: str | None) -> tuple[int, ...]:
    return tuple(int(p) for p in (field or "").split(".") if p.isdigit())


def release_day(effective_to: date | None, today: date) -> date:
    """The last day a released claim covers: the release day itself (the resource goes back to
    the account split from the day after)."""
    return effective_to or today


def claim_start(explicit: date | None, today: date) -> date:
    """A claim takes effect the day after it is made, unless an earlier start is given to
    onboard history."""
    return explicit or today + timedelta(days=1)
