"""claims keyed by account and resource; a lock row per claimed resource

A resource is its account and its resource id together (ids are not global in the CUR): the
open-claim unique index moves to (account_id, resource_id). `claim_locks` holds one row per
claimed resource, which claim and release writes lock so that the spans of one resource never
overlap, released ones included.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("released_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "claim_locks",
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("resource_id", sa.String(length=1024), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "resource_id", name=op.f("pk_claim_locks")),
    )
    op.execute(
        "INSERT INTO claim_locks (account_id, resource_id, claims) "
        "SELECT account_id, resource_id, COUNT(*) FROM claims GROUP BY account_id, resource_id"
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_open_resource", sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index(
            "ix_claims_open_account_resource",
            ["account_id", "resource_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
        batch_op.create_index(
            "ix_claims_account_resource", ["account_id", "resource_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_account_resource")
        batch_op.drop_index(
            "ix_claims_open_account_resource", sqlite_where=OPEN, postgresql_where=OPEN
        )
        batch_op.create_index(
            "ix_claims_open_resource",
            ["resource_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
    op.drop_table("claim_locks")
