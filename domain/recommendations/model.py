"""Recommendations as the domain sees them.

A recommendation is keyed by a *stable key*, not by the export's `recommendation_id` (which
Cost Optimization Hub rotates between refreshes): the account, the resource ARN, the action
type, and the recommended resource type and summary. A different target ("Rightsize to
t3.medium" instead of "to m5.large") is a different recommendation, with its own decision.
`version` goes up with every decision and every import that changes the row (optimistic
concurrency: a decision made on figures that changed since is refused).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from domain.recommendations.machine import OPEN, Status

#: The action types Cost Optimization Hub documents; others are kept as they come, flagged.
KNOWN_ACTION_TYPES = frozenset(
    {
        "Rightsize",
        "Stop",
        "Upgrade",
        "PurchaseSavingsPlans",
        "PurchaseReservedInstances",
        "Delete",
        "ScaleIn",
        "MigrateToGraviton",
    }
)


@dataclass(frozen=True)
class ExportRow:
    """One row of the Cost Optimization Recommendations export, typed. Money is as exported
    (not rounded); `None` where the export has no value."""

    account_id: str
    action_type: str
    resource_arn: str
    recommendation_id: str
    region: str | None = None
    account_name: str | None = None
    currency_code: str = "USD"
    current_resource_type: str | None = None
    current_resource_summary: str | None = None
    current_resource_details: str | None = None
    recommended_resource_type: str | None = None
    recommended_resource_summary: str | None = None
    recommended_resource_details: str | None = None
    monthly_savings: Decimal | None = None
    monthly_savings_before_discount: Decimal | None = None
    monthly_cost_after_discount: Decimal | None = None
    monthly_cost_before_discount: Decimal | None = None
    savings_percentage: Decimal | None = None
    implementation_effort: str | None = None
    restart_needed: bool | None = None
    rollback_possible: bool | None = None
    lookback_days: int | None = None
    source: str | None = None
    last_refresh: str | None = None
    tags: str | None = None

    @cached_property  # a digest: computed once per row (an import reads it several times)
    def key(self) -> str:
        return stable_key(
            self.account_id,
            self.resource_arn,
            self.action_type,
            self.recommended_resource_type,
            self.recommended_resource_summary,
        )

    @property
    def known_action(self) -> bool:
        return self.action_type in KNOWN_ACTION_TYPES


def stable_key(
    account_id: str,
    resource_arn: str,
    action_type: str,
    recommended_type: str | None,
    recommended_summary: str | None,
) -> str:
    """A fixed-length digest of the parts that name a recommendation across refreshes."""
    parts = (
        account_id,
        resource_arn,
        action_type,
        recommended_type or "",
        recommended_summary or "",
    )
    return hashlib.sha256("\x1f".join(p.strip() for p in parts).encode()).hexdigest()


@dataclass(frozen=True)
class BudgetShare:
    """The recommendation belongs to `budget_id` for `percent` of its resource's cost, through
    a claim (100%) or the account split in force."""

    budget_id: int
    percent: Decimal
    via: str  # "claim" | "split"
    #: the product's name, when read back for display
    name: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a recommendation's life: a decision, or an import resolving it or
    bringing it back (`by` None: the import)."""

    action: str
    from_status: Status
    to_status: Status
    by: int | None
    by_email: str
    at: datetime
    comment: str | None = None


@dataclass(frozen=True)
class Recommendation:
    id: int
    key: str
    row: ExportRow
    status: Status
    version: int
    resource_id: str
    in_cur: bool
    resolved_at: datetime | None
    first_seen_at: datetime
    last_seen_at: datetime
    status_changed_at: datetime | None = None
    budgets: tuple[BudgetShare, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    @property
    def open(self) -> bool:
        return not self.resolved and self.status in OPEN
