"""The demo organisation: its people, chart of accounts and who sees what."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from adapters.db.uow import UnitOfWork
from domain.audit import Actor
from domain.budgets import scope_service
from domain.identity.roles import Role

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

# The year grows: month m's weight is 100 + 6 (m - 1) (December 66 % above January). The
# schedules plan that growth and the spend follows it.
DEMO_GROWTH: dict[str, Decimal] = {
    f"{DEMO_YEAR}-{m:02d}": Decimal(100 + 6 * (m - 1)) for m in range(1, 13)
}


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


async def map_scopes(uow: UnitOfWork, actor: Actor) -> None:
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
