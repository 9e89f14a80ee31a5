"""Recommendation use cases: import an export, decide one (or many), and remap them to
budgets when the allocation rules change. None of them commits: the edge does, so a refused
import or bulk decision changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.allocation.service import current_rules
from domain.audit import Actor, AuditEntry
from domain.errors import Conflict, ErrorDetail, Forbidden, RuleViolation
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.ports import Clock, ObjectStore, ResourceDirectory, UnitOfWork
from domain.recommendations.arns import cur_resource_id
from domain.recommendations.importing import ParsedExport, parse_export, plan_import
from domain.recommendations.machine import Action, Who, transition
from domain.recommendations.mapping import BudgetMapper
from domain.recommendations.model import ExportRow, HistoryEntry, Recommendation
from domain.recommendations.ports import ExportReader
from domain.recommendations.queries import ImportRecord, NewImport, find_visible
from domain.scope import ResolvedScope

IMPORT = "import"


def _may_import(user: User) -> None:
    if not can(user.role, Permission.DECIDE_RECOMMENDATIONS):
        raise Forbidden(f"your role ({user.role.value}) may not import recommendations")


async def import_upload(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    resources: ResourceDirectory,
    reader: ExportReader,
    objects: ObjectStore,
    *,
    data: bytes,
    filename: str,
) -> ImportRecord:
    """An uploaded export (parquet or CSV), all or nothing; the raw file is kept."""
    _may_import(user)
    table = await reader.read_upload(data, filename)
    parsed = parse_export(table.columns, table.rows)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)[-120:] or "export"
    location = await objects.put(
        f"recommendations/{stamp}-{safe}", data, "application/octet-stream"
    )
    return await import_export(
        uow,
        clock,
        user,
        resources,
        parsed=parsed,
        source=filename,
        file_format=table.file_format,
        location=location,
    )


async def import_source(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    resources: ResourceDirectory,
    reader: ExportReader,
    *,
    source: str,
) -> ImportRecord:
    """Every export file of a folder, a file or an s3://bucket/prefix, as one import."""
    _may_import(user)
    table = await reader.read_source(source)
    parsed = parse_export(table.columns, table.rows)
    return await import_export(
        uow, clock, user, resources, parsed=parsed, source=source, file_format=table.file_format
    )


async def import_export(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    resources: ResourceDirectory,
    *,
    parsed: ParsedExport,
    source: str,
    file_format: str,
    location: str | None = None,
) -> ImportRecord:
    """Upsert the export's recommendations by stable key, keep every decision, resolve those
    gone, un-resolve those back; map each to budgets (claim, else split, today)."""
    _may_import(user)
    store = uow.recommendations
    at = clock.now()
    await store.lock_import(at)
    existing = await store.everything()
    plan = plan_import(existing, parsed.rows)
    cur_ids = {r.key: cur_resource_id(r.resource_arn) for r in parsed.rows}
    known = await resources.accounts_of(sorted(set(cur_ids.values())))

    def in_cur(row: ExportRow) -> bool:
        return row.account_id in known.get(cur_ids[row.key], frozenset())

    by_id = {r.id: r for r in existing}
    ids = await store.add_many([(row, cur_ids[row.key], in_cur(row)) for row in plan.create], at)
    await store.update_many([(u, cur_ids[u.row.key], in_cur(u.row)) for u in plan.update], at)
    ids.update({u.row.key: u.id for u in plan.update})
    history = [
        (u.id, HistoryEntry("reappear", by_id[u.id].status, by_id[u.id].status, None, IMPORT, at))
        for u in plan.update
        if u.reappears
    ]
    await store.seen(plan.unchanged, at)
    for rec_id in plan.unchanged:
        rec = by_id[rec_id]
        ids[rec.key] = rec_id
        # the CUR may have started (or stopped) showing the resource since the last import
        if rec.in_cur != in_cur(rec.row):
            await store.set_in_cur(rec_id, in_cur(rec.row))
    await store.resolve(plan.resolve, at)
    history += [
        (rec.id, HistoryEntry("resolve", rec.status, rec.status, None, IMPORT, at))
        for rec in plan.resolve
    ]
    await store.add_history_many(history)
    rows = {r.key: r for r in parsed.rows}
    await _map(uow, clock, {ids[k]: (r.account_id, cur_ids[k]) for k, r in rows.items()})
    record = await store.add_import(
        NewImport(
            source=source,
            file_format=file_format,
            location=location,
            rows_read=parsed.read,
            created=len(plan.create),
            updated=len(plan.update),
            unchanged=len(plan.unchanged),
            resolved=len(plan.resolve),
            reappeared=plan.reappeared,
            duplicates=parsed.duplicates,
            unknown_action_types=parsed.unknown_action_types,
            not_in_cur=sum(1 for r in parsed.rows if not in_cur(r)),
            imported_by=user.email,
            imported_at=at,
        )
    )
    await uow.audit.record(
        AuditEntry(
            Actor(user.id, user.email),
            "recommendations.import",
            "recommendation_import",
            str(record.id),
            after={
                "source": source,
                "created": record.created,
                "updated": record.updated,
                "resolved": record.resolved,
                "reappeared": record.reappeared,
            },
        )
    )
    return record


