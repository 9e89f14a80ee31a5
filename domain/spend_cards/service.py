"""Spend card use cases: generate the cards that are due, and decide one (SPEC section 5).

Both take the unit of work and the clock and never commit: the edge (request, CLI command,
scheduler job) does. Generation takes the job lock first, so two runs (two servers, the
scheduler and a cron `finops cards generate`) create each card once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from domain.audit import Actor, AuditEntry
from domain.errors import NotFound
from domain.identity.users import User
from domain.periods import period_key
from domain.ports import Clock, UnitOfWork
from domain.scope import ResolvedScope
from domain.spend_cards.content import BudgetSpend, card_content
from domain.spend_cards.figures import DEFAULT_BANDS, ZERO, ColourBands
from domain.spend_cards.generation import GenerationPlan, plan_generation, wanted_cards
from domain.spend_cards.machine import CardAction, Side
from domain.spend_cards.model import CardContent, CardKey, decide
from domain.spend_cards.periods import (
    CardPeriod,
    due_periods,
    month_start,
    previous_month,
    previous_period,
)
from domain.spend_cards.ports import CardSpendReader
from domain.spend_cards.queries import CardFilter, CardRecord, who_on

GENERATION_JOB = "spend_cards.generate"


@dataclass(frozen=True)
class GenerationResult:
    as_of: date
    created: int
    refreshed: int
    noted: int
    unchanged: int


async def generate_cards(
    uow: UnitOfWork,
    clock: Clock,
    spend_reader: CardSpendReader,
    *,
    as_of: date | None = None,
    bands: ColourBands = DEFAULT_BANDS,
) -> GenerationResult:
    """Create the cards due on `as_of` (default: today), refresh Open cards whose figures
    changed, and note late corrections on decided ones. Idempotent."""
    day = as_of or clock.today()
    await uow.spend_cards.lock_job(GENERATION_JOB, clock.now())
    months = [period_key(previous_month(day)), period_key(month_start(day))]
    finalized = await spend_reader.finalized_months(months)
    due = due_periods(day, finalized)
    budgets = await uow.spend_cards.approved_budgets(sorted({p.month for p in due}))
    wanted = wanted_cards(due, budgets)
    fresh: dict[CardKey, CardContent] = {}
    reads: dict[tuple[date, date], dict[int, BudgetSpend]] = {}
    budget_ids = sorted({s.budget_id for s in wanted})

    async def spend(start: date, end: date) -> dict[int, BudgetSpend]:
        if (start, end) not in reads:
            found = await spend_reader.budget_spend(budget_ids, start, end)
            reads[start, end] = {s.budget_id: s for s in found}
        return reads[start, end]

    for slot in wanted:
        period: CardPeriod = slot.period
        before = previous_period(period)
        now_spend = (await spend(period.start, period.end)).get(slot.budget_id)
        prev_spend = (await spend(before.start, before.end)).get(slot.budget_id)
        to_date = (await spend(month_start(period.start), period.end)).get(slot.budget_id)
        fresh[slot.key] = card_content(
            slot,
            spend=now_spend or BudgetSpend(slot.budget_id, period.start, period.end),
            previous=prev_spend or BudgetSpend(slot.budget_id, before.start, before.end),
            month_to_date=to_date.total() if to_date else ZERO,
            bands=bands,
        )
    existing = await uow.spend_cards.cards_for([s.key for s in wanted])
    plan = plan_generation(wanted, existing, fresh)
    await _apply(uow, plan)
    return GenerationResult(
        day, len(plan.create), len(plan.refresh), len(plan.notes), len(plan.unchanged)
    )


# The audit log's entity id holds at most 128 characters; the entry's `after` lists every id.
_ENTITY_ID_LENGTH = 128


def _entity_ids(ids: list[int]) -> str:
    """The created cards' ids for the audit entry's entity id, or their count and range when a
    run creates more than it holds (a roll-out of 60 budgets creates hundreds at once)."""
    joined = ",".join(str(i) for i in ids) or "-"
    if len(joined) <= _ENTITY_ID_LENGTH:
        return joined
    return f"{len(ids)} cards, {min(ids)}..{max(ids)}"


async def _apply(uow: UnitOfWork, plan: GenerationPlan) -> None:
    created = [await uow.spend_cards.add(new) for new in plan.create]
    for change in plan.refresh:
        await uow.spend_cards.refresh(change)
    for note in plan.notes:
        await uow.spend_cards.add_note(note)
    if plan.changes_nothing:
        return
    await uow.audit.record(
        AuditEntry(
            Actor.system("spend-card generation"),
            "spend_card.generate",
            "spend_card",
            _entity_ids([c.id for c in created]),
            after={
                "created": [c.id for c in created],
                "refreshed": [r.card_id for r in plan.refresh],
                "noted": [n.card_id for n in plan.notes],
            },
        )
    )
    owners = await uow.spend_cards.owners({c.budget_id for c in created})
    everything = ResolvedScope.everything()
    for card in created:
        product_owners, _ = owners.get(card.budget_id, ((), ()))
        if not product_owners:
            continue
        budget = await uow.budgets.get_budget(everything, card.budget_id)
        name = budget.path[-1] if budget is not None else f"budget {card.budget_id}"
        await uow.notifications.notify(
            [p.id for p in product_owners],
            "spend_card.open",
            f"The {name} spend card for {period_words(card.period_start, card.period_end)} is "
            f"open: actual {card.figures.actual:,.2f} against a budget of "
            f"{card.figures.budget:,.2f}. Accept or dispute it.",
            f"/spend-cards/{card.id}",
            budget_id=card.budget_id,
            subject=card_subject(card.id),
        )


def card_subject(card_id: int) -> str:
    """What a card's notifications are about: deciding the card clears them."""
    return f"spend_card:{card_id}"


