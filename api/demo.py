"""The demo organisation `make run` loads: idempotent, grows with every capability."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from adapters.allocation.card_spend import AllocatedCardSpend
from adapters.clock import FixedClock
from adapters.config import Settings
from adapters.cur.generator import account_ids, generate_cur
from adapters.db.uow import UnitOfWork
from adapters.files.csv_codec import csv_bytes
from adapters.recommendations.export import DuckDbExportReader
from adapters.recommendations.sample import SampleResource, sample_export
from api.container import Container, build_container
from domain.accounts import service as accounts_service
from domain.accounts.model import AccountSource, DiscoveredAccount
from domain.allocation import service as allocation
from domain.allocation import workload_service
from domain.allocation.service import current_rules
from domain.audit import Actor
from domain.budgets import scope_service
from domain.budgets import service as budgets
from domain.budgets.filename import LoadOptionOverrides
from domain.budgets.records import BudgetRecord
from domain.budgets.service import change_amount
from domain.close import service as closes
from domain.close.model import Checklist
from domain.close.service import CloseSettings
from domain.credits import service as credit_service
from domain.credits.model import CreditFields, Program
from domain.identity.roles import Role
from domain.identity.users import NewUserRequest, User, create_user
from domain.periods import period_key
from domain.ports import Clock
from domain.recommendations import service as rec_service
from domain.recommendations.importing import EXPORT_COLUMNS
from domain.recommendations.machine import Action as RecAction
from domain.recommendations.queries import RecommendationFilter, StatusFilter, Visibility
from domain.schedules import service as schedules
from domain.schedules.machine import Action
from domain.schedules.months import schedule_months, spread
from domain.scope import ResolvedScope
from domain.spend import service as spend_service
from domain.spend_cards.machine import CardAction, actionable
from domain.spend_cards.machine import Who as CardWho
from domain.spend_cards.model import decide
from domain.spend_cards.queries import CardFilter
from domain.spend_cards.service import generate_cards

DEMO_PASSWORD = "finops-demo-2026"
DEMO_YEAR = 2026

DEMO_USERS: tuple[tuple[Role, str, str], ...] = (
    (Role.ADMIN, "admin@demo.finops", "Ada Admin"),
    (Role.FINANCIAL_ADMIN, "fin@demo.finops", "Frank Finance"),
    (Role.VENDOR_MANAGER, "vendor@demo.finops", "Vera Vendor"),
    (Role.BUSINESS_UNIT_OWNER, "bu@demo.finops", "Bea Business"),
    (Role.DEPARTMENT_OWNER, "dept@demo.finops", "Dan Department"),
    (Role.PORTFOLIO_OWNER, "portfolio@demo.finops", "Pia Portfolio"),
    (Role.PRODUCT_OWNER, "product@demo.finops", "Paul Product"),
    (Role.CLOUD_ENGINEER, "engineer@demo.finops", "Cleo Cloud"),
    # every product with a schedule has a Product Owner and a Portfolio Owner who can act on it
    (Role.PRODUCT_OWNER, "catalog@demo.finops", "Cora Catalog"),
    (Role.PRODUCT_OWNER, "search@demo.finops", "Sid Search"),
    (Role.PORTFOLIO_OWNER, "mobile@demo.finops", "Mo Mobile"),
    (Role.PRODUCT_OWNER, "apps@demo.finops", "Ava Apps"),
    (Role.PORTFOLIO_OWNER, "platform@demo.finops", "Pat Platform"),
    (Role.PRODUCT_OWNER, "kube@demo.finops", "Kim Kubernetes"),
)

# (business unit, department, portfolio, product, annual amount, cost centre)
DEMO_CHART: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Retail", "Digital Commerce", "Web Storefront", "Catalog Service", "480000.00", "CC-1101"),
    ("Retail", "Digital Commerce", "Web Storefront", "Checkout", "360000.00", "CC-1102"),
    ("Retail", "Digital Commerce", "Web Storefront", "Search", "240000.00", "CC-1103"),
    ("Retail", "Digital Commerce", "Mobile", "iOS App Backend", "180000.00", "CC-1104"),
    ("Retail", "Digital Commerce", "Mobile", "Push Notifications", "42000.00", "CC-1105"),
    ("Retail", "Stores", "Point of Sale", "POS Gateway", "150000.00", "CC-1201"),
    ("Retail", "Stores", "Point of Sale", "Inventory Sync", "96000.00", "CC-1202"),
    ("Retail", "Stores", "Supply Chain", "Demand Forecasting", "310000.00", "CC-1203"),
    ("Corporate", "Finance", "ERP", "General Ledger", "120000.00", "CC-2101"),
    ("Corporate", "Finance", "ERP", "Accounts Payable", "60000.00", "CC-2102"),
    ("Corporate", "Finance", "Analytics", "FinOps Data Lake", "210000.00", "CC-2103"),
    ("Corporate", "People", "HR Systems", "Payroll", "90000.00", "CC-2201"),
    ("Corporate", "People", "HR Systems", "Recruiting Portal", "36000.00", "CC-2202"),
    (
        "Platform",
        "Cloud Engineering",
        "Shared Services",
        "Kubernetes Platform",
        "720000.00",
        "CC-3101",
    ),
    ("Platform", "Cloud Engineering", "Shared Services", "Observability", "264000.00", "CC-3102"),
    ("Platform", "Cloud Engineering", "Security", "Identity & Access", "132000.00", "CC-3103"),
    ("Platform", "Data", "Data Platform", "Streaming Ingest", "390000.00", "CC-3201"),
    ("Platform", "Data", "Data Platform", "ML Training", "540000.00", "CC-3202"),
)

# Which nodes each demo owner is mapped to (paths from the top, at the level of the role).
_STOREFRONT = ("Retail", "Digital Commerce", "Web Storefront")
_MOBILE = ("Retail", "Digital Commerce", "Mobile")
_SHARED = ("Platform", "Cloud Engineering", "Shared Services")
DEMO_SCOPES: dict[str, tuple[tuple[str, ...], ...]] = {
    "bu@demo.finops": (("Retail",),),
    "dept@demo.finops": (("Retail", "Digital Commerce"),),
    "portfolio@demo.finops": (_STOREFRONT,),
    "product@demo.finops": ((*_STOREFRONT, "Checkout"),),
    "catalog@demo.finops": ((*_STOREFRONT, "Catalog Service"),),
    "search@demo.finops": ((*_STOREFRONT, "Search"),),
    "mobile@demo.finops": (_MOBILE,),
    "apps@demo.finops": ((*_MOBILE, "iOS App Backend"), (*_MOBILE, "Push Notifications")),
    "platform@demo.finops": (_SHARED,),
    "kube@demo.finops": ((*_SHARED, "Kubernetes Platform"), (*_SHARED, "Observability")),
}


# Where the demo's closes book Unallocated spend (the shared services live there).
DEMO_DEFAULT_BUSINESS_UNIT = "Platform"

DEMO_CUR_ROWS = 240_000
DEMO_CUR_ACCOUNTS = 9
DEMO_CUR_RESOURCES = 900


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    sees: str


@dataclass(frozen=True)
class DemoLogins:
    password: str
    users: list[DemoLogin]


def demo_logins() -> DemoLogins:
    """Every demo log-in with what it sees: printed at `finops demo load` (and `make run`)."""
    users = []
    for role, email, name in DEMO_USERS:
        paths = DEMO_SCOPES.get(email)
        if paths:
            sees = "; ".join(" › ".join(p) for p in paths)
        elif role is Role.CLOUD_ENGINEER:
            sees = "resources of every account (recommendations later)"
        else:
            sees = "everything"
        users.append(DemoLogin(role.value, email, name, sees))
    return DemoLogins(DEMO_PASSWORD, users)


def demo_chart_csv() -> bytes:
    lines = ["Business Unit,Department,Portfolio,Product,Annual Budget,Cost Centre"]
    lines += [",".join(f'"{cell}"' for cell in row) for row in DEMO_CHART]
    return ("\n".join(lines) + "\n").encode()


async def load_demo(settings: Settings, clock: Clock | None = None) -> DemoLogins:
    """Load the demo organisation as of today (`clock`: the system clock by default)."""
    container = build_container(settings)
    if clock is not None:
        container.clock = clock
    actor = Actor.system("demo")
    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            for role, email, name in DEMO_USERS:
                if await uow.users.get_by_email(email) is None:
                    await create_user(
                        uow,
                        container.hasher,
                        actor,
                        NewUserRequest(
                            email=email, name=name, role=role.value, password=DEMO_PASSWORD
                        ),
                    )
            if not await uow.budgets.existing_budgets(DEMO_YEAR):
                await budgets.import_chart(
                    uow,
                    container.clock,
                    container.objects,
                    actor,
                    budgets.ChartUpload(
                        f"Demo_{DEMO_YEAR}_true_{DEMO_YEAR}-01-01_false_Budget_v1.csv",
                        demo_chart_csv(),
                        LoadOptionOverrides(),
                    ),
                )
                await _map_scopes(uow, actor)
            await uow.commit()
        await _load_spend(container, actor)
    finally:
        await container.close()
    return demo_logins()


async def _map_scopes(uow: UnitOfWork, actor: Actor) -> None:
    nodes = await uow.budgets.nodes(DEMO_YEAR)
    by_id = {n.id: n for n in nodes}

    def path_of(node_id: int) -> tuple[str, ...]:
        node = by_id[node_id]
        return (*path_of(node.parent_id), node.name) if node.parent_id else (node.name,)

    by_path = {path_of(n.id): n.id for n in nodes}
    for email, paths in DEMO_SCOPES.items():
        user = await uow.users.get_by_email(email)
        if user is not None:
            await scope_service.set_user_scope(
                uow, actor, user_id=user.id, node_ids=[by_path[p] for p in paths]
            )


async def _load_spend(container: Container, actor: Actor) -> None:
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
        await _demo_schedules(uow, FixedClock(min(start, container.clock.now())), budgets)
        await uow.commit()
    await _demo_cards(container, today)
    await _demo_credits(container, today)
    await _demo_closes(container)
    await _demo_recommendations(container, ids)


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
# The year grows: month m's weight is 100 + 6 (m - 1) (December 66 % above January). The
# schedules plan that growth and the spend follows it.
DEMO_GROWTH: dict[str, Decimal] = {
    f"{DEMO_YEAR}-{m:02d}": Decimal(100 + 6 * (m - 1)) for m in range(1, 13)
}
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


async def _demo_cards(container: Container, today: date) -> None:
    """The demo year's spend cards, generated run by run as the scheduler would have (each
    month's runs, up to today), and put in every state."""
    as_of = [date(DEMO_YEAR, m, 1) for m in range(2, 13)] + [date(DEMO_YEAR + 1, 1, 1)]
    runs = [d for d in as_of if d <= today] + [today]
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        rules, _ = await current_rules(uow)
        reader = AllocatedCardSpend(container.allocated, rules)
        for day in runs:
            await generate_cards(uow, container.clock, reader, as_of=day)
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


