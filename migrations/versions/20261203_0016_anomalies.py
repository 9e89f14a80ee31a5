"""Daily spend anomalies of budgets

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 03:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CENTS = sa.Numeric(precision=20, scale=2)


def upgrade() -> None:
    op.create_table(
        "anomalies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("total", _CENTS, nullable=False),
        sa.Column("median", _CENTS, nullable=False),
        sa.Column("service_amount", _CENTS, nullable=False),
        sa.Column("service_median", _CENTS, nullable=False),
        sa.Column("resources", sa.JSON(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["budgets.id"], name=op.f("fk_anomalies_budget_id_budgets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anomalies")),
        sa.UniqueConstraint("budget_id", "day", "service", name="uq_anomalies_budget_day_service"),
    )
    with op.batch_alter_table("anomalies", schema=None) as batch_op:
        batch_op.create_index("ix_anomalies_day", ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("anomalies", schema=None) as batch_op:
        batch_op.drop_index("ix_anomalies_day")
    op.drop_table("anomalies")
