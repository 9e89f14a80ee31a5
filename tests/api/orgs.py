"""The test organisation the credits, recommendations and spend-card tests share: the 2026 chart
of accounts (Retail → Digital → Web → Checkout, Search; Corporate → Finance → ERP → Ledger), a
synthetic CUR, its accounts discovered, and helpers to split them and to map users to nodes.

Each conftest builds its own world on top (its clock, its CUR, its splits and users)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from adapters.clock import FixedClock
from domain.identity.roles import Role
from tests.factories import auth_headers, make_user, token_for

CHART = (
    "BU,Dept,Portfolio,Product,Amount\n"
    "Retail,Digital,Web,Checkout,1200.00\n"
    "Retail,Digital,Web,Search,600.00\n"
    "Corporate,Finance,ERP,Ledger,1200\n"
)
CHART_FILE = "C_2026_true_2026-01-01_false_Budget_v1.csv"

Headers = dict[str, str]


@dataclass(frozen=True)
class Org:
    """The organisation as the tests see it: headers of the Admin, the Financial Admin and any
    other role asked for, the hierarchy's nodes by name (from the API), and the CUR's accounts
    (sorted)."""

    admin: Headers
    fin: Headers
    roles: Mapping[Role, Headers]
    nodes: Mapping[str, dict[str, Any]]
    accounts: Sequence[str]

    def budget(self, name: str) -> int:
        return int(self.nodes[name]["budget_id"])


async def mapped(client, container, admin, role, node_id):
    """A new user of `role` whose scope is the node `node_id`, with their headers."""
    user = await make_user(container, role=role)
    r = await client.put(
        f"/api/v1/users/{user.id}/scope", headers=admin, json={"node_ids": [node_id]}
    )
    assert r.status_code == 200, r.text
    return user, {"Authorization": f"Bearer {await token_for(client, user.email)}"}


async def member(client, container, org: Org, role: Role, node: str):
    """`mapped` to the node named `node`."""
    return await mapped(client, container, org.admin, role, org.nodes[node]["id"])


def _named(nodes: Sequence[dict[str, Any]], out: dict[str, dict[str, Any]]) -> None:
    for node in nodes:
        out.setdefault(node["name"], node)
        _named(node.get("children") or [], out)


async def build_org(
    client,
    container,
    settings,
    *,
    today: date,
    cur: Path,
    write_cur: Callable[[Path], object],
    roles: Sequence[Role] = (),
) -> Org:
    """The clock on `today`, the CUR `write_cur` writes into `cur` read, the chart loaded and
    the accounts discovered; users: an Admin, a Financial Admin, then one of each of `roles`."""
    container.clock = FixedClock.on(today)
    write_cur(cur)
    settings.cur_path = str(cur)
    admin = await auth_headers(client, container, role=Role.ADMIN)
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    others = {role: await auth_headers(client, container, role=role) for role in roles}
    r = await client.post(
        "/api/v1/budget-imports",
        headers=fin,
        files={"file": (CHART_FILE, CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    await client.post("/api/v1/accounts/discover", headers=fin)
    tree = (await client.get("/api/v1/hierarchy", headers=fin, params={"year": 2026})).json()
    nodes: dict[str, dict[str, Any]] = {}
    _named(tree["nodes"], nodes)
    accounts = sorted(
        a["account_id"] for a in (await client.get("/api/v1/accounts", headers=fin)).json()
    )
    return Org(admin, fin, others, nodes, accounts)


async def split(
    client, org: Org, shares: Mapping[str, Mapping[int, str]], *, effective_from="2026-10-01"
) -> None:
    """Each account's split (budget id → percent) from `effective_from`."""
    for account, by_budget in shares.items():
        r = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=org.fin,
            json={
                "effective_from": effective_from,
                "splits": [{"budget_id": b, "percent": p} for b, p in by_budget.items()],
            },
        )
        assert r.status_code == 200, r.text