# The states the demo's recommendations are put in, in order of their savings (largest first):
# (action, by the Cloud Engineer?, comment) steps.
_RECOMMENDATION_STORIES: tuple[tuple[tuple[RecAction, bool, str | None], ...], ...] = (
    ((RecAction.APPROVE, False, None),),
    ((RecAction.APPROVE, False, None), (RecAction.IMPLEMENT, True, "Resized in the May window")),
    ((RecAction.IGNORE, False, "Reserved for the Black Friday load test"),),
    ((RecAction.APPROVE, False, None),),
    (
        (RecAction.IGNORE, False, "Owner asked to wait for the migration"),
        (RecAction.REOPEN, False, None),
    ),
    ((RecAction.APPROVE, False, None), (RecAction.IMPLEMENT, True, None)),
)


async def _demo_recommendations(container: Container, account_ids: list[str]) -> None:
    """A SYNTHETIC Cost Optimization Hub export (AWS publishes no sample) over resources of the
    demo CUR, imported twice (the second time without its first recommendation, which is
    resolved), and decided into every state."""
    resources: dict[tuple[str, str], SampleResource] = {}
    for account_id in account_ids:
        for service in ("AmazonEC2", "AmazonRDS", "AWSLambda", "AmazonS3"):
            page = await asyncio.to_thread(
                container.cur.resources, account_id=account_id, service=service, limit=2
            )
            for r in page.items:
                resources[r.account_id, r.resource_id] = SampleResource(
                    r.account_id, r.resource_id, r.region or "us-east-1"
                )
    picked = [resources[k] for k in sorted(resources)]
    reader = DuckDbExportReader()
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        fin = await uow.users.get_by_email("fin@demo.finops")
        engineer = await uow.users.get_by_email("engineer@demo.finops")
        assert fin is not None
        assert engineer is not None
        for n, rows in enumerate(
            (sample_export(picked), sample_export(picked, rotation=1, drop=1))
        ):
            data = io.StringIO()
            writer = csv.writer(data)
            writer.writerow(EXPORT_COLUMNS)
            writer.writerows(
                [["" if r.get(c) is None else r[c] for c in EXPORT_COLUMNS] for r in rows]
            )
            await rec_service.import_upload(
                uow,
                container.clock,
                fin,
                container.resources,
                reader,
                container.objects,
                data=data.getvalue().encode(),
                filename=f"synthetic-cost-optimization-export-{n + 1}.csv",
            )
        everything = ResolvedScope.everything()
        fresh = await uow.recommendations.page(
            Visibility(), RecommendationFilter(status=StatusFilter.NEW), limit=50, offset=0
        )
        for rec, story in zip(fresh.items, _RECOMMENDATION_STORIES, strict=False):
            version = rec.version
            for action, by_engineer, comment in story:
                saved = await rec_service.decide(
                    uow,
                    container.clock,
                    engineer if by_engineer else fin,
                    everything,
                    rec_id=rec.id,
                    action=action,
                    version=version,
                    comment=comment,
                )
                version = saved.version
        await uow.commit()


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


