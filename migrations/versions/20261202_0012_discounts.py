"""negotiated discounts: a configured percent off gross prices, effective-dated

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "negotiated_discounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "percent > 0 AND percent < 100", name=op.f("ck_negotiated_discounts_percent_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negotiated_discounts")),
    )
    with op.batch_alter_table("negotiated_discounts", schema=None) as batch_op:
        batch_op.create_index("ix_negotiated_discounts_start", ["start_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("negotiated_discounts", schema=None) as batch_op:
        batch_op.drop_index("ix_negotiated_discounts_start")
    op.drop_table("negotiated_discounts")
