"""spend cards, their notes, and the job lock of card generation

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 14:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spend_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("actual", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("budget", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("variance", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("colour", sa.String(length=8), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("corrections", sa.JSON(), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["budget_id"], ["budgets.id"], name=op.f("fk_spend_cards_budget_id_budgets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_cards")),
        sa.UniqueConstraint("budget_id", "period_end", name=op.f("uq_spend_cards_budget_id")),
    )
    with op.batch_alter_table("spend_cards", schema=None) as batch_op:
        batch_op.create_index("ix_spend_cards_period_end", ["period_end"], unique=False)
        batch_op.create_index("ix_spend_cards_status", ["status"], unique=False)

    op.create_table(
        "spend_card_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["spend_cards.id"], name=op.f("fk_spend_card_notes_card_id_spend_cards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_card_notes")),
    )
    with op.batch_alter_table("spend_card_notes", schema=None) as batch_op:
        batch_op.create_index("ix_spend_card_notes_card", ["card_id"], unique=False)

    op.create_table(
        "job_locks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_locks")),
    )
    op.bulk_insert(
        sa.table("job_locks", sa.column("name", sa.String)), [{"name": "spend_cards.generate"}]
    )


def downgrade() -> None:
    op.drop_table("job_locks")
    with op.batch_alter_table("spend_card_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_spend_card_notes_card")
    op.drop_table("spend_card_notes")
    with op.batch_alter_table("spend_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_spend_cards_status")
        batch_op.drop_index("ix_spend_cards_period_end")
    op.drop_table("spend_cards")