async def _demo_schedules(uow: UnitOfWork, clock: Clock, budgets: dict[str, BudgetRecord]) -> None:
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


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


async def _demo_credits(container: Container, today: date) -> None:
    """Credits of every kind: a MAP credit used month after month, a PoC credit expiring
    mid-March, an Activate credit on Search that will expire unused at its burn rate, a void one
    and one not yet used (editable); the finished months of the demo year applied as month
    close would have. Amounts are sized from each budget's spend, so the story holds for any
    generated CUR."""
    finished = [
        date(DEMO_YEAR, m, 1) for m in range(1, 13) if _month_end(date(DEMO_YEAR, m, 1)) < today
    ]
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        fin = await uow.users.get_by_email("fin@demo.finops")
        vendor = await uow.users.get_by_email("vendor@demo.finops")
        assert fin is not None
        assert vendor is not None
        everything = ResolvedScope.everything()
        budgets = {
            b.path[3]: b.id for b in await uow.budgets.list_budgets(everything, year=DEMO_YEAR)
        }
        reader = container.credit_spend(uow)
        monthly: dict[int, Decimal] = {}
        for month in finished[-3:]:
            found = await reader.month_spend(list(budgets.values()), period_key(month))
            for budget_id, spend in found.items():
                monthly[budget_id] = monthly.get(budget_id, Decimal(0)) + spend.total() / 3

        def sized(product: str, months: int) -> Decimal:
            rate = monthly.get(budgets[product], Decimal(0))
            return max(Decimal(100), (rate * months).quantize(Decimal(1)))

        next_year = DEMO_YEAR + 1
        soon = _month_end((today.replace(day=1) + timedelta(days=40)).replace(day=1))
        stories = [
            (
                fin,
                "Checkout",
                Program.MAP,
                sized("Checkout", 9),
                date(DEMO_YEAR, 1, 1),
                date(next_year, 6, 30),
                "MAP-2026-014",
                "Migration Acceleration Program, year 1",
            ),
            (
                vendor,
                "Checkout",
                Program.POC,
                sized("Checkout", 1),
                date(DEMO_YEAR, 3, 1),
                date(DEMO_YEAR, 3, 20),
                "POC-7731",
                "Payment provider proof of concept",
            ),
            (
                vendor,
                "Search",
                Program.ACTIVATE,
                sized("Search", 8),
                date(DEMO_YEAR, 9, 1),
                max(soon, date(DEMO_YEAR, 9, 30)),
                "ACT-5502",
                "Activate credits: far more than Search burns before they expire",
            ),
            (
                fin,
                "Catalog Service",
                Program.OTHER,
                Decimal("2500.00"),
                date(DEMO_YEAR, 2, 1),
                date(DEMO_YEAR, 12, 31),
                "SUP-0042",
                "Service credit for the February outage",
            ),
            (
                fin,
                "Catalog Service",
                Program.ACTIVATE,
                sized("Catalog Service", 2),
                today.replace(day=1),
                date(next_year, 12, 31),
                "ACT-6120",
                "Recorded, not used yet",
            ),
        ]
        made = []
        for user, product, program, amount, start, expires, reference, description in stories:
            record, _ = await credit_service.create_credit(
                uow,
                container.clock,
                user,
                everything,
                fields=CreditFields(
                    budgets[product],
                    program,
                    amount.quantize(Decimal("0.01")),
                    start,
                    expires,
                    reference,
                    description,
                ),
            )
            made.append(record.credit)
        for month in finished[:6]:
            await credit_service.apply_credits(
                uow,
                container.clock,
                Actor.system("month close (demo)"),
                reader,
                period=period_key(month),
            )
        void = (await credit_service.credit_detail(uow, everything, made[3].id))[0].credit
        await credit_service.void_credit(
            uow,
            container.clock,
            fin,
            everything,
            credit_id=void.id,
            reason="Recorded twice: AWS folded it into MAP-2026-014",
            version=void.version,
        )
        for month in finished[6:]:
            await credit_service.apply_credits(
                uow,
                container.clock,
                Actor.system("month close (demo)"),
                reader,
                period=period_key(month),
            )
        await uow.commit()


