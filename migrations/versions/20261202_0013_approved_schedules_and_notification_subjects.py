"""the last approved schedule of each budget, and what a notification is about

A schedule keeps a copy of the months it was last approved with (and who approved which
version when), so variance can be shown against it while a reschedule is under way.
Notifications name their subject ("schedule:12", "spend_card:5"): acting on the subject marks
them read.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 17:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "schedule_approved_months",
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["schedules.budget_id"],
            name=op.f("fk_schedule_approved_months_budget_id_schedules"),
        ),
        sa.PrimaryKeyConstraint("budget_id", "month", name=op.f("pk_schedule_approved_months")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_notifications_subject", ["subject", "read_at"], unique=False)
    # Schedules approved before this revision: their months are still the approved ones (an
    # approved schedule, or one whose reschedule was only requested, cannot be edited).
    op.execute(
        "INSERT INTO schedule_approved_months (budget_id, month, amount) "
        "SELECT m.budget_id, m.month, m.amount FROM schedule_months m "
        "JOIN schedules s ON s.budget_id = m.budget_id "
        "WHERE s.status IN ('approved', 'reschedule_requested')"
    )
    op.execute(
        "UPDATE schedules SET approved_version = version, approved_by_id = decided_by_id, "
        "approved_at = decided_at WHERE status IN ('approved', 'reschedule_requested')"
    )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_subject")
        batch_op.drop_column("subject")
    op.drop_table("schedule_approved_months")
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by_id")
        batch_op.drop_column("approved_version")
