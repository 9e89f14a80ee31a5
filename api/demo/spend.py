"""The demo's spend: a generated CUR for the year, its accounts, splits, workloads and claims."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from adapters.db.uow import UnitOfWork
from api.container import Container
from api.demo.anomalies import demo_anomalies
from api.demo.cards import demo_cards
from api.demo.closes import demo_closes
from api.demo.credits import demo_credits
from api.demo.org import DEMO_USERS, DEMO_YEAR
from api.demo.plan import demo_spend_plan, generate_demo_cur
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


async def load_spend(container: Container, actor: Actor) -> None:
    """A CUR for the demo year up to yesterday, its accounts, splits, workloads, claims and
    schedules in every state: only on the first load (the CUR folder does not exist yet)."""
    settings = container.settings
    cur_dir = Path(settings.resolved_cur_path())
    if settings.cur_path or cur_dir.exists():
        return
    today = container.clock.now().date()
    plan = demo_spend_plan(today)
    await asyncio.to_thread(generate_demo_cur, cur_dir, plan)
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
        for split in plan.splits:
            await accounts_service.update_account(
                uow,
                actor,
                account_id=split.account_id,
                changes=accounts_service.AccountChanges(account_type=split.kind),
            )
            for since, shares in [(date(DEMO_YEAR, 1, 1), split.shares), *split.remaps]:
                await allocation.set_split(
                    uow,
                    container.clock,
                    actor,
                    account_id=split.account_id,
                    shares=[(budgets[name].id, pct) for name, pct in shares],
                    effective_from=since,
                )
        await _demo_workloads(container, uow, budgets, ids[0])
        await uow.commit()
    await demo_schedules(container, container.clock.now(), budgets)
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
