"""Budget use cases: load a chart of accounts, define a year's naming, change an amount (a new
version). Adding one line item is in `line_items`; mapping a user's financial scope is in
`scope_service`.

Each use case takes the unit of work and raises domain errors; the edge commits. Nothing here
writes before every check has passed, so a refused request changes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.audit import Actor, AuditEntry
from domain.budgets.chart import ChartOfAccounts, parse_chart_of_accounts
from domain.budgets.filename import (
    LoadOptionOverrides,
    LoadOptions,
    resolve_load_options,
    safe_filename,
)
from domain.budgets.loading import LoadPlan, plan_load
from domain.budgets.model import (
    PRODUCT_LEVEL,
    BudgetStatus,
    BudgetVersion,
    HierarchyLabels,
    ProductPath,
)
from domain.budgets.money import AmountError, parse_amount
from domain.budgets.records import (
    BudgetChange,
    NewBudget,
    NewImport,
    NewNode,
    NewVersion,
    NodeRecord,
)
from domain.budgets.text import TextError, clean_name, name_key
from domain.budgets.versions import effective_date_errors
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.ports import BudgetStore, Clock, ObjectStore, UnitOfWork
from domain.schedules import service as schedules
from domain.scope import ResolvedScope


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    options: LoadOptions
    labels: HierarchyLabels
    counts: dict[str, int]
    object_location: str


@dataclass(frozen=True)
class ChartUpload:
    """An uploaded chart-of-accounts file and the load options given with it."""

    filename: str
    data: bytes
    overrides: LoadOptionOverrides


def options_view(options: LoadOptions) -> dict[str, Any]:
    return {
        "customer": options.customer,
        "effective_year": options.effective_year,
        "is_new": options.is_new,
        "start_date": options.start_date.isoformat(),
        "is_override": options.is_override,
        "version": options.version,
    }


def _wanted_at(
    level: int,
    keyed: Sequence[tuple[tuple[str, ...], ProductPath]],
    by_key: Mapping[tuple[str, ...], NodeRecord],
) -> dict[tuple[str, ...], NewNode]:
    wanted: dict[tuple[str, ...], NewNode] = {}
    for keys, path in keyed:
        key = keys[:level]
        if key in by_key or key in wanted:
            continue
        parent = by_key[key[:-1]] if level > 1 else None
        wanted[key] = NewNode(
            level=level,
            parent_id=parent.id if parent else None,
            parent_path=parent.path if parent else "/",
            name=path[level - 1],
        )
    return wanted


def _existing_keys(existing: Sequence[NodeRecord]) -> dict[tuple[str, ...], NodeRecord]:
    ids = {n.id: n for n in existing}

    def key_of(node: NodeRecord) -> tuple[str, ...]:
        chain: list[str] = []
        current: NodeRecord | None = node
        while current is not None:
            chain.append(name_key(current.name))
            current = ids.get(current.parent_id) if current.parent_id else None
        return tuple(reversed(chain))

    return {key_of(node): node for node in existing}


def _keyed(paths: Sequence[ProductPath]) -> list[tuple[tuple[str, ...], ProductPath]]:
    return [(tuple(name_key(n) for n in path), path) for path in paths]


async def _ensure_nodes(
    store: BudgetStore, year: int, paths: Sequence[ProductPath]
) -> dict[tuple[str, ...], NodeRecord]:
    """Find or create every node on `paths`, level by level, in bulk. Keyed by the
    casefolded path prefix. The per-row work of a large chart runs in a worker thread, so
    the event loop keeps answering other requests."""
    by_key = await asyncio.to_thread(_existing_keys, await store.nodes(year))
    keyed = await asyncio.to_thread(_keyed, paths)
    for level in range(1, PRODUCT_LEVEL + 1):
        wanted = await asyncio.to_thread(_wanted_at, level, keyed, by_key)
        created = await store.create_nodes(year, list(wanted.values()))
        by_key.update(zip(wanted, created, strict=True))
    return by_key


def _new_budgets(plan: LoadPlan, nodes: Mapping[tuple[str, ...], NodeRecord]) -> list[NewBudget]:
    return [
        NewBudget(
            node_id=nodes[tuple(name_key(n) for n in c.path)].id,
            start_date=c.start_date,
            attributes=dict(c.attributes),
        )
        for c in plan.creates
    ]


def _plan_writes(
    plan: LoadPlan, budget_ids: Sequence[int], created_by: str, import_id: int | None
) -> tuple[list[NewVersion], list[BudgetChange]]:
    versions = [
        NewVersion(budget_id, c.annual_amount, c.start_date, created_by, import_id)
        for c, budget_id in zip(plan.creates, budget_ids, strict=True)
    ]
    versions += [
        NewVersion(
            u.budget_id,
            u.new_version.annual_amount,
            u.new_version.effective_from,
            created_by,
            import_id,
        )
        for u in plan.updates
    ]
    changes = [
        BudgetChange(a.budget_id, attributes=dict(a.attributes)) for a in plan.attribute_updates
    ]
    for back in plan.reactivations:
        changes.append(
            BudgetChange(
                back.budget_id,
                attributes=dict(back.attributes),
                status=BudgetStatus.ACTIVE,
                retired_from=None,
            )
        )
        versions.append(
            NewVersion(
                back.budget_id,
                back.new_version.annual_amount,
                back.new_version.effective_from,
                created_by,
                import_id,
            )
        )
    changes += [
        BudgetChange(g.budget_id, status=BudgetStatus.RETIRED, retired_from=g.effective_date)
        for g in plan.retirements
    ]
    return versions, changes


async def apply_plan(
    store: BudgetStore, plan: LoadPlan, *, actor: Actor, import_id: int | None
) -> None:
    year = plan.options.effective_year
    await store.save_labels(year, plan.labels)
    nodes = await _ensure_nodes(store, year, [c.path for c in plan.creates])
    budget_ids = await store.create_budgets(
        year, await asyncio.to_thread(_new_budgets, plan, nodes)
    )
    versions, changes = await asyncio.to_thread(
        _plan_writes, plan, budget_ids, actor.email, import_id
    )
    await store.add_versions(versions)
    await store.set_budgets(changes)


async def import_chart(
    uow: UnitOfWork, clock: Clock, objects: ObjectStore, actor: Actor, upload: ChartUpload
) -> ImportResult:
    """Load a chart-of-accounts file, all or nothing."""
    store = uow.budgets
    errors: list[ErrorDetail] = []
    options: LoadOptions | None = None
    chart: ChartOfAccounts | None = None
    try:
        options = resolve_load_options(upload.filename, upload.overrides)
    except RuleViolation as exc:
        errors.extend(exc.errors)
    try:
        # Parsing, planning and hashing a large file take seconds of CPU: off the event loop,
        # so other requests keep being answered meanwhile.
        chart = await asyncio.to_thread(parse_chart_of_accounts, upload.data)
    except RuleViolation as exc:
        errors.extend(exc.errors)
    if errors or options is None or chart is None:
        raise RuleViolation(f"the file cannot be loaded: {len(errors)} error(s)", errors)
    year = options.effective_year
    now = clock.now()
    existing, closed = await store.existing_budgets(year), await store.closed_periods()
    plan = await asyncio.to_thread(plan_load, existing, chart, options, closed)
    digest = await asyncio.to_thread(lambda: hashlib.sha256(upload.data).hexdigest())
    key = (
        f"budget-imports/{year}/{now:%Y%m%dT%H%M%S}-{digest[:12]}-{safe_filename(upload.filename)}"
    )
    location = await objects.put(key, upload.data, "text/csv")
    import_id = await store.add_import(
        NewImport(
            year=year,
            filename=upload.filename,
            options=options_view(options),
            counts=plan.counts,
            object_key=key,
            sha256=digest,
            size_bytes=len(upload.data),
            uploaded_by_id=actor.user_id,
            uploaded_by=actor.email,
            uploaded_at=now,
        )
    )
    await apply_plan(store, plan, actor=actor, import_id=import_id)
    changed = {u.budget_id: u.new_version.effective_from for u in plan.updates} | {
        r.budget_id: r.new_version.effective_from for r in plan.reactivations
    }
    if changed:
        # an approved schedule the new amounts leave behind needs its owners' reschedule
        await schedules.amount_changed(uow, actor, budget_ids=list(changed), effective_from=changed)
    await uow.audit.record(
        AuditEntry(
            actor,
            "budget_import.create",
            "budget_import",
            str(import_id),
            after={
                "filename": upload.filename,
                "options": options_view(options),
                "counts": plan.counts,
                "sha256": digest,
            },
        )
    )
    return ImportResult(import_id, options, plan.labels, plan.counts, location)


async def define_year(
    uow: UnitOfWork, actor: Actor, *, year: int, labels: Sequence[str]
) -> HierarchyLabels:
    """Define (or rename) the organisational naming of a year's four levels."""
    store = uow.budgets
    errors: list[ErrorDetail] = []
    if not 2000 <= year <= 2100:
        errors.append(ErrorDetail(message="year must be between 2000 and 2100", field="year"))
    if len(labels) != 4:
        errors.append(ErrorDetail(message="exactly four level labels are needed", field="labels"))
    cleaned: list[str] = []
    for i, label in enumerate(labels[:4]):
        try:
            cleaned.append(clean_name(label))
        except TextError as exc:
            errors.append(ErrorDetail(message=str(exc), field=f"labels.{i}"))
    if len({name_key(c) for c in cleaned}) != len(cleaned):
        errors.append(ErrorDetail(message="the four labels must differ", field="labels"))
    if errors:
        raise RuleViolation("the year's naming is not valid", errors)
    new = HierarchyLabels(cleaned[0], cleaned[1], cleaned[2], cleaned[3])
    old = await store.labels(year)
    if old != new:
        await store.save_labels(year, new)
        await uow.audit.record(
            AuditEntry(
                actor,
                "year.labels",
                "fiscal_year",
                str(year),
                before={"labels": list(old.as_tuple())} if old else None,
                after={"labels": list(new.as_tuple())},
            )
        )
    return new