async def _map(uow: UnitOfWork, clock: Clock, resources: dict[int, tuple[str, str]]) -> None:
    rules, _ = await current_rules(uow)
    mapper = BudgetMapper(rules, clock.today())
    await uow.recommendations.set_budgets(
        {rec_id: mapper.budgets_for(account, rid) for rec_id, (account, rid) in resources.items()}
    )


async def remap_budgets(uow: UnitOfWork, clock: Clock) -> int:
    """Map every recommendation still in the export to budgets again (after a split or claim
    changed); the number remapped."""
    current = [r for r in await uow.recommendations.everything() if not r.resolved]
    await _map(uow, clock, {r.id: (r.row.account_id, r.resource_id) for r in current})
    return len(current)


@dataclass(frozen=True)
class DecisionRequest:
    rec_id: int
    version: int


async def decide(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    scope: ResolvedScope,
    *,
    rec_id: int,
    action: Action,
    version: int,
    comment: str | None,
) -> Recommendation:
    """`user` takes `action` on one recommendation (rules in `machine.py`)."""
    return (
        await decide_many(
            uow,
            clock,
            user,
            scope,
            requests=[DecisionRequest(rec_id, version)],
            action=action,
            comment=comment,
        )
    )[0]


async def decide_many(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    scope: ResolvedScope,
    *,
    requests: Sequence[DecisionRequest],
    action: Action,
    comment: str | None,
) -> list[Recommendation]:
    """The same action on several recommendations, all or nothing (a bulk approve or
    ignore): the first refusal refuses the whole request."""
    if not requests:
        raise RuleViolation(
            "nothing to decide", [ErrorDetail(message="list at least one", field="items")]
        )
    if len({r.rec_id for r in requests}) != len(requests):
        raise RuleViolation(
            "a recommendation is listed twice",
            [ErrorDetail(message="list each recommendation once", field="items")],
        )
    who = Who.of(user.id, user.role)
    at = clock.now()
    text = comment.strip() if comment and comment.strip() else None
    saved: list[Recommendation] = []
    engineers_told: list[Recommendation] = []
    for request in requests:
        rec = await find_visible(uow, user, scope, request.rec_id)
        if request.version != rec.version:
            raise Conflict(
                f"recommendation {rec.id} changed since it was read (version {rec.version}, "
                f"you sent {request.version}); reload it",
                [ErrorDetail(message=f"at version {rec.version}", field="version")],
            )
        target = transition(rec.status, action, who, resolved=rec.resolved, comment=comment)
        after = await uow.recommendations.save_decision(
            replace(rec, status=target), request.version, at
        )
        await uow.recommendations.add_history(
            rec.id, HistoryEntry(action.value, rec.status, target, user.id, user.email, at, text)
        )
        await uow.audit.record(
            AuditEntry(
                Actor(user.id, user.email),
                f"recommendation.{action.value}",
                "recommendation",
                str(rec.id),
                before={"status": rec.status.value, "version": rec.version},
                after={"status": after.status.value, "version": after.version},
                details={"comment": text} if text else {},
            )
        )
        saved.append(after)
        if action is Action.APPROVE:
            engineers_told.append(after)
    if engineers_told:
        engineers = [e for e in await uow.recommendations.engineers() if e != user.id]
        first = engineers_told[0]
        message = (
            f"{first.row.action_type} {first.resource_id} approved: implement it"
            if len(engineers_told) == 1
            else f"{len(engineers_told)} recommendations approved: implement them"
        )
        await uow.notifications.notify(
            engineers,
            "recommendation.approve",
            message,
            f"/recommendations/{first.id}" if len(engineers_told) == 1 else "/recommendations",
            budget_id=None,
            subject=f"recommendation:{first.id}",
        )
    return saved
