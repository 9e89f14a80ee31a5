"""Month close use cases (SPEC section 8): read a period's close with what is missing to close it,
fill its checklist, close it (credits applied, allocation frozen, files written, period locked,
in one transaction) and reopen it. None of them commits: the edge does. The period list and the
files are read in `queries`."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from domain.allocation.service import current_rules
from domain.audit import Actor, AuditEntry
from domain.budgets.model import BudgetStatus
from domain.close.book import (
    BudgetInfo,
    PeriodFigures,
    book_to_json,
    budget_code,
    build_book,
)
from domain.close.files import FileBuilder
from domain.close.model import (
    MAX_INVOICE_NUMBERS,
    Checklist,
    CloseEvent,
    CloseState,
    EventKind,
    Readiness,
    StoredFile,
)
from domain.close.ports import ClosePeriodReader, CreditLedger, CsvEncoder
from domain.close.queries import checked_period, current_files, encode_file, may_read
from domain.errors import Conflict, ErrorDetail, Forbidden, RuleViolation
from domain.identity.roles import Permission, can
from domain.identity.users import User
from domain.ports import Clock, UnitOfWork
from domain.scope import ResolvedScope
from domain.spend.models import BillingPeriod
from domain.spend.ports import SpendUnitOfWork
from domain.spend_cards.periods import month_end

EVERYTHING = ResolvedScope(prefixes=None)


@dataclass(frozen=True)
class CloseSettings:
    """What the installation configures for closes."""

    default_business_unit: str | None
    currency: str


@dataclass(frozen=True)
class CloseDetail:
    state: CloseState
    readiness: Readiness
    history: tuple[CloseEvent, ...]
    files: tuple[StoredFile, ...]


def _may_close(user: User) -> None:
    if not can(user.role, Permission.CLOSE_PERIOD):
        raise Forbidden(f"your role ({user.role.value}) may not close a month")


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, email=user.email)


async def _billing_period(reader: ClosePeriodReader, period: str) -> BillingPeriod | None:
    return next((p for p in await reader.billing_periods() if p.period == period), None)


async def _state(
    uow: UnitOfWork, billed: BillingPeriod | None, period: str, unit: str | None = None
) -> CloseState:
    stored = await uow.closes.get(period)
    if stored is not None:
        return stored
    # never saved: the invoice numbers start as the CUR's invoice ids
    ids = billed.invoice_ids if billed is not None else ()
    closed = period in await uow.budgets.closed_periods()
    return CloseState(
        period, Checklist(invoice_numbers=tuple(ids), default_business_unit=unit or ""), 0, closed
    )


def _readiness(
    billed: BillingPeriod | None, state: CloseState, extra: Sequence[ErrorDetail] = ()
) -> Readiness:
    missing: list[ErrorDetail] = []
    if billed is None:
        missing.append(ErrorDetail("the CUR holds no data for this month", field="period"))
    elif not billed.finalized:
        missing.append(
            ErrorDetail(
                "the CUR does not show this month final yet (no invoice id)", field="period"
            )
        )
    listed = state.checklist.missing()
    missing.extend(listed)
    missing.extend(extra)
    return Readiness(
        finalized=billed is not None and billed.finalized,
        invoice_ids=billed.invoice_ids if billed is not None else (),
        checklist_complete=not listed,
        missing=tuple(missing),
    )


def _default_unit(checklist: Checklist, settings: CloseSettings) -> str | None:
    """The close's own default business unit, else the configured one."""
    return (
        checklist.default_business_unit.strip()
        or (settings.default_business_unit or "").strip()
        or None
    )


def _default_unit_missing(
    figures: PeriodFigures, checklist: Checklist, settings: CloseSettings
) -> list[ErrorDetail]:
    if _default_unit(checklist, settings):
        return []
    try:
        build_book(
            figures,
            checklist=Checklist(),
            budgets={},
            credits={},
            default_business_unit=None,
            currency=settings.currency,
        )
    except RuleViolation as exc:
        return list(exc.errors)
    return []


