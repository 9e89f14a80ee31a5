"""The demo's schedules in every state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from adapters.clock import FixedClock
from adapters.db.uow import UnitOfWork
from api.container import Container
from api.demo.chart import DEMO_CHART, portfolio_of
from api.demo.org import DEMO_GROWTH, DEMO_SCOPES, DEMO_USERS, DEMO_YEAR
from domain.audit import Actor
from domain.budgets.records import BudgetRecord
from domain.budgets.service import change_amount
from domain.identity.roles import Role
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
# The rest of the organisation's schedules were drafted by finance for the product teams and
# approved by each portfolio's owner, all but these: the Feature Store launched in July with no
# schedule yet, Seller Tax Reporting's is a draft, and the Collaboration Suite's is waiting.
DEMO_NOT_APPROVED: dict[str, str | None] = {
    "Feature Store": None,
    "Seller Tax Reporting": "draft",
    "Collaboration Suite": "pending",
}
DEMO_SCHEDULE_DRAFTER = "fin@demo.finops"
# When the stories' schedules were decided, and when the rest of the organisation joined
# FinOps Center (its schedules approved that day, its weekly spend cards from then: a year of
# cards for 60 budgets would make the demo's load slow and bury the stories' cards).
DEMO_DECIDED = datetime(DEMO_YEAR, 1, 2, 9, tzinfo=UTC)
DEMO_ROLLOUT = datetime(DEMO_YEAR, 10, 1, 9, tzinfo=UTC)


def portfolio_owner(product: str) -> str:
    """The e-mail of the Portfolio Owner mapped to the product's portfolio."""
    portfolios = {email for role, email, _ in DEMO_USERS if role is Role.PORTFOLIO_OWNER}
    portfolio = portfolio_of(product)
    return next(e for e in portfolios if portfolio in DEMO_SCOPES.get(e, ()))


def demo_schedule_plan() -> dict[str, tuple[str, str, str]]:
    """Every product's schedule (state, who made it, who decides it): the stories of
    `DEMO_SCHEDULES`, then the rest of the chart."""
    plan = dict(DEMO_SCHEDULES)
    for product in (row[3] for row in DEMO_CHART):
        state = DEMO_NOT_APPROVED.get(product, "approved")
        if product not in plan and state is not None:
            plan[product] = (state, DEMO_SCHEDULE_DRAFTER, portfolio_owner(product))
    return plan


async def demo_schedules(
    container: Container, now: datetime, budgets: dict[str, BudgetRecord]
) -> None:
    """Approved, pending, rejected and draft schedules, so every view has something to show:
    made by each product's Product Owner (or finance) and decided by its Portfolio Owner
    through the schedule service. They
    plan the year's growth (`DEMO_GROWTH`). The stories were decided at the start of the year
    (their cards run from January), the rest at the roll-out (`DEMO_ROLLOUT`), or today if
    that is earlier."""
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        for name, (target, owner_email, decider_email) in demo_schedule_plan().items():
            when = DEMO_DECIDED if name in DEMO_SCHEDULES else DEMO_ROLLOUT
            await _schedule(
                uow,
                FixedClock(min(when, now)),
                budgets[name],
                target,
                owner_email,
                decider_email,
            )
        await uow.commit()


async def _schedule(
    uow: UnitOfWork,
    clock: Clock,
    budget: BudgetRecord,
    target: str,
    owner_email: str,
    decider_email: str,
) -> None:
    everything = ResolvedScope(prefixes=None)
    owner = await uow.users.get_by_email(owner_email)
    decider = await uow.users.get_by_email(decider_email)
    assert owner is not None
    assert decider is not None
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
    if target == "draft":
        return
    steps: list[tuple[Action, User, str | None]] = [(Action.SUBMIT, owner, None)]
    if target in ("approved", "needs_reschedule"):
        steps.append((Action.APPROVE, decider, None))
    if target == "rejected":
        steps.append((Action.REJECT, decider, "Q4 looks high: spread the launch over two months"))
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
