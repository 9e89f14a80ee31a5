"""Integrity of the audit log: the head of its hash chain."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base


class AuditChainHeadRow(Base):
    """One row (id 1): the last sealed audit entry's id and hash and the number of entries.
    Every sealing locks it, so concurrent writers form one chain; it also tells `finops audit
    verify` when entries were removed from the end."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
