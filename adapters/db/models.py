"""Tables. ORM classes stay in adapters: repositories turn them into domain objects."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base, UTCDateTime, utcnow


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    # The comparison form (casefolded); unique so two requests racing cannot both create it.
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped by a password, role or activity change; a token carrying an older one is refused.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AuditEventRow(Base):
    """Append-only: the repository offers no update or delete."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )


class FiscalYearRow(Base):
    """A fiscal year and its organisational naming (the four level labels)."""

    __tablename__ = "fiscal_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label_1: Mapped[str] = mapped_column(String(100))
    label_2: Mapped[str] = mapped_column(String(100))
    label_3: Mapped[str] = mapped_column(String(100))
    label_4: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NodeRow(Base):
    """A node of a year's hierarchy. `path` (`/12/40/77/`) is the materialized path of ids:
    a scope filter is a prefix match on it, whatever the depth."""

    __tablename__ = "nodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"))
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    # parent_id, or 0 at the top: NULLs never collide in a unique index.
    parent_key: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("year", "parent_key", "name_key", name="uq_nodes_sibling_name"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
        Index("ix_nodes_year_path", "year", "path"),
    )


class BudgetRow(Base):
    """A product budget: the leaf node of the hierarchy with its approved annual amount."""

    __tablename__ = "budgets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"))
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    start_date: Mapped[date] = mapped_column(Date)
    retired_from: Mapped[date | None] = mapped_column(Date)
    attributes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_budgets_year", "year"),)


class BudgetVersionRow(Base):
    """An approved annual amount in force from `effective_from` (the 1st of a month)."""

    __tablename__ = "budget_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    annual_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    effective_from: Mapped[date] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("budget_imports.id"))
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_budget_versions_budget", "budget_id", "effective_from"),)


class BudgetImportRow(Base):
    """One chart-of-accounts load: the options used, its counts and where the raw file is."""

    __tablename__ = "budget_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    object_key: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserScopeRow(Base):
    """A user's financial scope: the nodes (at the level of their role) they are mapped to."""

    __tablename__ = "user_scopes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), primary_key=True)


class ClosedPeriodRow(Base):
    """A closed billing month (`YYYY-MM`): its amounts, allocations and files are locked."""

    __tablename__ = "closed_periods"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(254))


class AccountRow(Base):
    """An AWS account. Never deleted: a closed account keeps its history."""

    __tablename__ = "accounts"

    account_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(32))
    vended_date: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    account_type: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CurEventRow(Base):
    """A CUR delivery announcement (webhook) or a manual refresh; `event_id` makes a
    redelivered webhook a no-op."""

    __tablename__ = "cur_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="received")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str | None] = mapped_column(String(1000))


class SplitVersionRow(Base):
    """An account's split across product budgets, in force from `effective_from` to
    `effective_to` (inclusive; NULL while current). A remap ends it and starts a new one."""

    __tablename__ = "split_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.account_id"))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("account_id", "effective_from", name="uq_split_versions_start"),
    )


class SplitLineRow(Base):
    __tablename__ = "split_lines"

    version_id: Mapped[int] = mapped_column(ForeignKey("split_versions.id"), primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class WorkloadRow(Base):
    __tablename__ = "workloads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.account_id"))
    name: Mapped[str] = mapped_column(String(200))
    calculator_url: Mapped[str] = mapped_column(String(2000))
    monthly_estimate: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    launch_month: Mapped[date] = mapped_column(Date)
    end_month: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_workloads_budget", "budget_id"),)


