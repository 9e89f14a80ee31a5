"""The demo organisation: its people, chart of accounts and who sees what."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from adapters.db.uow import UnitOfWork
from api.demo.chart import DEMO_CHART
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
    # the Portfolio Owners of every other department's portfolios (a Portfolio Owner's
    # portfolios share one department), who approved the schedules finance drafted for them
    (Role.PORTFOLIO_OWNER, "stores@demo.finops", "Stella Stores"),
    (Role.PORTFOLIO_OWNER, "finance-it@demo.finops", "Fiona Systems"),
    (Role.PORTFOLIO_OWNER, "people@demo.finops", "Perry People"),
    (Role.PORTFOLIO_OWNER, "legal@demo.finops", "Lee Legal"),
    (Role.PORTFOLIO_OWNER, "data@demo.finops", "Dana Data"),
    (Role.PORTFOLIO_OWNER, "sellers@demo.finops", "Sally Sellers"),
    (Role.PORTFOLIO_OWNER, "ads@demo.finops", "Adam Ads"),
)

# Which nodes each demo owner is mapped to (paths from the top, at the level of the role).
_STOREFRONT = ("Retail", "Digital Commerce", "Web Storefront")
_MOBILE = ("Retail", "Digital Commerce", "Mobile")
_SHARED = ("Platform", "Cloud Engineering", "Shared Services")


def _portfolios(*under: str) -> tuple[tuple[str, ...], ...]:
    """Every portfolio of the chart under a department."""
    found = dict.fromkeys(row[:3] for row in DEMO_CHART if row[: len(under)] == under)
    return tuple(found)


DEMO_SCOPES: dict[str, tuple[tuple[str, ...], ...]] = {
    "bu@demo.finops": (("Retail",),),
    "dept@demo.finops": (("Retail", "Digital Commerce"),),
    "portfolio@demo.finops": (_STOREFRONT,),
    "product@demo.finops": ((*_STOREFRONT, "Checkout"),),
    "catalog@demo.finops": ((*_STOREFRONT, "Catalog Service"),),
    "search@demo.finops": ((*_STOREFRONT, "Search"),),
    "mobile@demo.finops": (_MOBILE, ("Retail", "Digital Commerce", "Customer Experience")),
    "apps@demo.finops": ((*_MOBILE, "iOS App Backend"), (*_MOBILE, "Push Notifications")),
    "platform@demo.finops": _portfolios("Platform", "Cloud Engineering"),
    "kube@demo.finops": ((*_SHARED, "Kubernetes Platform"), (*_SHARED, "Observability")),
    "stores@demo.finops": _portfolios("Retail", "Stores"),
    "finance-it@demo.finops": _portfolios("Corporate", "Finance"),
    "people@demo.finops": _portfolios("Corporate", "People"),
    "legal@demo.finops": _portfolios("Corporate", "Legal & Risk"),
    "data@demo.finops": _portfolios("Platform", "Data"),
    "sellers@demo.finops": _portfolios("Marketplace", "Seller Services"),
    "ads@demo.finops": _portfolios("Marketplace", "Advertising"),
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
            sees = _listed(paths)
        elif role is Role.CLOUD_ENGINEER:
            sees = "every account's resources and their recommendations"
        else:
            sees = "everything"
        users.append(DemoLogin(role.value, email, name, sees))
    return DemoLogins(DEMO_PASSWORD, users)


def _listed(paths: tuple[tuple[str, ...], ...]) -> str:
    """Paths with the same parent share it: "Corporate › People › HR Systems, Workplace"."""
    by_parent: dict[tuple[str, ...], list[str]] = {}
    for path in paths:
        by_parent.setdefault(path[:-1], []).append(path[-1])
    return "; ".join(" › ".join((*parent, ", ".join(names))) for parent, names in by_parent.items())


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
