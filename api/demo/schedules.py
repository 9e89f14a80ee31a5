"""The demo's schedules in every state."""

from __future__ import annotations

from datetime import date, timedelta

from adapters.db.uow import UnitOfWork
from api.demo.org import DEMO_GROWTH, DEMO_YEAR
from domain.audit import Actor
from domain.budgets.records import BudgetRecord
from domain.budgets.service import change_amount
from domain.identity.users import User
from domain.ports import Clock
from domain.schedules import service as schedules
from domain.schedules.machine import Action
from domain.schedules.months import schedule_months, spread
from domain.scope import ResolvedScope

# Each schedule's state, its Product Owner and the Portfolio Owner who decides it.
DEMO_SCHEDULES: dict[str, tuple[str, str, str]] = {
    "Checkout": ("approved", "product@demo.finops", "portfolio@demo.finops"),
    "Catalog Service": ("pending", "catalog@demo.finops", "portfolio@demo.finops"),
    "Search": ("rejected", "search@demo.finops", "portfolio@demo.finops"),
    "iOS App Backend": ("approved", "apps@demo.finops", "mobile@demo.finops"),
    # approved, then its amount raised from December: it needs a reschedule
    "Push Notifications": ("needs_reschedule", "apps@demo.finops", "mobile@demo.finops"),
    "Kubernetes Platform": ("approved", "kube@demo.finops", "platform@demo.finops"),
    "Observability": ("approved", "kube@demo.finops", "platform@demo.finops"),
}


async def demo_schedules(uow: UnitOfWork, clock: Clock, budgets: dict[str, BudgetRecord]) -> None:
    """Approved, pending and rejected schedules, so every view has something to show: made
    by each product's Product Owner and decided by its Portfolio Owner through the schedule
    service. They plan the year's growth (`DEMO_GROWTH`)."""
    everything = ResolvedScope(prefixes=None)
    for name, (target, owner_email, decider_email) in DEMO_SCHEDULES.items():
        owner = await uow.users.get_by_email(owner_email)
        decider = await uow.users.get_by_email(decider_email)
        assert owner is not None
        assert decider is not None
        budget = budgets[name]
        amounts = spread(
            schedule_months(budget.start_date), amount=budget.annual_amount, weights=DEMO_GROWTH
        )
        state = await uow.schedules.get(budget.id)
        view = await schedules.save_draft(
            uow,
            owner,
            everything,
            budget_id=budget.id,
            given=[(m, f"{a:.2f}") for m, a in amounts.items()],
            version=state.version,
        )
        steps: list[tuple[Action, User, str | None]] = [(Action.SUBMIT, owner, None)]
        if target in ("approved", "needs_reschedule"):
            steps.append((Action.APPROVE, decider, None))
        if target == "rejected":
            steps.append(
                (Action.REJECT, decider, "Q4 looks high: spread the launch over two months")
            )
        for action, user, reason in steps:
            view = await schedules.act(
                uow,
                clock,
                user,
                everything,
                budget_id=budget.id,
                request=schedules.ScheduleRequest(action, view.state.version, reason),
            )
        if target == "needs_reschedule":
            finance = await uow.users.get_by_email("fin@demo.finops")
            assert finance is not None
            await change_amount(
                uow,
                Actor(user_id=finance.id, email=finance.email),
                everything,
                budget_id=budget.id,
                annual_amount=f"{budget.annual_amount * 12 / 10:.2f}",
                effective_from=date(DEMO_YEAR, 12, 1),
            )


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
