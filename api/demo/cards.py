"""The demo's weekly spend cards in every state."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from adapters.allocation.card_spend import AllocatedCardSpend
from adapters.db.uow import UnitOfWork
from api.container import Container
from api.demo.org import DEMO_YEAR
from domain.allocation.service import current_rules
from domain.scope import ResolvedScope
from domain.spend_cards.machine import CardAction, actionable
from domain.spend_cards.machine import Who as CardWho
from domain.spend_cards.model import decide
from domain.spend_cards.queries import CardFilter
from domain.spend_cards.service import generate_cards

# The states the demo's cards are put in: each story is (action, by the Portfolio Owner?,
# comment) steps. The settled ones go to the last cards before the actionable window (decided
# back then); the waiting ones to the oldest actionable cards, so that the newest actionable
# cards stay Open: the Product Owner always has cards to accept or dispute (the browser test
# does both), even early in a month when the window holds only the previous month's cards.
_SETTLED_STORIES: tuple[tuple[tuple[CardAction, bool, str | None], ...], ...] = (
    ((CardAction.ACCEPT, False, None), (CardAction.APPROVE, True, None)),
    (
        (CardAction.DISPUTE, False, "Two resources were claimed late"),
        (CardAction.RESOLVE, True, "Claims fixed; the next card shows the correction"),
    ),
)
_WAITING_STORIES: tuple[tuple[tuple[CardAction, bool, str | None], ...], ...] = (
    ((CardAction.ACCEPT, False, None),),
    ((CardAction.DISPUTE, False, "The load test of the 12th belongs to Search"),),
    (
        (CardAction.ACCEPT, False, None),
        (CardAction.REJECT, True, "Explain the jump in EC2 before I approve"),
    ),
)
# How many of the newest actionable cards the demo leaves Open.
_LEFT_OPEN = 2


async def demo_cards(container: Container, today: date) -> None:
    """The demo year's spend cards, generated run by run as the scheduler would have (each
    month's runs, up to today), and put in every state."""
    as_of = [date(DEMO_YEAR, m, 1) for m in range(2, 13)] + [date(DEMO_YEAR + 1, 1, 1)]
    runs = [d for d in as_of if d <= today] + [today]
    async with container.sessionmaker() as session:
        rules, _ = await current_rules(UnitOfWork(session))
    # one reader for every run: it keeps the months it has read
    reader = AllocatedCardSpend(container.allocated, rules)
    for day in runs:
        # each run in its own unit of work, as the scheduler's
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            await generate_cards(uow, container.clock, reader, as_of=day)
            await uow.commit()
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        owner = await uow.users.get_by_email("product@demo.finops")
        decider = await uow.users.get_by_email("portfolio@demo.finops")
        assert owner is not None
        assert decider is not None
        po = CardWho(owner.id, owner_side=True, decider_side=False)
        pf = CardWho(decider.id, owner_side=False, decider_side=True)
        records = await uow.spend_cards.records(ResolvedScope(prefixes=None), CardFilter())
        # the stories are Checkout's (its owners are the ones the browser tests log in as);
        # the other products' cards wait on their owners
        checkout = {r.card.budget_id for r in records if r.budget_path[-1] == "Checkout"}
        undecided = sorted(
            (r.card for r in records if not r.card.decided and r.card.budget_id in checkout),
            key=lambda c: (c.period_end, c.budget_id),
        )
        window = [c for c in undecided if actionable(c.period_end, today)]
        older = [c for c in undecided if not actionable(c.period_end, today)]
        room = max(0, len(window) - _LEFT_OPEN)
        plan = list(zip(window[:room], _WAITING_STORIES, strict=False))
        settled_on = older[-len(_SETTLED_STORIES) :] if older else []
        if len(settled_on) < len(_SETTLED_STORIES):  # the demo year's first weeks
            settled_on = window[len(plan) : room][: len(_SETTLED_STORIES)]
        plan += list(zip(settled_on, _SETTLED_STORIES, strict=False))
        for card, story in plan:
            # decided as it would have been, two days after its period (or today)
            when = min(today, card.period_end + timedelta(days=2))
            for action, by_decider, comment in story:
                decided = decide(
                    card,
                    action,
                    pf if by_decider else po,
                    expected_version=card.version,
                    comment=comment,
                    today=when,
                    at=min(container.clock.now(), datetime.combine(when, time(9), UTC)),
                )
                card = await uow.spend_cards.save_decision(decided, card.version)
        await uow.commit()
