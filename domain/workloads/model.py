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
from domain.errors import ErrorDetail, RuleViolation


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


def parse_month(text: str) -> date:
    try:
        year, month = text.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"'{text}' is not a month (YYYY-MM)") from None


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
        launch = parse_month(launch_month)
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
        end = parse_month(end_month) if end_month else date(budget_year, 12, 1)
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


def _period(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def plan_claims(
    requests: Sequence[ClaimRequest],
    *,
    open_claims: Mapping[str, Claim],
    resource_accounts: Mapping[str, Set[str]],
    effective_from: date,
    closed_periods: Set[str],
    visible_workloads: Set[int] | None = None,
) -> list[NewClaim]:
    """All or nothing: every refused resource is listed. A resource must appear in the CUR
    under the workload's account, must not be claimed already, and may be named once."""
    errors: list[ErrorDetail] = []
    planned: list[NewClaim] = []
    seen: dict[str, str] = {}
    closed = sorted(p for p in closed_periods if p >= _period(effective_from))
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
            if resource_id in seen:
                errors.append(
                    ErrorDetail(
                        message=f"{resource_id} is named twice ({seen[resource_id]})", field=field
                    )
                )
                continue
            seen[resource_id] = field
            accounts = resource_accounts.get(resource_id, set())
            if request.workload.account_id not in accounts:
                where = f" (it is in {', '.join(sorted(accounts))})" if accounts else ""
                errors.append(
                    ErrorDetail(
                        message=f"{resource_id} is not a resource of account "
                        f"{request.workload.account_id} in the CUR{where}",
                        field=field,
                    )
                )
                continue
            current = open_claims.get(resource_id)
            if current is not None:
                errors.append(
                    ErrorDetail(
                        message=f"{resource_id} is already claimed "
                        f"{_claimed_by(current.workload_id, visible_workloads)}",
                        field=field,
                    )
                )
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
            f"{len(errors)} resource(s) cannot be claimed; nothing was claimed", errors
        )
    return planned


def _claimed_by(workload_id: int, visible: Set[int] | None) -> str:
    """Who holds a resource, as the caller may be told: a workload outside their scope is
    not named (its id would leak another unit's work)."""
    if visible is None or workload_id in visible:
        return f"by workload {workload_id} (release it first)"
    return "by a workload outside your scope"


def release_day(effective_to: date | None, today: date) -> date:
    """The last day a released claim covers: the release day itself (the resource goes back to
    the account split from the day after)."""
    return effective_to or today


def claim_start(explicit: date | None, today: date) -> date:
    """A claim takes effect the day after it is made, unless an earlier start is given to
    onboard history."""
    return explicit or today + timedelta(days=1)
