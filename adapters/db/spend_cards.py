"""Spend cards in the database: the `SpendCardStore` port. Cards are rows with their headline
figures as NUMERIC(18,2) columns and the rest of their content (all figures, the why, the
corrections carried, the decisions) as JSON, encoded here from the domain objects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from adapters.clock import utc_now
from adapters.db.models import (
    BudgetRow,
    JobLockRow,
    NodeRow,
    ScheduleMonthRow,
    ScheduleRow,
    SpendCardNoteRow,
    SpendCardRow,
    UserRow,
    UserScopeRow,
)
from adapters.db.repository import Repository
from adapters.db.scope import apply_scope
from domain.errors import Conflict, ErrorDetail
from domain.identity.roles import Role
from domain.schedules.machine import ScheduleStatus
from domain.schedules.months import MonthAmount
from domain.scope import ResolvedScope
from domain.spend_cards.explain import CardWhy, Mover, MoverKind, NewResource
from domain.spend_cards.figures import CardFigures, Colour
from domain.spend_cards.generation import CardNote, CardRefresh, NewCard, ScheduledBudget
from domain.spend_cards.machine import CardAction, CardStatus
from domain.spend_cards.model import CardContent, CardDecision, CardKey, Correction, SpendCard
from domain.spend_cards.periods import month_end
from domain.spend_cards.queries import CardFilter, CardRecord, Person

Owners = tuple[tuple[Person, ...], tuple[Person, ...]]


def _stale(current: int, given: int) -> Conflict:
    return Conflict(
        f"the spend card changed meanwhile (version {current}, you sent {given}); reload it",
        [ErrorDetail(message=f"the card is at version {current}", field="version")],
    )


# --- JSON codec ------------------------------------------------------------------------------
def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _figures_json(f: CardFigures) -> dict[str, Any]:
    return {
        "actual": str(f.actual),
        "budget": str(f.budget),
        "variance": str(f.variance),
        "variance_ratio": _dec(f.variance_ratio),
        "colour": f.colour.value,
        "month_scheduled": str(f.month_scheduled),
        "month_to_date": str(f.month_to_date),
        "month_to_date_budget": str(f.month_to_date_budget),
        "forecast": str(f.forecast),
        "forecast_variance": str(f.forecast_variance),
    }


def _figures(raw: dict[str, Any]) -> CardFigures:
    return CardFigures(
        actual=Decimal(raw["actual"]),
        budget=Decimal(raw["budget"]),
        variance=Decimal(raw["variance"]),
        variance_ratio=_undec(raw["variance_ratio"]),
        colour=Colour(raw["colour"]),
        month_scheduled=Decimal(raw["month_scheduled"]),
        month_to_date=Decimal(raw["month_to_date"]),
        month_to_date_budget=Decimal(raw["month_to_date_budget"]),
        forecast=Decimal(raw["forecast"]),
        forecast_variance=Decimal(raw["forecast_variance"]),
    )


def _mover_json(m: Mover) -> dict[str, Any]:
    return {
        "kind": m.kind.value,
        "name": m.name,
        "current": str(m.current),
        "previous": str(m.previous),
        "change": str(m.change),
        "share_of_budget": _dec(m.share_of_budget),
    }


def _mover(raw: dict[str, Any]) -> Mover:
    return Mover(
        MoverKind(raw["kind"]),
        raw["name"],
        Decimal(raw["current"]),
        Decimal(raw["previous"]),
        Decimal(raw["change"]),
        _undec(raw["share_of_budget"]),
    )


def _why_json(w: CardWhy) -> dict[str, Any]:
    return {
        "against_previous": [_mover_json(m) for m in w.against_previous],
        "against_budget": [_mover_json(m) for m in w.against_budget],
        "new_resources": [
            {"name": r.name, "first_seen": r.first_seen.isoformat(), "current": str(r.current)}
            for r in w.new_resources
        ],
        "new_resource_count": w.new_resource_count,
    }


def _why(raw: dict[str, Any]) -> CardWhy:
    return CardWhy(
        against_previous=tuple(_mover(m) for m in raw["against_previous"]),
        against_budget=tuple(_mover(m) for m in raw["against_budget"]),
        new_resources=tuple(
            NewResource(r["name"], date.fromisoformat(r["first_seen"]), Decimal(r["current"]))
            for r in raw["new_resources"]
        ),
        new_resource_count=int(raw["new_resource_count"]),
    )


def _corrections_json(cs: Sequence[Correction]) -> list[dict[str, str]]:
    return [
        {
            "period_start": c.period_start.isoformat(),
            "period_end": c.period_end.isoformat(),
            "was": str(c.was),
            "now": str(c.now),
        }
        for c in cs
    ]


def _corrections(raw: list[dict[str, str]]) -> tuple[Correction, ...]:
    return tuple(
        Correction(
            date.fromisoformat(c["period_start"]),
            date.fromisoformat(c["period_end"]),
            Decimal(c["was"]),
            Decimal(c["now"]),
        )
        for c in raw
    )


def _decisions_json(ds: Sequence[CardDecision]) -> list[dict[str, Any]]:
    return [
        {"action": d.action.value, "by": d.by, "at": d.at.isoformat(), "comment": d.comment}
        for d in ds
    ]


def _decisions(raw: list[dict[str, Any]]) -> tuple[CardDecision, ...]:
    return tuple(
        CardDecision(
            CardAction(d["action"]), int(d["by"]), datetime.fromisoformat(d["at"]), d["comment"]
        )
        for d in raw
    )


def _content_values(content: CardContent) -> dict[str, Any]:
    f = content.figures
    return {
        "actual": f.actual,
        "budget": f.budget,
        "variance": f.variance,
        "colour": f.colour.value,
        "figures": _figures_json(f),
        "explanation": _why_json(content.why),
        "corrections": _corrections_json(content.corrections),
    }


def _card(row: SpendCardRow, notes: Sequence[str] = ()) -> SpendCard:
    return SpendCard(
        id=row.id,
        budget_id=row.budget_id,
        period_start=row.period_start,
        period_end=row.period_end,
        status=CardStatus(row.status),
        content=CardContent(
            figures=_figures(row.figures),
            why=_why(row.explanation),
            corrections=_corrections(row.corrections),
        ),
        version=row.version,
        responded_by=row.responded_by_id,
        decisions=_decisions(row.decisions),
        notes=tuple(notes),
    )


def _ids_of(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


class SpendCardRepository(Repository[SpendCardRow]):
    model = SpendCardRow

    async def _notes(self, card_ids: Iterable[int]) -> dict[int, list[str]]:
        wanted = sorted(set(card_ids))
        out: dict[int, list[str]] = defaultdict(list)
        for start in range(0, len(wanted), 1000):
            rows = await self.session.execute(
                select(SpendCardNoteRow.card_id, SpendCardNoteRow.text)
                .where(SpendCardNoteRow.card_id.in_(wanted[start : start + 1000]))
                .order_by(SpendCardNoteRow.id)
            )
            for card_id, text in rows:
                out[card_id].append(text)
        return out

    async def _cards(self, rows: Sequence[SpendCardRow]) -> list[SpendCard]:
        notes = await self._notes(r.id for r in rows)
        return [_card(r, notes.get(r.id, ())) for r in rows]

    async def get(self, card_id: int) -> SpendCard | None:
        row = await self.session.get(SpendCardRow, card_id, populate_existing=True)
        return None if row is None else (await self._cards([row]))[0]

    async def cards_for(self, keys: Sequence[CardKey]) -> list[SpendCard]:
        wanted = sorted(set(keys))
        rows: list[SpendCardRow] = []
        for start in range(0, len(wanted), 500):
            chunk = [(k.budget_id, k.period_end) for k in wanted[start : start + 500]]
            found = await self.session.scalars(
                select(SpendCardRow)
                .where(tuple_(SpendCardRow.budget_id, SpendCardRow.period_end).in_(chunk))
                .execution_options(populate_existing=True)
            )
            rows += found.all()
        return await self._cards(rows)

    async def approved_budgets(self, months: Sequence[str]) -> list[ScheduledBudget]:
        if not months:
            return []
        rows = await self.session.execute(
            select(
                ScheduleRow.budget_id,
                ScheduleRow.decided_at,
                ScheduleMonthRow.month,
                ScheduleMonthRow.amount,
            )
            .join(ScheduleMonthRow, ScheduleMonthRow.budget_id == ScheduleRow.budget_id)
            .where(
                ScheduleRow.status == ScheduleStatus.APPROVED.value,
                ScheduleMonthRow.month.in_(list(months)),
                ScheduleMonthRow.amount.is_not(None),
            )
            .order_by(ScheduleRow.budget_id, ScheduleMonthRow.month)
        )
        approved: dict[int, date] = {}
        amounts: dict[int, list[MonthAmount]] = defaultdict(list)
        for budget_id, decided_at, month, amount in rows:
            approved[budget_id] = decided_at.date() if decided_at else date.min
            amounts[budget_id].append(MonthAmount(month, Decimal(amount)))
        return [ScheduledBudget(b, approved[b], tuple(amounts[b])) for b in sorted(approved)]

    async def add(self, card: NewCard) -> SpendCard:
        row = SpendCardRow(
            budget_id=card.budget_id,
            period_start=card.period_start,
            period_end=card.period_end,
            status=CardStatus.OPEN.value,
            version=1,
            decisions=[],
            **_content_values(card.content),
        )
        self.session.add(row)
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError:
            # the unique (budget, period end) key: a run that did not hold the job lock
            raise Conflict(
                f"the spend card of budget {card.budget_id} for {card.period_end} already exists"
            ) from None
        return _card(row)

    async def _swap(self, card_id: int, expected: int, values: dict[str, Any]) -> SpendCard:
        result = await self.session.execute(
            update(SpendCardRow)
            .where(SpendCardRow.id == card_id, SpendCardRow.version == expected)
            .values(version=expected + 1, updated_at=utc_now(), **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            current = await self.session.scalar(
                select(SpendCardRow.version).where(SpendCardRow.id == card_id)
            )
            raise _stale(int(current or 0), expected)
        card = await self.get(card_id)
        assert card is not None
        return card

    async def refresh(self, change: CardRefresh) -> SpendCard:
        return await self._swap(
            change.card_id,
            change.expected_version,
            {"status": CardStatus.OPEN.value, **_content_values(change.content)},
        )

    async def add_note(self, note: CardNote) -> None:
        self.session.add(SpendCardNoteRow(card_id=note.card_id, text=note.text[:1000]))
        await self.session.flush()

    async def save_decision(self, card: SpendCard, expected_version: int) -> SpendCard:
        last = card.decisions[-1] if card.decisions else None
        values: dict[str, Any] = {
            "status": card.status.value,
            "responded_by_id": card.responded_by,
            "decisions": _decisions_json(card.decisions),
        }
        if last is not None and last.action in (CardAction.ACCEPT, CardAction.DISPUTE):
            values["responded_at"] = last.at
        elif last is not None:
            values |= {"decided_by_id": last.by, "decided_at": last.at}
        return await self._swap(card.id, expected_version, values)

    async def lock_job(self, name: str, at: datetime) -> None:
        if self.session.get_bind().dialect.name == "postgresql":
            row = await self.session.scalar(
                select(JobLockRow).where(JobLockRow.name == name).with_for_update()
            )
            if row is None:  # a job without a seeded row: create it (the insert locks it)
                self.session.add(JobLockRow(name=name, last_run_at=at))
                await self.session.flush()
                return
        # SQLite: the transaction already holds the single write lock (BEGIN IMMEDIATE)
        result = await self.session.execute(
            update(JobLockRow).where(JobLockRow.name == name).values(last_run_at=at)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            self.session.add(JobLockRow(name=name, last_run_at=at))
            await self.session.flush()

    async def owners(self, budget_ids: Iterable[int]) -> dict[int, Owners]:
        wanted = sorted(set(budget_ids))
        if not wanted:
            return {}
        rows = await self.session.execute(
            select(BudgetRow.id, NodeRow.path)
            .join(NodeRow, NodeRow.id == BudgetRow.node_id)
            .where(BudgetRow.id.in_(wanted))
        )
        paths = {b: _ids_of(p) for b, p in rows}
        return await self._owners_by_path(paths)

    async def _owners_by_path(self, paths: dict[int, list[int]]) -> dict[int, Owners]:
        nodes = {n for ids in paths.values() for n in ids}
        people: dict[int, dict[str, list[Person]]] = defaultdict(lambda: defaultdict(list))
        if nodes:
            rows = await self.session.execute(
                select(UserScopeRow.node_id, UserRow.id, UserRow.name, UserRow.email, UserRow.role)
                .join(UserRow, UserRow.id == UserScopeRow.user_id)
                .where(UserScopeRow.node_id.in_(sorted(nodes)), UserRow.is_active)
                .order_by(UserRow.id)
            )
            for node_id, user_id, name, email, role in rows:
                people[node_id][role].append(Person(user_id, name, email))
        out: dict[int, Owners] = {}
        for budget_id, ids in paths.items():
            product = people[ids[-1]][Role.PRODUCT_OWNER.value] if ids else []
            portfolio = people[ids[-2]][Role.PORTFOLIO_OWNER.value] if len(ids) > 1 else []
            out[budget_id] = (tuple(product), tuple(portfolio))
        return out

    async def escalation(self, *, excluding: Collection[int] = ()) -> tuple[Person, ...]:
        for role in (Role.FINANCIAL_ADMIN, Role.ADMIN):
            rows = await self.session.execute(
                select(UserRow.id, UserRow.name, UserRow.email)
                .where(UserRow.role == role.value, UserRow.is_active)
                .order_by(UserRow.id)
            )
            found = tuple(Person(*row) for row in rows if row[0] not in excluding)
            if found:
                return found
        return ()

    async def records(self, scope: ResolvedScope, filters: CardFilter) -> list[CardRecord]:
        base: Any = (
            select(SpendCardRow, NodeRow.path)
            .join(BudgetRow, BudgetRow.id == SpendCardRow.budget_id)
            .join(NodeRow, NodeRow.id == BudgetRow.node_id)
            .execution_options(populate_existing=True)
        )
        stmt: Select[Any] = apply_scope(base, scope, NodeRow.path)
        if filters.card_id is not None:
            stmt = stmt.where(SpendCardRow.id == filters.card_id)
        if filters.budget_id is not None:
            stmt = stmt.where(SpendCardRow.budget_id == filters.budget_id)
        if filters.status is not None:
            stmt = stmt.where(SpendCardRow.status == filters.status.value)
        if filters.period is not None:
            first = date.fromisoformat(f"{filters.period}-01")
            stmt = stmt.where(SpendCardRow.period_end.between(first, month_end(first)))
        rows: list[tuple[SpendCardRow, str]] = [
            (row, path)
            for row, path in await self.session.execute(
                stmt.order_by(SpendCardRow.period_end.desc(), NodeRow.path, SpendCardRow.id)
            )
        ]
        cards = await self._cards([r for r, _ in rows])
        paths = {r.budget_id: _ids_of(p) for r, p in rows}
        names: dict[int, str] = {}
        node_ids = sorted({n for ids in paths.values() for n in ids})
        for start in range(0, len(node_ids), 1000):
            found = await self.session.execute(
                select(NodeRow.id, NodeRow.name).where(
                    NodeRow.id.in_(node_ids[start : start + 1000])
                )
            )
            names.update(dict(found.all()))
        owners = await self._owners_by_path(paths)
        out = [
            CardRecord(
                card,
                tuple(names.get(n, "?") for n in paths[card.budget_id]),
                *owners.get(card.budget_id, ((), ())),
            )
            for card in cards
        ]
        # segregation of duties: a card no Portfolio Owner but its responder may decide goes up
        ladder: dict[int, tuple[Person, ...]] = {}
        for i, r in enumerate(out):
            if not r.deciders:
                responder = r.card.responded_by or 0
                if responder not in ladder:
                    ladder[responder] = await self.escalation(excluding={responder})
                out[i] = replace(r, escalated=ladder[responder])
        return out
