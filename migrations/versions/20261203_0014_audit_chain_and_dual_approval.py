"""Audit chain and dual approval: each audit row carries the hash of the previous row's hash and
its own content, with a one-row chain head; triggers refuse UPDATE and DELETE of audit rows
(and TRUNCATE on PostgreSQL); schedules remember a first approval.

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-03 02:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from domain.audit import GENESIS_HASH, ChainLink

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AUDIT = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer()),
    sa.column("actor_email", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity_type", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("before", sa.JSON()),
    sa.column("after", sa.JSON()),
    sa.column("details", sa.JSON()),
    sa.column("request_id", sa.String()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    last_id, last_hash, count = _backfill()
    op.bulk_insert(
        head, [{"id": 1, "last_id": last_id, "last_hash": last_hash, "row_count": count}]
    )
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("first_approved_at", sa.DateTime(timezone=True), nullable=True)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: {verb} refused'); END"
            )


def _backfill() -> tuple[int, str, int]:
    """Chain the rows already there, in id order (before the triggers exist)."""
    bind = op.get_bind()
    last_id, last_hash, count = 0, GENESIS_HASH, 0
    rows = bind.execute(sa.select(_AUDIT).order_by(_AUDIT.c.id)).mappings().all()
    for row in rows:
        values = {k: row[k] for k in row.keys() if k not in ("prev_hash", "hash")}
        at = values["occurred_at"]
        values["occurred_at"] = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        digest = ChainLink(**values).computed_hash(last_hash)
        bind.execute(
            _AUDIT.update().where(_AUDIT.c.id == row["id"]).values(prev_hash=last_hash, hash=digest)
        )
        last_id, last_hash, count = row["id"], digest, count + 1
    return last_id, last_hash, count


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_column("first_approved_at")
        batch_op.drop_column("first_approved_by_id")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