class ClaimRow(Base):
    """A resource claimed to a workload: 100% of its cost goes to the workload's budget on
    days `effective_from`..`effective_to` (NULL while claimed). At most one open claim per
    (account, resource), enforced by a partial unique index; spans of one resource never
    overlap, released ones included, checked under the resource's `ClaimLockRow`."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[str] = mapped_column(String(12))
    resource_id: Mapped[str] = mapped_column(String(1024))
    workload_id: Mapped[int] = mapped_column(ForeignKey("workloads.id"))
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(254))
    effective_from: Mapped[date] = mapped_column(Date)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(String(254))
    effective_to: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index(
            "ix_claims_open_account_resource",
            "account_id",
            "resource_id",
            unique=True,
            sqlite_where=text("released_at IS NULL"),
            postgresql_where=text("released_at IS NULL"),
        ),
        Index("ix_claims_account_resource", "account_id", "resource_id"),
        Index("ix_claims_workload", "workload_id"),
    )


class ClaimLockRow(Base):
    """One row per (account, resource) ever claimed. Claim and release writes upsert it first,
    which row-locks it until commit: the spans of one resource are checked and written by one
    transaction at a time, so two overlapping claims cannot both be written."""

    __tablename__ = "claim_locks"

    account_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(1024), primary_key=True)
    # how many claim writes locked it: the upsert needs a column to update
    claims: Mapped[int] = mapped_column(Integer, default=1)


class RulesVersionRow(Base):
    """A counter bumped by every change of splits or claims: materialized allocations built
    from an older version are recomputed before they are read."""

    __tablename__ = "rules_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class NegotiatedDiscountRow(Base):
    """A configured negotiated discount (percent of gross) in force on `start_date`..`end_date`
    (inclusive; open-ended when NULL). Never deleted: ending it before its start withdraws it.
    `version` is bumped by every write (optimistic concurrency)."""

    __tablename__ = "negotiated_discounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("percent > 0 AND percent < 100", name="percent_range"),
        Index("ix_negotiated_discounts_start", "start_date"),
    )


class ScheduleRow(Base):
    """A product budget's monthly schedule and where it stands in the approval flow.
    `version` is bumped by every write: a stale write loses (optimistic concurrency)."""

    __tablename__ = "schedules"

    budget_id: Mapped[int] = mapped_column(
        ForeignKey("budgets.id"), primary_key=True, autoincrement=False
    )
    status: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_by_id: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reschedule_requested_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: the last approval: which version, by whom, when (its months: schedule_approved_months)
    approved_version: Mapped[int | None] = mapped_column(Integer)
    approved_by_id: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScheduleApprovedMonthRow(Base):
    """The months of a schedule as last approved: the basis of variance while a reschedule
    is requested, needed or being edited."""

    __tablename__ = "schedule_approved_months"

    budget_id: Mapped[int] = mapped_column(ForeignKey("schedules.budget_id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))


class ScheduleMonthRow(Base):
    __tablename__ = "schedule_months"

    budget_id: Mapped[int] = mapped_column(ForeignKey("schedules.budget_id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))


class NotificationRow(Base):
    """An in-app notification (the notifier port's first adapter)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(1000))
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what it is about ("schedule:12", "spend_card:5"): acting on it marks it read
    subject: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_notifications_user", "user_id", "read_at"),
        Index("ix_notifications_subject", "subject", "read_at"),
    )


class SpendCardRow(Base):
    """A product budget's spend card for one period (SPEC section 5). One per budget per
    period end; `version` is bumped by every refresh or decision (optimistic concurrency).
    The headline figures are columns (cents, NUMERIC(18,2)); the full figures, the why and
    the decisions are JSON written by the repository from the domain objects."""

    __tablename__ = "spend_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    actual: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    budget: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    variance: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    colour: Mapped[str] = mapped_column(String(8))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    corrections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decisions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    responded_by_id: Mapped[int | None] = mapped_column(Integer)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("budget_id", "period_end"),
        Index("ix_spend_cards_period_end", "period_end"),
        Index("ix_spend_cards_status", "status"),
    )


class SpendCardNoteRow(Base):
    """A note on a decided card (a late CUR correction it will never absorb)."""

    __tablename__ = "spend_card_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("spend_cards.id"))
    text: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_spend_card_notes_card", "card_id"),)


