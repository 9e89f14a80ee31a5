from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select, update

from adapters.db.base import utcnow
from adapters.db.models import (
    AccountRow,
    AuditChainHeadRow,
    AuditEventRow,
    BudgetRow,
    NodeRow,
    SpendCardRow,
    UserRow,
    WorkloadRow,
)
from adapters.db.repository import Repository
from domain.audit import (
    AuditEntry,
    AuditFilter,
    AuditRecord,
    ChainHead,
    ChainLink,
    ChainVerdict,
    verify_chain,
)

__all__ = ["AuditFilter", "AuditRepository"]


# Built once: every authenticated request reads it, and building a statement (and its cache
# key) costs more than running this one.
_HEAD_VERSION = select(AuditChainHeadRow.last_id, AuditChainHeadRow.row_count).where(
    AuditChainHeadRow.id == 1
)


class AuditRepository(Repository[AuditEventRow]):
    """Append-only audit log: `record` and reads, nothing else."""

    model = AuditEventRow

    def __init__(
        self,
        session: Any,
        request_id: str | None = None,
        observe: Callable[[AuditEntry], None] | None = None,
        *,
        keep_head: bool = False,
    ) -> None:
        super().__init__(session)
        self.request_id = request_id
        # told of every entry recorded (the unit of work raises outbound events from them)
        self._observe = observe
        self._pending: list[tuple[AuditEntry, datetime]] = []
        # a unit of work that only reads asks for the head once (see `head_version`)
        self._keep_head = keep_head
        self._head: tuple[int, int] | None = None

    async def record(self, entry: AuditEntry) -> None:
        """Queue the entry; `seal` writes it, chained, when the unit of work commits."""
        self._pending.append((entry, utcnow()))
        if self._observe is not None:
            self._observe(entry)

    async def seal(self) -> None:
        """Write the queued entries as the next links of the chain. Called by the unit of work
        just before it commits: the head row is locked (SELECT … FOR UPDATE on PostgreSQL;
        SQLite's writers already hold the one write lock from BEGIN IMMEDIATE) for the
        moment between here and the commit, so concurrent writers append one after another."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        head = (
            await self.session.execute(
                select(AuditChainHeadRow.last_id, AuditChainHeadRow.last_hash)
                .where(AuditChainHeadRow.id == 1)
                .with_for_update()
            )
        ).one()
        last_id, last_hash = head.last_id, head.last_hash
        rows: list[dict[str, Any]] = []
        for entry, occurred_at in pending:
            link = ChainLink(
                id=last_id + 1,
                occurred_at=occurred_at,
                actor_id=entry.actor.user_id,
                actor_email=entry.actor.email,
                action=entry.action,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                before=entry.before,
                after=entry.after,
                details=entry.details or None,
                request_id=self.request_id,
            )
            digest = link.computed_hash(last_hash)
            rows.append({**asdict(link), "prev_hash": last_hash, "hash": digest})
            last_id, last_hash = link.id, digest
        await self.session.execute(insert(AuditEventRow), rows)
        await self.session.execute(
            update(AuditChainHeadRow)
            .where(AuditChainHeadRow.id == 1)
            .values(
                last_id=last_id,
                last_hash=last_hash,
                row_count=AuditChainHeadRow.row_count + len(rows),
            )
        )

    async def head_version(self, *, fresh: bool = False) -> tuple[int, int]:
        """The chain head (last entry id, entry count): every committed service write is
        audited in its own transaction, so this moves with each change to budgets, nodes,
        schedules, splits, claims or scopes. Keys the kept answers of heavy reads
        (`api.answer_cache`) and the authenticated callers (`api.identity_cache`); (0, 0)
        before the first entry. A unit of work that only reads keeps the first head it read:
        the authentication reads it, the kept answers reuse it (read before their figures, so
        a body may be newer than its key, never older); `fresh` reads it again."""
        if self._head is not None and not fresh:
            return self._head
        row = (await self.session.execute(_HEAD_VERSION)).first()
        head = (0, 0) if row is None else (int(row[0]), int(row[1]))
        if self._keep_head and self._head is None:
            self._head = head
        return head

    def discard(self) -> None:
        self._pending.clear()

    async def verify(self, batch: int = 1000) -> ChainVerdict:
        """Check the whole chain against the head (`finops audit verify`)."""
        head = (
            await self.session.execute(
                select(
                    AuditChainHeadRow.last_id,
                    AuditChainHeadRow.last_hash,
                    AuditChainHeadRow.row_count,
                ).where(AuditChainHeadRow.id == 1)
            )
        ).one()
        links = [link.checked() async for link in self._links(batch)]
        return verify_chain(
            links,
            ChainHead(last_id=head.last_id, last_hash=head.last_hash, row_count=head.row_count),
        )

    async def _links(self, batch: int) -> AsyncIterator[ChainLink]:
        after: int | None = None
        while True:
            stmt = select(AuditEventRow).order_by(AuditEventRow.id).limit(batch)
            if after is not None:
                stmt = stmt.where(AuditEventRow.id > after)
            rows = (await self.session.scalars(stmt)).all()
            for row in rows:
                yield chain_link(row)
            if len(rows) < batch:
                return
            after = rows[-1].id
            self.session.expunge_all()

    def _filtered(self, f: AuditFilter) -> Select[tuple[AuditEventRow]]:
        stmt = self.select()
        if f.actor_id is not None:
            stmt = stmt.where(AuditEventRow.actor_id == f.actor_id)
        if f.action:
            stmt = stmt.where(AuditEventRow.action == f.action)
        if f.entity_type:
            stmt = stmt.where(AuditEventRow.entity_type == f.entity_type)
        if f.entity_id:
            stmt = stmt.where(AuditEventRow.entity_id == f.entity_id)
        if f.since:
            stmt = stmt.where(AuditEventRow.occurred_at >= f.since)
        if f.until:
            stmt = stmt.where(AuditEventRow.occurred_at < f.until)
        return stmt

    async def list(
        self, f: AuditFilter, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[AuditRecord], int]:
        stmt = self._filtered(f)
        total = await self.count(stmt)
        rows = await self.all(stmt.order_by(AuditEventRow.id.desc()).limit(limit).offset(offset))
        actors = await self._names(UserRow, {r.actor_id for r in rows if r.actor_id is not None})
        objects = await self._object_names(rows)
        return [
            replace(
                _record(r),
                actor_name=actors.get(r.actor_id) if r.actor_id is not None else None,
                entity_name=objects.get((r.entity_type, r.entity_id)),
            )
            for r in rows
        ], total

    async def _names(self, model: Any, ids: set[Any], key: str = "id") -> dict[Any, str]:
        if not ids:
            return {}
        column = getattr(model, key)
        found = await self.session.execute(select(column, model.name).where(column.in_(ids)))
        return dict(found.tuples().all())

    async def _object_names(self, rows: Sequence[AuditEventRow]) -> dict[tuple[str, str], str]:
        """The names of the objects of a page of events, a query per kind (not per event)."""

        def ids(kind: str, numeric: bool = True) -> set[Any]:
            wanted = {r.entity_id for r in rows if r.entity_type == kind}
            return {int(i) for i in wanted if i.isdigit()} if numeric else wanted

        names: dict[tuple[str, str], str] = {}
        for kind, model in (("user", UserRow), ("workload", WorkloadRow)):
            for i, name in (await self._names(model, ids(kind))).items():
                names[(kind, str(i))] = name
        for i, name in (
            await self._names(AccountRow, ids("account", numeric=False), key="account_id")
        ).items():
            names[("account", str(i))] = name
        budgets = ids("budget") | ids("schedule")
        if budgets:
            found = await self.session.execute(
                select(BudgetRow.id, NodeRow.name)
                .join(NodeRow, NodeRow.id == BudgetRow.node_id)
                .where(BudgetRow.id.in_(budgets))
            )
            for i, name in found.tuples().all():
                names[("budget", str(i))] = name
                names[("schedule", str(i))] = name
        cards = ids("spend_card")
        if cards:
            weeks = await self.session.execute(
                select(SpendCardRow.id, NodeRow.name, SpendCardRow.period_start)
                .join(BudgetRow, BudgetRow.id == SpendCardRow.budget_id)
                .join(NodeRow, NodeRow.id == BudgetRow.node_id)
                .where(SpendCardRow.id.in_(cards))
            )
            for i, name, start in weeks.tuples().all():
                names[("spend_card", str(i))] = f"{name}, week of {start:%d %b %Y}"
        return names


def chain_link(row: AuditEventRow) -> ChainLink:
    return ChainLink(
        id=row.id,
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor_email=row.actor_email,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        before=row.before,
        after=row.after,
        details=row.details,
        request_id=row.request_id,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _record(row: AuditEventRow) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor_email=row.actor_email,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        before=row.before,
        after=row.after,
        details=row.details,
        request_id=row.request_id,
    )