async def _demo_closes(container: Container) -> None:
    """The first final month closed (closed, reopened by the Admin for a late refund, closed
    again with the same files), and the next one with its checklist half filled."""
    final = [p for p in await container.close_figures.billing_periods() if p.finalized]
    if not final:
        return
    settings = CloseSettings(
        container.settings.default_business_unit or None, container.settings.currency
    )
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        admin = await uow.users.get_by_email(DEMO_USERS[0][1])
        vendor = await uow.users.get_by_email(DEMO_USERS[2][1])
        assert admin is not None
        assert vendor is not None
        first = final[0]
        await closes.save_checklist(
            uow,
            container.clock,
            vendor,
            period=first.period,
            checklist=Checklist(
                "Amazon Web Services, Inc.",
                f"PO-{DEMO_YEAR}-0001",
                first.invoice_ids,
                f"AWS bill {first.period}, cloud platform services",
                DEMO_DEFAULT_BUSINESS_UNIT,
            ),
            version=0,
        )

        async def close() -> None:
            await closes.close_period(
                uow,
                container.clock,
                vendor,
                container.close_figures,
                container.credit_ledger(uow, container.clock, Actor.system("demo")),
                csv_bytes,
                settings,
                period=first.period,
            )

        await close()
        await closes.reopen_period(
            uow,
            container.clock,
            admin,
            period=first.period,
            reason="AWS announced a late refund; checking it is in the CUR",
        )
        await close()
        if len(final) > 1:
            await closes.save_checklist(
                uow,
                container.clock,
                vendor,
                period=final[1].period,
                checklist=Checklist(
                    "Amazon Web Services, Inc.",
                    f"PO-{DEMO_YEAR}-0001",
                    final[1].invoice_ids,
                    "",
                    DEMO_DEFAULT_BUSINESS_UNIT,
                ),
                version=0,
            )
        await uow.commit()
