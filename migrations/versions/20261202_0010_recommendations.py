"""Cost Optimization Hub recommendations: the recommendations, their decision history, the
budgets they map to, and the imports

Revision ID: 0010
Revises: 0013
Create Date: 2026-12-02 17:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = sa.Numeric(precision=20, scale=10)


def upgrade() -> None:
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("recommendation_id", sa.String(length=2000), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("resource_arn", sa.String(length=2000), nullable=False),
        sa.Column("resource_id", sa.String(length=2000), nullable=False),
        sa.Column("in_cur", sa.Boolean(), nullable=False),
        sa.Column("action_type", sa.String(length=2000), nullable=False),
        sa.Column("known_action", sa.Boolean(), nullable=False),
        sa.Column("region", sa.String(length=1000), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("monthly_savings", _MONEY, nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
        sa.UniqueConstraint("key", name=op.f("uq_recommendations_key")),
    )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.create_index("ix_recommendations_status", ["status"], unique=False)
        batch_op.create_index("ix_recommendations_account_id", ["account_id"], unique=False)

    op.create_table(
        "recommendation_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("by_email", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_recommendation_history_recommendation_id_recommendations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_history")),
    )
    with op.batch_alter_table("recommendation_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recommendation_history_recommendation", ["recommendation_id"], unique=False
        )

    op.create_table(
        "recommendation_budgets",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_recommendation_budgets_recommendation_id_recommendations"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["budgets.id"], name=op.f("fk_recommendation_budgets_budget_id_budgets")
        ),
        sa.PrimaryKeyConstraint(
            "recommendation_id", "budget_id", name=op.f("pk_recommendation_budgets")
        ),
    )
    with op.batch_alter_table("recommendation_budgets", schema=None) as batch_op:
        batch_op.create_index("ix_recommendation_budgets_budget", ["budget_id"], unique=False)

    op.create_table(
        "recommendation_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("reappeared", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("not_in_cur", sa.Integer(), nullable=False),
        sa.Column("unknown_action_types", sa.JSON(), nullable=False),
        sa.Column("imported_by", sa.String(length=320), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_imports")),
    )
    op.bulk_insert(
        sa.table("job_locks", sa.column("name", sa.String)), [{"name": "recommendations.import"}]
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM job_locks WHERE name = 'recommendations.import'"))
    op.drop_table("recommendation_imports")
    with op.batch_alter_table("recommendation_budgets", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendation_budgets_budget")
    op.drop_table("recommendation_budgets")
    with op.batch_alter_table("recommendation_history", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendation_history_recommendation")
    op.drop_table("recommendation_history")
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_index("ix_recommendations_account_id")
        batch_op.drop_index("ix_recommendations_status")
    op.drop_table("recommendations")
