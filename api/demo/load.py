"""`load_demo`: every story of the demo, in order, on the first load."""

from __future__ import annotations

from adapters.config import Settings
from adapters.db.uow import UnitOfWork
from api.container import build_container
from api.demo.chart import demo_chart_csv
from api.demo.integrations import demo_integrations
from api.demo.org import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DEMO_YEAR,
    DemoLogins,
    demo_logins,
    map_scopes,
)
from api.demo.spend import load_spend
from domain.audit import Actor
from domain.budgets import service as budgets
from domain.budgets.filename import LoadOptionOverrides
from domain.identity.users import NewUserRequest, create_user
from domain.ports import Clock, PasswordHasher


class _OnceHasher:
    """Every demo user has the same (printed) password: hashed once, not once per user (each
    Argon2 hash costs a fraction of a second of CPU)."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher
        self._hashes: dict[str, str] = {}

    def hash(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = self._hasher.hash(password)
        return self._hashes[password]

    def verify(self, password_hash: str, password: str) -> bool:
        return self._hasher.verify(password_hash, password)


async def load_demo(settings: Settings, clock: Clock | None = None) -> DemoLogins:
    """Load the demo organisation as of today (`clock`: the system clock by default)."""
    container = build_container(settings)
    if clock is not None:
        container.clock = clock
    actor = Actor.system("demo")
    hasher = _OnceHasher(container.hasher)
    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            for role, email, name in DEMO_USERS:
                if await uow.users.get_by_email(email) is None:
                    await create_user(
                        uow,
                        hasher,
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