async def change_amount(
    uow: UnitOfWork,
    actor: Actor,
    scope: ResolvedScope,
    *,
    budget_id: int,
    annual_amount: str,
    effective_from: date,
) -> None:
    """A new version of a budget's annual amount from the 1st of a month; earlier months
    keep the amount they had."""
    store = uow.budgets
    record = await store.get_budget(scope, budget_id)
    if record is None:
        raise NotFound("budget not found")
    errors: list[ErrorDetail] = []
    amount: Decimal | None = None
    try:
        amount = parse_amount(annual_amount)
    except AmountError as exc:
        errors.append(ErrorDetail(message=str(exc), field="annual_amount"))
    errors += effective_date_errors(
        effective_from,
        year=record.year,
        closed_periods=await store.closed_periods(),
        versions=[
            BudgetVersion(v.annual_amount, v.effective_from, v.created_at) for v in record.versions
        ],
        budget_start=record.start_date,
    )
    if errors or amount is None:
        raise RuleViolation("the amount cannot be changed", errors)
    await store.add_versions([NewVersion(budget_id, amount, effective_from, actor.email)])
    await schedules.amount_changed(
        uow, actor, budget_ids=[budget_id], effective_from={budget_id: effective_from}
    )
    await uow.audit.record(
        AuditEntry(
            actor,
            "budget.version",
            "budget",
            str(budget_id),
            before={"annual_amount": str(record.annual_amount)},
            after={"annual_amount": str(amount), "effective_from": effective_from.isoformat()},
        )
    )