async def close_detail(
    uow: UnitOfWork,
    user: User,
    reader: ClosePeriodReader,
    settings: CloseSettings,
    *,
    period: str,
) -> CloseDetail:
    """The period's checklist, readiness (what is missing to close), history and files."""
    may_read(user)
    checked_period(period)
    billed = await _billing_period(reader, period)
    state = await _state(uow, billed, period, settings.default_business_unit)
    extra: list[ErrorDetail] = []
    if billed is not None and billed.finalized and not state.closed:
        rules, version = await current_rules(uow)
        figures = await reader.figures(period, rules, version)
        extra = _default_unit_missing(figures, state.checklist, settings)
    history = tuple(await uow.closes.history(period))
    return CloseDetail(state, _readiness(billed, state, extra), history, current_files(history))


def _clean(checklist: Checklist) -> Checklist:
    errors = []
    numbers = tuple(dict.fromkeys(n.strip() for n in checklist.invoice_numbers if n.strip()))
    if len(numbers) > MAX_INVOICE_NUMBERS:
        errors.append(
            ErrorDetail(f"at most {MAX_INVOICE_NUMBERS} invoice numbers", field="invoice_numbers")
        )
    if errors:
        raise RuleViolation("the checklist is invalid", errors)
    return Checklist(
        checklist.vendor.strip(),
        checklist.purchase_order.strip(),
        numbers,
        checklist.internal_memo.strip(),
        checklist.default_business_unit.strip(),
    )


async def save_checklist(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    *,
    period: str,
    checklist: Checklist,
    version: int,
) -> CloseState:
    """Store the checklist of an open period (compare-and-set on `version`)."""
    _may_close(user)
    checked_period(period)
    before = await uow.closes.get(period, lock=True)
    if period in await uow.budgets.closed_periods():
        raise Conflict(f"{period} is closed: an Admin must reopen it before it changes")
    cleaned = _clean(checklist)
    saved = await uow.closes.save_checklist(period, cleaned, version, user.email, clock.now())
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            "close.checklist",
            "close",
            period,
            before=_checklist_json(before.checklist, before.version) if before else None,
            after=_checklist_json(saved.checklist, saved.version),
        )
    )
    return saved


def _checklist_json(c: Checklist, version: int) -> dict[str, Any]:
    return {
        "vendor": c.vendor,
        "purchase_order": c.purchase_order,
        "invoice_numbers": list(c.invoice_numbers),
        "internal_memo": c.internal_memo,
        "default_business_unit": c.default_business_unit,
        "version": version,
    }


async def _budgets(
    uow: UnitOfWork, period: str, figures: PeriodFigures, credits: Mapping[int, Decimal]
) -> dict[int, BudgetInfo]:
    """The product budgets of the accrual file: those in force during the period, and any
    other holding spend or credits in it."""
    start = checked_period(period)
    end = month_end(start)
    holding = {b.budget_id for b in figures.budgets} | {b for b, a in credits.items() if a}
    found = {}
    for record in await uow.budgets.list_budgets(EVERYTHING, year=start.year):
        in_force = (
            record.status is BudgetStatus.ACTIVE or record.retired_from is not None
        ) and record.start_date <= end
        if record.retired_from is not None and record.retired_from <= start:
            in_force = False
        if in_force or record.id in holding:
            found[record.id] = BudgetInfo(record.id, record.path, budget_code(record.attributes))
    for budget_id in sorted(holding - set(found)):
        other = await uow.budgets.get_budget(EVERYTHING, budget_id)
        if other is not None:
            found[other.id] = BudgetInfo(other.id, other.path, budget_code(other.attributes))
    return found


