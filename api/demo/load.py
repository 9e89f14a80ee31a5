"""`load_demo`: every story of the demo, in order, on the first load."""

from __future__ import annotations

from adapters.config import Settings
from adapters.db.uow import UnitOfWork
from api.container import build_container
from api.demo.integrations import demo_integrations
from api.demo.org import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DEMO_YEAR,
    DemoLogins,
    demo_chart_csv,
    demo_logins,
    map_scopes,
)
from api.demo.spend import load_spend
from domain.audit import Actor
from domain.budgets import service as budgets
from domain.budgets.filename import LoadOptionOverrides
from domain.identity.users import NewUserRequest, create_user
from domain.ports import Clock


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
                await map_scopes(uow, actor)
            await uow.commit()
        await load_spend(container, actor)
        await demo_integrations(container)
    finally:
        await container.close()
    return demo_logins()