def period_words(start: date, end: date) -> str:
    """'1–7 Dec 2026' (or '28 Nov–4 Dec 2026' across a month)."""
    head = f"{start.day}" if start.month == end.month else f"{start.day} {start:%b}"
    if start.year != end.year:
        head += f" {start.year}"
    return f"{head}–{end.day} {end:%b %Y}"


PAST = {
    CardAction.ACCEPT: "accepted",
    CardAction.DISPUTE: "disputed",
    CardAction.APPROVE: "approved",
    CardAction.REJECT: "rejected",
    CardAction.RESOLVE: "resolved",
}


async def card_detail(uow: UnitOfWork, scope: ResolvedScope, card_id: int) -> CardRecord:
    """One card in the caller's scope (NotFound otherwise)."""
    found = await uow.spend_cards.records(scope, CardFilter(card_id=card_id))
    if not found:
        raise NotFound("spend card not found")
    return found[0]


async def decide_card(
    uow: UnitOfWork,
    clock: Clock,
    user: User,
    scope: ResolvedScope,
    *,
    card_id: int,
    action: CardAction,
    comment: str | None,
    version: int,
) -> CardRecord:
    """`user` takes `action` on the card (rules in `machine.py`); the other side is told."""
    record = await card_detail(uow, scope, card_id)
    card = record.card
    decided = decide(
        card,
        action,
        who_on(record, user),
        expected_version=version,
        comment=comment,
        today=clock.today(),
        at=clock.now(),
    )
    saved = await uow.spend_cards.save_decision(decided, version)
    text = decided.decisions[-1].comment
    await uow.audit.record(
        AuditEntry(
            Actor(user_id=user.id, email=user.email),
            f"spend_card.{action.value}",
            "spend_card",
            str(card.id),
            before={"status": card.status.value, "version": card.version},
            after={"status": saved.status.value, "version": saved.version},
            details={"comment": text} if text else {},
        )
    )
    answered = replace(record, card=saved)
    if not answered.deciders:  # the one who answered was the only Portfolio Owner left
        escalated = await uow.spend_cards.escalation(excluding={user.id})
        answered = replace(answered, escalated=escalated)
    side = Side.OWNER if action in (CardAction.ACCEPT, CardAction.DISPUTE) else Side.DECIDER
    if side is Side.OWNER:
        # the deciders of the answered card: the Portfolio Owners above it, or whoever the
        # decision went up to when none of them but the one who answered can decide
        recipients = [p.id for p in answered.deciders if p.id != user.id]
    else:
        recipients = [saved.responded_by] if saved.responded_by is not None else []
    name = record.budget_path[-1] if record.budget_path else record.label
    message = (
        f"{user.name} {PAST[action]} the {name} spend card for "
        f"{period_words(card.period_start, card.period_end)}"
    )
    # the decision answers whatever the earlier notices about this card asked for
    await uow.notifications.clear(card_subject(card.id))
    await uow.notifications.notify(
        recipients,
        f"spend_card.{action.value}",
        message + (f": {text}" if text else ""),
        f"/spend-cards/{card.id}",
        budget_id=card.budget_id,
        subject=card_subject(card.id),
    )
    return answered
