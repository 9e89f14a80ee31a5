"""month close: checklists, closes and reopens, and the files they wrote

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "period_closes",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("vendor", sa.String(length=200), nullable=False),
        sa.Column("purchase_order", sa.String(length=100), nullable=False),
        sa.Column("invoice_numbers", sa.JSON(), nullable=False),
        sa.Column("internal_memo", sa.String(length=2000), nullable=False),
        sa.Column("default_business_unit", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=254), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_period_closes")),
    )
    op.create_table(
        "close_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_close_events")),
    )
    with op.batch_alter_table("close_events", schema=None) as batch_op:
        batch_op.create_index("ix_close_events_period", ["period"], unique=False)
    op.create_table(
        "close_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["close_events.id"], name=op.f("fk_close_files_event_id_close_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_close_files")),
        sa.UniqueConstraint("event_id", "name", name=op.f("uq_close_files_event_id")),
    )
    with op.batch_alter_table("close_files", schema=None) as batch_op:
        batch_op.create_index("ix_close_files_period", ["period"], unique=False)


def downgrade() -> None:
    op.drop_table("close_files")
    op.drop_table("close_events")
    op.drop_table("period_closes")
