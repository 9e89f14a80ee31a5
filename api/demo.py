"""The demo organisation `make run` loads: idempotent, grows with every capability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from adapters.config import Settings
from adapters.db.uow import UnitOfWork
from api.container import build_container
from domain.audit import Actor
from domain.budgets import service as budgets
from domain.budgets.filename import LoadOptionOverrides
from domain.identity.roles import Role
from domain.identity.users import create_user

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

# Which node each demo owner is mapped to (a path from the top, at the level of the role).
DEMO_SCOPES: dict[str, tuple[str, ...]] = {
    "bu@demo.finops": ("Retail",),
    "dept@demo.finops": ("Retail", "Digital Commerce"),
    "portfolio@demo.finops": ("Retail", "Digital Commerce", "Web Storefront"),
    "product@demo.finops": ("Retail", "Digital Commerce", "Web Storefront", "Checkout"),
}


@dataclass(frozen=True)
class DemoLogins:
    password: str
    users: list[tuple[str, str]]


def demo_chart_csv() -> bytes:
    lines = ["Business Unit,Department,Portfolio,Product,Annual Budget,Cost Centre"]
    lines += [",".join(f'"{cell}"' for cell in row) for row in DEMO_CHART]
    return ("\n".join(lines) + "\n").encode()


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
            if not await uow.budgets.existing_budgets(DEMO_YEAR):
                await budgets.import_chart(
                    uow.budgets,
                    container.objects,
                    uow.audit,
                    actor,
                    filename=f"Demo_{DEMO_YEAR}_true_{DEMO_YEAR}-01-01_false_Budget_v1.csv",
                    data=demo_chart_csv(),
                    overrides=LoadOptionOverrides(),
                    now=datetime.now(UTC),
                )
                await _map_scopes(uow, actor)
            await uow.commit()
    finally:
        await container.close()
    return DemoLogins(DEMO_PASSWORD, [(r.value, e) for r, e, _ in DEMO_USERS])


async def _map_scopes(uow: UnitOfWork, actor: Actor) -> None:
    nodes = await uow.budgets.nodes(DEMO_YEAR)
    by_id = {n.id: n for n in nodes}

    def path_of(node_id: int) -> tuple[str, ...]:
        node = by_id[node_id]
        return (*path_of(node.parent_id), node.name) if node.parent_id else (node.name,)

    by_path = {path_of(n.id): n.id for n in nodes}
    for email, path in DEMO_SCOPES.items():
        user = await uow.users.get_by_email(email)
        if user is not None:
            await budgets.set_user_scope(
                uow.budgets, uow.audit, actor, user=user, node_ids=[by_path[path]]
            )