class JobLockRow(Base):
    """One row per scheduled job: a run locks its row (SELECT … FOR UPDATE on PostgreSQL;
    SQLite transactions are single-writer already) so two instances never run it at once."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CreditRow(Base):
    """An AWS credit recorded against a product budget (SPEC section 6). Never deleted: a void
    credit keeps its reason and its ledger. `version` is bumped by every edit (optimistic
    concurrency)."""

    __tablename__ = "credits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    program: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    start_date: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(8), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    void_reason: Mapped[str | None] = mapped_column(String(500))
    voided_by: Mapped[str | None] = mapped_column(String(254))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("ix_credits_budget", "budget_id"),
        Index("ix_credits_expires_on", "expires_on"),
    )


class CreditApplicationRow(Base):
    """One ledger row: a credit applied to its budget's allocated spend of a billing month.
    Unique per (credit, period): applying a month twice writes nothing twice."""

    __tablename__ = "credit_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_id: Mapped[int] = mapped_column(ForeignKey("credits.id"))
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    period: Mapped[str] = mapped_column(String(7))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    balance_after: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    applied_by: Mapped[str] = mapped_column(String(254))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("credit_id", "period"),
        Index("ix_credit_applications_period", "period"),
    )


class PeriodCloseRow(Base):
    """A billing period's close checklist (SPEC section 8); `version` is bumped by every save
    (optimistic concurrency). Whether the period is closed is `closed_periods`."""

    __tablename__ = "period_closes"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    vendor: Mapped[str] = mapped_column(String(200))
    purchase_order: Mapped[str] = mapped_column(String(100))
    invoice_numbers: Mapped[list[Any]] = mapped_column(JSON)
    internal_memo: Mapped[str] = mapped_column(String(2000))
    default_business_unit: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CloseEventRow(Base):
    """A close or reopen of a period (append-only). A close keeps its frozen close book
    (`snapshot`): the allocation, invoice split and credits every file is built from."""

    __tablename__ = "close_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str | None] = mapped_column(String(1000))
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_close_events_period", "period"),)


class CloseFileRow(Base):
    """A file written by a close: its bytes and their SHA-256, never changed; a reopen only
    marks it superseded."""

    __tablename__ = "close_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("close_events.id"))
    period: Mapped[str] = mapped_column(String(7))
    name: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        Index("ix_close_files_period", "period"),
    )


class RecommendationRow(Base):
    """A Cost Optimization Hub recommendation (SPEC section 7), one per stable key (account,
    resource ARN, action type, recommended resource type and summary). The columns are what
    lists filter and sort on; the rest of the export row is JSON (`details`). `version` is
    bumped by every decision and every import that changes the row."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    recommendation_id: Mapped[str] = mapped_column(String(2000))
    account_id: Mapped[str] = mapped_column(String(12))
    resource_arn: Mapped[str] = mapped_column(String(2000))
    resource_id: Mapped[str] = mapped_column(String(2000))
    in_cur: Mapped[bool] = mapped_column(Boolean)
    action_type: Mapped[str] = mapped_column(String(2000))
    known_action: Mapped[bool] = mapped_column(Boolean)
    region: Mapped[str | None] = mapped_column(String(1000))
    currency_code: Mapped[str] = mapped_column(String(3))
    monthly_savings: Mapped[Decimal | None] = mapped_column(Numeric(20, 10))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_recommendations_status", "status"),
        Index("ix_recommendations_account_id", "account_id"),
    )


class RecommendationHistoryRow(Base):
    """One decision on a recommendation, or an import resolving it or bringing it back."""

    __tablename__ = "recommendation_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    by_user_id: Mapped[int | None] = mapped_column(Integer)
    by_email: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(String(2000))

    __table_args__ = (Index("ix_recommendation_history_recommendation", "recommendation_id"),)


class RecommendationBudgetRow(Base):
    """A budget a recommendation belongs to, through a claim (100%) or the account split."""

    __tablename__ = "recommendation_budgets"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id"), primary_key=True
    )
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), primary_key=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    via: Mapped[str] = mapped_column(String(8))

    __table_args__ = (Index("ix_recommendation_budgets_budget", "budget_id"),)


class RecommendationImportRow(Base):
    """One import of the export: where from, what it changed, who ran it."""

    __tablename__ = "recommendation_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(2000))
    file_format: Mapped[str] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(2000))
    rows_read: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    reappeared: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    not_in_cur: Mapped[int] = mapped_column(Integer)
    unknown_action_types: Mapped[list[Any]] = mapped_column(JSON)
    imported_by: Mapped[str] = mapped_column(String(320))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