async def close_period(
    uow: SpendUnitOfWork,
    clock: Clock,
    user: User,
    reader: ClosePeriodReader,
    ledger: CreditLedger,
    encode: CsvEncoder,
    settings: CloseSettings,
    *,
    period: str,
    builders: Sequence[FileBuilder],
    version: int | None = None,
) -> CloseDetail:
    """Close `period`: refused (422, every missing item listed) until the CUR shows it final
    and the checklist is complete; 409 when it is closed already. Applies the FinOps credits,
    freezes the close book, writes the files of `builders` (`domain.close.fpa.close_files`: the
    accounts-payable, accrual and FP&A files) and locks the period, all in this transaction."""
    _may_close(user)
    checked_period(period)
    stored = await uow.closes.get(period, lock=True)
    if period in await uow.budgets.closed_periods():
        raise Conflict(f"{period} is closed already")
    billed = await _billing_period(reader, period)
    state = stored or await _state(uow, billed, period)
    if version is not None and version != state.version:
        raise Conflict(
            f"the checklist changed (version {state.version}, you sent {version}): reload it"
        )
    readiness = _readiness(billed, state)
    if not readiness.ready:
        raise RuleViolation(f"{period} cannot close yet", list(readiness.missing))
    rules, rules_version = await current_rules(uow)
    figures = await reader.figures(period, rules, rules_version)
    missing_unit = _default_unit_missing(figures, state.checklist, settings)
    if missing_unit:
        raise RuleViolation(f"{period} cannot close yet", missing_unit)
    # credits first: the ledger refuses a closed period
    credits = dict(await ledger.apply(period))
    book = build_book(
        figures,
        checklist=state.checklist,
        budgets=await _budgets(uow, period, figures, credits),
        credits=credits,
        default_business_unit=_default_unit(state.checklist, settings),
        currency=settings.currency,
    )
    extras = {b.prefix: dict(await b.gather(uow, book)) for b in builders}
    book = replace(book, extras={k: v for k, v in extras.items() if v})
    now = clock.now()
    event_id = await uow.closes.add_event(
        period, EventKind.CLOSE, at=now, by=user.email, snapshot=book_to_json(book)
    )
    written = []
    for builder in builders:
        content, rows = encode_file(builder, book, encode)
        sha = hashlib.sha256(content).hexdigest()
        await uow.closes.add_file(event_id, period, builder.name(period), sha, rows, content)
        written.append({"name": builder.name(period), "sha256": sha, "rows": rows})
    await uow.closes.set_closed(period, user.email, now)
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            "close.close",
            "close",
            period,
            before={"closed": False},
            after={
                "closed": True,
                "close_id": event_id,
                "files": written,
                "credits_applied": {str(b): str(a) for b, a in sorted(credits.items()) if a},
                "rules_version": rules_version,
            },
        )
    )
    history = tuple(await uow.closes.history(period))
    closed = replace(state, closed=True)
    return CloseDetail(closed, _readiness(billed, closed), history, current_files(history))


async def reopen_period(
    uow: UnitOfWork, clock: Clock, user: User, *, period: str, reason: str
) -> CloseDetail:
    """Unlock a closed period (Admin only, with a reason); its files stay, superseded."""
    if not can(user.role, Permission.REOPEN_PERIOD):
        raise Forbidden("only an Admin may reopen a closed month")
    checked_period(period)
    if not reason.strip():
        raise RuleViolation(
            "a reason is required", [ErrorDetail("say why the month reopens", field="reason")]
        )
    stored = await uow.closes.get(period, lock=True)
    if period not in await uow.budgets.closed_periods():
        raise Conflict(f"{period} is not closed")
    now = clock.now()
    await uow.closes.supersede_files(period, now)
    await uow.closes.set_open(period)
    event_id = await uow.closes.add_event(
        period, EventKind.REOPEN, at=now, by=user.email, reason=reason.strip()
    )
    await uow.audit.record(
        AuditEntry(
            _actor(user),
            "close.reopen",
            "close",
            period,
            before={"closed": True},
            after={"closed": False, "reopen_id": event_id},
            details={"reason": reason.strip()},
        )
    )
    history = tuple(await uow.closes.history(period))
    state = stored or CloseState(period, Checklist(), 0, False)
    state = replace(state, closed=False)
    return CloseDetail(state, _readiness(None, state), history, ())
