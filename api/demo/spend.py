"""The demo's spend: a generated CUR for the year, its accounts, splits, workloads and claims."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from adapters.clock import FixedClock
from adapters.cur.generator import account_ids, generate_cur
from adapters.db.uow import UnitOfWork
from api.container import Container
from api.demo.anomalies import demo_anomalies
from api.demo.cards import demo_cards
from api.demo.closes import demo_closes
from api.demo.credits import demo_credits
from api.demo.org import DEMO_CHART, DEMO_GROWTH, DEMO_USERS, DEMO_YEAR
from api.demo.recommendations import demo_recommendations
from api.demo.schedules import demo_schedules
from domain.accounts import service as accounts_service
from domain.accounts.model import AccountSource, DiscoveredAccount
from domain.allocation import service as allocation
from domain.allocation import workload_service
from domain.audit import Actor
from domain.budgets.records import BudgetRecord
from domain.scope import ResolvedScope
from domain.spend import service as spend_service

DEMO_CUR_ROWS = 240_000
DEMO_CUR_ACCOUNTS = 9
DEMO_CUR_RESOURCES = 900


async def load_spend(container: Container, actor: Actor) -> None:
    """A CUR for the demo year up to yesterday, its accounts, splits, workloads, claims and
    schedules in every state: only on the first load (the CUR folder does not exist yet)."""
    settings = container.settings
    cur_dir = Path(settings.resolved_cur_path())
    if settings.cur_path or cur_dir.exists():
        return
    today = container.clock.now().date()
    plan = demo_spend_plan(today)
    await asyncio.to_thread(
        generate_cur,
        cur_dir,
        rows=DEMO_CUR_ROWS,
        accounts=DEMO_CUR_ACCOUNTS,
        resources=DEMO_CUR_RESOURCES,
        months=plan.months,
        start=f"{DEMO_YEAR}-01",
        final_months=plan.final_months,
        until=plan.until,
        monthly_spend=plan.monthly_spend,
        spikes=plan.spikes,
    )
    async with container.sessionmaker() as session:
        # through the refresh service, so the billing periods page shows the last refresh
        uow = UnitOfWork(session)
        await spend_service.refresh_now(
            uow,
            container.spend,
            container.clock,
            container.refresh_board,
            source=str(cur_dir),
            by="finops demo load",
        )
        await uow.commit()
    seen = await asyncio.to_thread(container.cur.accounts_seen)
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        await accounts_service.discover(
            uow,
            actor,
            found=[
                DiscoveredAccount(a.account_id, a.name, None, None, a.first_seen, AccountSource.CUR)
                for a in seen
            ],
        )
        budgets = {
            b.path[3]: b
            for b in await uow.budgets.list_budgets(ResolvedScope(prefixes=None), year=DEMO_YEAR)
        }
        ids = sorted(a.account_id for a in seen)
        for account_id, (kind, shares) in zip(ids, plan.splits, strict=False):
            await accounts_service.update_account(
                uow,
                actor,
                account_id=account_id,
                changes=accounts_service.AccountChanges(account_type=kind),
            )
            await allocation.set_split(
                uow,
                container.clock,
                actor,
                account_id=account_id,
                shares=[(budgets[name].id, pct) for name, pct in shares],
                effective_from=date(DEMO_YEAR, 1, 1),
            )
        await _demo_workloads(container, uow, budgets, ids[0])
        # the demo's schedules were decided at the start of the year, so its cards run from
        # January
        start = datetime(DEMO_YEAR, 1, 2, 9, tzinfo=UTC)
        await demo_schedules(uow, FixedClock(min(start, container.clock.now())), budgets)
        await uow.commit()
    await demo_cards(container, today)
    await demo_credits(container, today)
    await demo_closes(container)
    await demo_recommendations(container, ids)
    await demo_anomalies(container)


async def _demo_workloads(
    container: Container, uow: UnitOfWork, budgets: dict[str, BudgetRecord], account_id: str
) -> None:
    """Checkout's workloads: its API, claimed from March, and a new one (fraud scoring),
    launched in June with resources claimed from then: steps a spend chart shows."""
    # The workloads and claims are the Admin's: their rules depend on who acts.
    admin = await uow.users.get_by_email(DEMO_USERS[0][1])
    assert admin is not None
    everything = ResolvedScope.everything()
    checkout = budgets["Checkout"]
    created = []
    for name, estimate, launch, end in (
        ("Checkout API", "18000.00", f"{DEMO_YEAR}-01", None),
        ("Fraud scoring", "6500.00", f"{DEMO_YEAR}-06", f"{DEMO_YEAR}-12"),
    ):
        slug = "checkout-api" if name == "Checkout API" else "fraud"
        created.append(
            await workload_service.create_workload(
                uow,
                admin,
                everything,
                budget_id=checkout.id,
                account_id=account_id,
                data=workload_service.WorkloadInput(
                    name,
                    f"https://calculator.aws/#/estimate?id=demo-{slug}",
                    estimate,
                    launch,
                    end,
                ),
            )
        )
    api, fraud = created
    page = await asyncio.to_thread(
        container.cur.resources, account_id=account_id, period=f"{DEMO_YEAR}-01", limit=8
    )
    ids = [r.resource_id for r in page.items]
    for workload, claimed, since in (
        (api, ids[:5], date(DEMO_YEAR, 3, 1)),
        (fraud, ids[5:8], date(DEMO_YEAR, 6, 1)),
    ):
        if claimed and since <= container.clock.now().date():
            await workload_service.claim(
                uow,
                container.clock,
                admin,
                everything,
                container.resources,
                claims=[(workload.id, claimed)],
                effective_from=since,
            )


# ---------------------------------------------------------------------------- the demo's spend

# Budget spend ÷ scheduled amount each product is given (its colour in the demo year, with
# ColourBands' defaults): within ±2 % black, under by more green, over by up to 10 % orange,
# over by more red. Checkout also gets its workloads' claims (moving spend to it from Catalog
# Service) and a load-test spike, so it lands well into red.
DEMO_SPEND_RATIOS: dict[str, Decimal] = {
    "Checkout": Decimal("1.15"),
    "Catalog Service": Decimal("0.95"),
    "Search": Decimal("0.90"),
    "Kubernetes Platform": Decimal("1.00"),  # black
    "Observability": Decimal("0.80"),  # green
    "ML Training": Decimal("0.85"),
    "Streaming Ingest": Decimal("0.95"),
    "iOS App Backend": Decimal("1.06"),  # orange
    "Push Notifications": Decimal("1.30"),  # red
    "General Ledger": Decimal("0.90"),
    "Accounts Payable": Decimal("0.90"),
    "FinOps Data Lake": Decimal("0.90"),
    "Demand Forecasting": Decimal("0.90"),
    "Identity & Access": Decimal("0.95"),
}
# The products of each demo account, in account id order (the last account is not split:
# its spend stays Unallocated).
_DEMO_ACCOUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Production", ("Checkout", "Catalog Service")),
    ("Production", ("Search",)),
    ("Shared", ("Kubernetes Platform", "Observability")),
    ("Production", ("ML Training", "Streaming Ingest")),
    ("Pre-Production", ("iOS App Backend", "Push Notifications")),
    ("Production", ("General Ledger", "Accounts Payable", "FinOps Data Lake")),
    ("Development", ("Demand Forecasting",)),
    ("Sandbox", ("Identity & Access",)),
)
DEMO_UNALLOCATED_PER_MONTH = Decimal("3000")
# The load test of the 12th: Checkout's account spends 30,000 more on 12 August (a normal day
# is about 2,500).
DEMO_SPIKE = (date(DEMO_YEAR, 8, 12), 30000.0)


@dataclass(frozen=True)
class DemoSpendPlan:
    """What the demo CUR holds (usage from January to `until`; the months before `until`'s
    month final) and how its accounts are split."""

    months: int
    final_months: int
    until: date
    monthly_spend: dict[tuple[str, str], float]
    spikes: dict[tuple[str, date], float]
    splits: list[tuple[str, list[tuple[str, str]]]]


def _annual(product: str) -> Decimal:
    return next(Decimal(row[4]) for row in DEMO_CHART if row[3] == product)


def _percentages(weights: list[Decimal]) -> list[Decimal]:
    """Percentages with 2 decimals in proportion to `weights`, totalling exactly 100.00
    (largest remainder)."""
    total = sum(weights, Decimal(0))
    raw = [w * 10000 / total for w in weights]
    floors = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - floors[i], reverse=True)
    for i in order[: 10000 - sum(floors)]:
        floors[i] += 1
    return [Decimal(f) / 100 for f in floors]


def demo_spend_plan(today: date) -> DemoSpendPlan:
    """The demo CUR stops yesterday (by the clock at load): the current month is partial and
    not final, past months are final. Run after the demo year, the year is whole and final.
    Each account spends, month by month, what its products' ratios ask of their growing
    schedules; the split percentages follow the same ratios."""
    yesterday = today - timedelta(days=1)
    until = yesterday if yesterday.year == DEMO_YEAR else date(DEMO_YEAR, 12, 31)
    months = until.month
    month_ends = (until + timedelta(days=1)).day == 1
    ids = sorted(account_ids(DEMO_CUR_ACCOUNTS))
    total_weight = sum(DEMO_GROWTH.values(), Decimal(0))
    spend: dict[tuple[str, str], float] = {}
    splits: list[tuple[str, list[tuple[str, str]]]] = []
    for index, account_id in enumerate(ids):
        if index < len(_DEMO_ACCOUNTS):
            kind, products = _DEMO_ACCOUNTS[index]
            wanted = [DEMO_SPEND_RATIOS[p] * _annual(p) for p in products]
            pcts = _percentages(wanted)
            splits.append(
                (kind, [(p, f"{pct:.2f}") for p, pct in zip(products, pcts, strict=True)])
            )
            yearly = sum(wanted, Decimal(0))
        else:
            yearly = DEMO_UNALLOCATED_PER_MONTH * 12
        for m in range(1, months + 1):
            period = f"{DEMO_YEAR}-{m:02d}"
            amount = yearly * DEMO_GROWTH[period] / total_weight
            if m == months and not month_ends:
                first = date(DEMO_YEAR, m, 1)
                days = (date(DEMO_YEAR + m // 12, m % 12 + 1, 1) - first).days
                amount = amount * until.day / days
            spend[(account_id, period)] = float(amount)
    spike_day, extra = DEMO_SPIKE
    spikes = {(ids[0], spike_day): extra} if spike_day <= until else {}
    return DemoSpendPlan(
        months=months,
        final_months=months if month_ends else months - 1,
        until=until,
        monthly_spend=spend,
        spikes=spikes,
        splits=splits,
    )
