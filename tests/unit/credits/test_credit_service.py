# ruff: noqa: ARG002  (the fakes implement the ports' signatures)
"""The credit services over in-memory fakes: who may record, closed months, edit only before
use, void, and the month's application written once and audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from domain.audit import Actor
from domain.credits.ledger import BudgetMonthSpend, DaySpend
from domain.credits.model import Credit, CreditChanges, CreditFields, CreditStatus, Program
from domain.credits.ports import CreditRecord, LedgerEntry
from domain.credits.service import (
    apply_credits,
    burn_months,
    create_credit,
    edit_credit,
    preview_credits,
    void_credit,
)
from domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from domain.identity.roles import Role
from domain.identity.users import User
from domain.scope import ResolvedScope

D = Decimal
NOW = datetime(2026, 12, 5, 9, tzinfo=UTC)
EVERYTHING = ResolvedScope.everything()


class FakeCredits:
    def __init__(self):
        self.credits: dict[int, Credit] = {}
        self.rows: list[LedgerEntry] = []

    def _fresh(self, c: Credit) -> Credit:
        mine = [r for r in self.rows if r.credit_id == c.id]
        return replace(c, applied=sum((r.amount for r in mine), D("0.00")), applications=len(mine))

    async def add(self, fields, created_by, at):
        credit = Credit(
            len(self.credits) + 1, fields, CreditStatus.ACTIVE, 1, D("0.00"), 0, created_by, at
        )
        self.credits[credit.id] = credit
        return credit

    async def records(self, scope, filters):
        found = [self._fresh(c) for c in self.credits.values()]
        if filters.credit_id is not None:
            found = [c for c in found if c.id == filters.credit_id]
        if scope.prefixes is not None:
            found = [c for c in found if c.budget_id in OWNED]
        return [CreditRecord(c, ("Retail", f"B{c.budget_id}")) for c in found]

    async def _swap(self, credit_id, expected, **changes):
        credit = self.credits[credit_id]
        if credit.version != expected:
            raise Conflict("stale")
        self.credits[credit_id] = replace(credit, version=credit.version + 1, **changes)
        return self._fresh(self.credits[credit_id])

    async def save(self, credit_id, expected_version, fields):
        return await self._swap(credit_id, expected_version, fields=fields)

    async def void(self, credit_id, expected_version, reason, by, at):
        return await self._swap(
            credit_id, expected_version, status=CreditStatus.VOID, void_reason=reason
        )

    async def ledger(self, credit_ids):
        return [r for r in self.rows if r.credit_id in set(credit_ids)]

    async def valid_between(self, first, last, budget_ids=None):
        period = f"{first:%Y-%m}"
        applied = {r.credit_id for r in self.rows if r.period == period}
        out = []
        for c in map(self._fresh, self.credits.values()):
            valid = (
                c.status is CreditStatus.ACTIVE
                and c.fields.start_date <= last
                and c.fields.expires_on >= first
            )
            if (valid or c.id in applied) and (budget_ids is None or c.budget_id in budget_ids):
                out.append(c)
        return out

    async def applications_in(self, period):
        return {r.credit_id: r.amount for r in self.rows if r.period == period}

    async def add_applications(self, applications, by, at):
        for a in applications:
            assert (a.credit_id, a.period) not in {(r.credit_id, r.period) for r in self.rows}
            self.rows.append(
                LedgerEntry(
                    len(self.rows) + 1,
                    a.credit_id,
                    a.budget_id,
                    a.period,
                    a.amount,
                    a.balance_after,
                    at,
                    by,
                )
            )

    async def applied(self, period):
        out: dict[int, Decimal] = {}
        for r in self.rows:
            if r.period == period:
                out[r.budget_id] = out.get(r.budget_id, D(0)) + r.amount
        return out


OWNED = {7}


class FakeBudgets:
    def __init__(self):
        self.closed: set[str] = set()

    async def closed_periods(self):
        return self.closed


class FakeAllocation:
    async def budget_in(self, scope, budget_id):
        if budget_id not in {7, 8} or (scope.prefixes is not None and budget_id not in OWNED):
            return None
        return object()


class FakeAudit:
    def __init__(self):
        self.entries = []

    async def record(self, entry):
        self.entries.append(entry)


class FakeUow:
    def __init__(self):
        self.credits = FakeCredits()
        self.budgets = FakeBudgets()
        self.allocation = FakeAllocation()
        self.audit = FakeAudit()


class FakeSpend:
    """October 2026: Budget 7 spends 10.00 a day (310.00)."""

    def __init__(self):
        self.reads = 0

    async def month_spend(self, budget_ids, period):
        self.reads += 1
        if period != "2026-10":
            return {}
        days = tuple(DaySpend(date(2026, 10, d), D("10.00")) for d in range(1, 32))
        return {7: BudgetMonthSpend(7, days)}

    async def periods(self):
        return frozenset({"2026-10"})


def user(role=Role.FINANCIAL_ADMIN):
    return User(1, "fin@x.test", "Fin", role, True, NOW)


def fields(**over):
    base = CreditFields(
        7, Program.MAP, D("100.00"), date(2026, 10, 1), date(2027, 3, 31), "R-1", ""
    )
    return replace(base, **over)


@pytest.fixture
def uow():
    return FakeUow()


@pytest.fixture
def clock():
    return FixedClock(NOW)


class TestRecording:
    async def test_finance_records_and_it_is_audited(self, uow, clock):
        record, ledger = await create_credit(uow, clock, user(), EVERYTHING, fields=fields())
        assert (record.credit.balance, ledger) == (D("100.00"), [])
        assert [e.action for e in uow.audit.entries] == ["credit.create"]

    @pytest.mark.parametrize(
        "role", [Role.PRODUCT_OWNER, Role.PORTFOLIO_OWNER, Role.CLOUD_ENGINEER]
    )
    async def test_other_roles_may_not(self, uow, clock, role):
        with pytest.raises(Forbidden):
            await create_credit(uow, clock, user(role), EVERYTHING, fields=fields())
        assert uow.credits.credits == {}

    async def test_a_budget_outside_the_scope_is_named(self, uow, clock):
        scoped = ResolvedScope(prefixes=("/1/",))
        with pytest.raises(RuleViolation) as caught:
            await create_credit(uow, clock, user(), scoped, fields=fields(budget_id=8))
        assert caught.value.errors[0].field == "budget_id"

    async def test_closed_months_are_refused(self, uow, clock):
        uow.budgets.closed = {"2026-11"}
        with pytest.raises(RuleViolation) as caught:
            await create_credit(uow, clock, user(), EVERYTHING, fields=fields())
        assert "2026-11" in caught.value.errors[0].message
        await create_credit(
            uow, clock, user(), EVERYTHING, fields=fields(start_date=date(2026, 12, 1))
        )


class TestLifecycle:
    async def test_edit_before_use_then_409_after_apply(self, uow, clock):
        record, _ = await create_credit(uow, clock, user(), EVERYTHING, fields=fields())
        edited, _ = await edit_credit(
            uow,
            clock,
            user(),
            EVERYTHING,
            credit_id=record.credit.id,
            changes=CreditChanges(amount=D("50.00")),
            version=1,
        )
        assert edited.credit.fields.amount == D("50.00")
        await apply_credits(uow, clock, Actor.system(), FakeSpend(), period="2026-10")
        with pytest.raises(Conflict):
            await edit_credit(
                uow,
                clock,
                user(),
                EVERYTHING,
                credit_id=record.credit.id,
                changes=CreditChanges(reference="x"),
                version=2,
            )

    async def test_void_keeps_the_ledger_and_stops_applying(self, uow, clock):
        record, _ = await create_credit(
            uow, clock, user(), EVERYTHING, fields=fields(amount=D("1000.00"))
        )
        await apply_credits(uow, clock, Actor.system(), FakeSpend(), period="2026-10")
        voided, ledger = await void_credit(
            uow,
            clock,
            user(),
            EVERYTHING,
            credit_id=record.credit.id,
            reason="wrong budget",
            version=1,
        )
        assert voided.credit.status is CreditStatus.VOID
        assert [e.amount for e in ledger] == [D("310.00")]
        assert uow.audit.entries[-1].details["balance_forfeited"] == "690.00"
        with pytest.raises(Conflict):
            await void_credit(
                uow,
                clock,
                user(),
                EVERYTHING,
                credit_id=record.credit.id,
                reason="again",
                version=2,
            )

    async def test_out_of_scope_credits_are_not_found(self, uow, clock):
        record, _ = await create_credit(uow, clock, user(), EVERYTHING, fields=fields(budget_id=8))
        with pytest.raises(NotFound):
            await void_credit(
                uow,
                clock,
                user(),
                ResolvedScope(prefixes=("/1/",)),
                credit_id=record.credit.id,
                reason="nope",
                version=1,
            )


class TestApplication:
    async def test_applied_once_per_month_and_read_per_budget(self, uow, clock):
        await create_credit(
            uow,
            clock,
            user(),
            EVERYTHING,
            fields=fields(amount=D("100.00"), expires_on=date(2026, 10, 31)),
        )
        await create_credit(uow, clock, user(), EVERYTHING, fields=fields(amount=D("1000.00")))
        first = await apply_credits(uow, clock, Actor.system(), FakeSpend(), period="2026-10")
        assert [(a.credit_id, a.amount) for a in first] == [(1, D("100.00")), (2, D("210.00"))]
        assert await apply_credits(uow, clock, Actor.system(), FakeSpend(), period="2026-10") == []
        assert await uow.credits.applied("2026-10") == {7: D("310.00")}
        assert [e.action for e in uow.audit.entries].count("credit.apply") == 1

    async def test_the_preview_writes_nothing_then_shows_what_was_applied(self, uow, clock):
        await create_credit(uow, clock, user(), EVERYTHING, fields=fields())
        before = await preview_credits(uow, EVERYTHING, FakeSpend(), period="2026-10")
        assert uow.credits.rows == []
        assert [(p.budget_id, p.spend, p.applied) for p in before] == [
            (7, D("310.00"), D("100.00"))
        ]
        await apply_credits(uow, clock, Actor.system(), FakeSpend(), period="2026-10")
        after = await preview_credits(uow, EVERYTHING, FakeSpend(), period="2026-10")
        assert [line.outcome.already for line in after[0].lines] == [True]

    async def test_a_month_not_over_or_closed_is_refused(self, uow, clock):
        with pytest.raises(RuleViolation):
            await apply_credits(uow, clock, Actor.system(), FakeSpend(), period="2026-12")
        uow.budgets.closed = {"2026-10"}
        with pytest.raises(Conflict):
            await apply_credits(uow, clock, Actor.system(), FakeSpend(), period="2026-10")

    def test_the_burn_months_are_the_last_three_full_months_the_cur_holds(self):
        held = frozenset({"2026-08", "2026-10", "2026-11", "2026-12"})
        assert burn_months(date(2026, 12, 5), held) == ["2026-10", "2026-11"]
        assert burn_months(date(2027, 1, 1), frozenset({"2026-12"})) == ["2026-12"]
