"""The demo organisation `make run` loads: idempotent, grows with every capability."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.config import Settings
from adapters.db.uow import UnitOfWork
from api.container import build_container
from domain.audit import Actor
from domain.identity.roles import Role
from domain.identity.users import create_user

DEMO_PASSWORD = "finops-demo-2026"

DEMO_USERS: tuple[tuple[Role, str, str], ...] = (
    (Role.ADMIN, "admin@demo.finops", "Ada Admin"),
    (Role.FINANCIAL_ADMIN, "fin@demo.finops", "Frank Finance"),
    (Role.VENDOR_MANAGER, "vendor@demo.finops", "Vera Vendor"),
    (Role.BUSINESS_UNIT_OWNER, "bu@demo.finops", "Bea Business"),
    (Role.DEPARTMENT_OWNER, "dept@demo.finops", "Dan Department"),
    (Role.PORTFOLIO_OWNER, "portfolio@demo.finops", "Pia Portfolio"),
    (Role.PRODUCT_OWNER, "product@demo.finops", "Paul Product"),
    (Role.CLOUD_ENGINEER, "engineer@demo.finops", "Cleo Cloud"),
)


@dataclass(frozen=True)
class DemoLogins:
    password: str
    users: list[tuple[str, str]]


async def load_demo(settings: Settings) -> DemoLogins:
    container = build_container(settings)
    actor = Actor.system("demo")
    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            for role, email, name in DEMO_USERS:
                if await uow.users.get_by_email(email) is None:
                    await create_user(
                        uow.users,
                        container.hasher,
                        uow.audit,
                        actor,
                        email=email,
                        name=name,
                        role=role.value,
                        password=DEMO_PASSWORD,
                    )
            await uow.commit()
    finally:
        await container.close()
    return DemoLogins(DEMO_PASSWORD, [(r.value, e) for r, e, _ in DEMO_USERS])
