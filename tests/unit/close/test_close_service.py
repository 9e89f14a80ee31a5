"""The close use cases on in-memory fakes: the credit ledger's amounts reach the accrual file,
the ledger runs before the period is locked, and a refused close writes nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from adapters.files.csv_codec import csv_bytes
from domain.budgets.model import BudgetStatus
from domain.budgets.records import BudgetRecord
from domain.close import queries, service
from domain.close.book import AccountShare, BudgetShare, InvoiceAmount, PeriodFigures
from domain.close.files import CLOSE_FILES
from domain.close.model import Checklist, CloseEvent, CloseState, EventKind, StoredFile
from domain.close.service import CloseSettings
from domain.errors import Conflict, Forbidden, RuleViolation
from domain.identity.roles import Role
from domain.identity.users import User
from domain.spend.models import BillingPeriod

D = Decimal
CLOCK = FixedClock.on(date(2026, 11, 3))
SETTINGS = CloseSettings(default_business_unit="Shared IT", currency="USD")
FULL = Checklist("AWS", "PO-1", ("INV-1",), "memo")


def user(role: Role) -> User:
    return User(7, "f@corp.com", "F", role, True, datetime.now(UTC))


def budget(budget_id: int, path: tuple[str, str, str, str], code: str) -> BudgetRecord:
    return BudgetRecord(
        budget_id,
        2026,
        budget_id * 10,
        path,
        (1, 2, 3, budget_id * 10),
        BudgetStatus.ACTIVE,
        date(2026, 1, 1),
        None,
        D("1200"),
        {"Budget Code": code},
    )


class FakeReader:
    def __init__(self, *, final: bool = True) -> None:
        self.final = final

    async def billing_periods(self):
        return [
            BillingPeriod(
                "2026-10",
                self.final,
                ("INV-1",) if self.final else (),
                10,
                D("150"),
                datetime.now(UTC),
                "USD",
                "cur2",
            )
        ]

    async def figures(self, period, rules, rules_version):  # noqa: ARG002
        return PeriodFigures(
            period,
            (InvoiceAmount("INV-1", "A", "USD", D("150")),),
            (AccountShare("A", 1, D("100")), AccountShare("A", 2, D("50"))),
            (BudgetShare(1, D("100"), D("0")), BudgetShare(2, D("50"), D("0"))),
        )


class FakeLedger:
    def __init__(self, uow) -> None:
        self.uow = uow
        self.calls: list[tuple[str, bool]] = []

    async def apply(self, period):
        # the ledger refuses a closed period: it must run before the lock
        self.calls.append((period, period in self.uow.closed))
        return {1: D("30.00")}


class FakeCloses:
    def __init__(self, uow) -> None:
        self.uow = uow
        self.state: CloseState | None = None
        self.events: list[CloseEvent] = []
        self.snapshots: dict[int, dict] = {}
        self.contents: dict[tuple[int, str], bytes] = {}

    async def get(self, period, *, lock=False):  # noqa: ARG002
        return self.state and replace(self.state, closed=period in self.uow.closed)

    async def states(self):
        return [self.state] if self.state else []

    async def save_checklist(self, period, checklist, expected_version, by, at):
        current = self.state.version if self.state else 0
        if current != expected_version:
            raise Conflict("stale")
        self.state = CloseState(period, checklist, current + 1, False, at, by)
        return self.state

    async def set_closed(self, period, by, at):  # noqa: ARG002
        self.uow.closed.add(period)

    async def set_open(self, period):
        self.uow.closed.discard(period)

    async def add_event(self, period, kind, *, at, by, reason=None, snapshot=None):
        event = CloseEvent(len(self.events) + 1, period, kind, at, by, reason)
        self.events.append(event)
        if snapshot is not None:
            self.snapshots[event.id] = snapshot
        return event.id

    async def add_file(self, event_id, period, name, sha256, rows, content):  # noqa: ARG002
        e = self.events[event_id - 1]
        self.events[event_id - 1] = replace(
            e, files=(*e.files, StoredFile(name, sha256, rows, False))
        )
        self.contents[event_id, name] = content

    async def supersede_files(self, period, at):  # noqa: ARG002
        self.events = [
            replace(e, files=tuple(replace(f, superseded=True) for f in e.files))
            for e in self.events
        ]

    async def history(self, period):  # noqa: ARG002
        return list(self.events)

    async def file(self, period, name, event_id=None):  # noqa: ARG002
        for e in reversed(self.events):
            if (event_id is None or e.id == event_id) and (e.id, name) in self.contents:
                f = next(f for f in e.files if f.name == name)
                return e, f, self.contents[e.id, name]
        return None

    async def snapshot(self, event_id):
        return self.snapshots.get(event_id)


class FakeBudgets:
    def __init__(self, uow) -> None:
        self.uow = uow
        self.records = [
            budget(1, ("Retail", "Digital", "Web", "Checkout"), "RT-1"),
            budget(2, ("Corporate", "Finance", "ERP", "Ledger"), "CO-1"),
        ]

    async def closed_periods(self):
        return set(self.uow.closed)

    async def list_budgets(self, scope, *, year=None, status=None):  # noqa: ARG002
        return list(self.records)

    async def get_budget(self, scope, budget_id):  # noqa: ARG002
        return next((b for b in self.records if b.id == budget_id), None)


class FakeAllocation:
    async def rules_version(self):
        return 1

    async def all_claims(self):
        return []

    async def all_splits(self):
        return []

    async def budget_refs(self, ids):  # noqa: ARG002
        return {}


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list = []

    async def record(self, entry):
        self.entries.append(entry)


class FakeDiscounts:
    """No negotiated discount configured."""

    async def list_all(self) -> list[object]:
        return []


class FakeUow:
    def __init__(self) -> None:
        self.discounts = FakeDiscounts()
        self.closed: set[str] = set()
        self.closes = FakeCloses(self)
        self.budgets = FakeBudgets(self)
        self.allocation = FakeAllocation()
        self.audit = FakeAudit()


async def close(uow, *, role=Role.FINANCIAL_ADMIN, reader=None, ledger=None):
    return await service.close_period(
        uow,
        CLOCK,
        user(role),
        reader or FakeReader(),
        ledger or FakeLedger(uow),
        csv_bytes,
        SETTINGS,
        period="2026-10",
        builders=CLOSE_FILES,
    )


async def filled() -> FakeUow:
    uow = FakeUow()
    await service.save_checklist(
        uow, CLOCK, user(Role.VENDOR_MANAGER), period="2026-10", checklist=FULL, version=0
    )
    return uow


class TestClose:
    async def test_credits_are_applied_before_the_lock_and_reduce_the_accrual(self):
        uow = await filled()
        ledger = FakeLedger(uow)
        detail = await close(uow, ledger=ledger)
        assert ledger.calls == [("2026-10", False)]
        assert uow.closed == {"2026-10"}
        assert detail.state.closed
        found = await queries.file_content(
            uow, user(Role.ADMIN), csv_bytes, period="2026-10", name="accruals-2026-10.csv"
        )
        rows = list(csv.DictReader(io.StringIO(found.content.decode())))
        assert [
            (r["product"], r["allocated_spend"], r["credits_applied"], r["amount"]) for r in rows
        ] == [
            ("Ledger", "50.00", "0.00", "50.00"),
            ("Checkout", "100.00", "30.00", "70.00"),
        ]
        assert uow.audit.entries[-1].action == "close.close"
        assert uow.audit.entries[-1].after["credits_applied"] == {"1": "30.00"}

    async def test_a_refused_close_applies_no_credit_and_writes_nothing(self):
        uow = FakeUow()
        ledger = FakeLedger(uow)
        with pytest.raises(RuleViolation) as exc:
            await close(uow, ledger=ledger)
        assert {e.field for e in exc.value.errors} == {"vendor", "purchase_order", "internal_memo"}
        assert ledger.calls == []
        assert uow.closes.events == []
        assert uow.closed == set()

    async def test_a_month_not_final_is_refused(self):
        uow = await filled()
        with pytest.raises(RuleViolation, match="cannot close"):
            await close(uow, reader=FakeReader(final=False))

    async def test_closing_twice_conflicts(self):
        uow = await filled()
        await close(uow)
        with pytest.raises(Conflict):
            await close(uow)

    async def test_an_owner_cannot_close(self):
        uow = await filled()
        with pytest.raises(Forbidden):
            await close(uow, role=Role.PRODUCT_OWNER)


class TestReopen:
    async def test_admin_only_and_the_files_are_superseded(self):
        uow = await filled()
        await close(uow)
        with pytest.raises(Forbidden):
            await service.reopen_period(
                uow, CLOCK, user(Role.FINANCIAL_ADMIN), period="2026-10", reason="x"
            )
        detail = await service.reopen_period(
            uow, CLOCK, user(Role.ADMIN), period="2026-10", reason="late credit"
        )
        assert uow.closed == set()
        assert [e.kind for e in detail.history] == [EventKind.CLOSE, EventKind.REOPEN]
        assert all(f.superseded for f in detail.history[0].files)
        assert detail.files == ()
