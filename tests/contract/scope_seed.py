"""What a role must never see, collected from the seed (issue 17's scope check).

Read from the role's fresh copy of the demo as the Financial Admin (a directory of the seed,
never as the role itself: a leak in a listing would otherwise define itself as in scope).
The scope comes from the demo's declared mapping (`DEMO_SCOPES`), the rest from the data:
nothing here counts business units or products, so the demo may grow.

The result, written as JSON for `st_hooks.py`:
- `strings`: names matched as whole JSON string values (node names, budget attributes,
  workload and account names, credit references) — minus every name also used in scope;
- `keys`: per id-valued JSON field (`budget_id`, `account_id`, `resource_id`, …) the
  out-of-scope ids, numbers or strings, matched only under that field (a short numeric id is
  never searched for inside other numbers);
- `ids`: per kind (`budget`, `node`, `workload`, `claim`, `credit`, `card`,
  `recommendation`) the out-of-scope values of the objects' own `id`, checked only in the
  responses of the routes that list or return that kind (`st_hooks.ID_KINDS`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from api.demo import DEMO_SCOPES, DEMO_YEAR

UNSCOPED = {"admin", "financial_admin", "vendor_manager"}


def _get(base_url: str, token: str, path: str, **params: Any) -> Any:
    response = httpx.get(
        f"{base_url}{path}",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    response.raise_for_status()
    return response.json()


def _walk(
    nodes: list[dict[str, Any]], parents: tuple[dict[str, Any], ...] = ()
) -> Iterator[tuple[dict[str, Any], tuple[dict[str, Any], ...]]]:
    for node in nodes:
        yield node, parents
        yield from _walk(node["children"], (*parents, node))


def _resources(base_url: str, fin: str) -> list[dict[str, Any]]:
    """Every resource of every billing period (the listing shows one period at a time)."""
    found: list[dict[str, Any]] = []
    for period in _get(base_url, fin, "/api/v1/billing-periods"):
        offset = 0
        while True:
            page = _get(
                base_url,
                fin,
                "/api/v1/resources",
                period=period["period"],
                status="all",
                limit=500,
                offset=offset,
            )
            found += page["items"]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                break
    return found


def _recommendations(base_url: str, fin: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        page = _get(base_url, fin, "/api/v1/recommendations", limit=500, offset=len(found))
        found += page["items"]
        if not page["items"] or len(found) >= page["total"]:
            return found


def forbidden_for(role: str, email: str, base_url: str, fin: str) -> dict[str, Any]:
    """The out-of-scope names and ids of `role` (logged in as `email`); `fin` is a Financial
    Admin's token on the same copy."""
    empty: dict[str, Any] = {"strings": [], "keys": {}, "ids": {}}
    if role in UNSCOPED:
        return empty
    mapped_paths = set(DEMO_SCOPES.get(email, ()))
    tree = _get(base_url, fin, "/api/v1/hierarchy", year=DEMO_YEAR)["nodes"]
    inside: set[int] = set()  # in a mapped subtree
    above: set[int] = set()  # an ancestor of a mapped node: its name is shown in paths
    for node, parents in _walk(tree):
        path = tuple(p["name"] for p in (*parents, node))
        if any(path[: len(m)] == m for m in mapped_paths):
            inside.add(node["id"])
        if any(m[: len(path)] == path and len(m) > len(path) for m in mapped_paths):
            above.add(node["id"])
    nodes = [n for n, _ in _walk(tree)]
    out_nodes = [n for n in nodes if n["id"] not in inside | above]
    allowed_names = {n["name"] for n in nodes if n["id"] in inside | above}
    in_budgets = {n["budget_id"] for n in nodes if n["id"] in inside and n["budget_id"]}
    out_budgets = {n["budget_id"] for n in out_nodes if n["budget_id"] is not None}
    budgets = _get(base_url, fin, "/api/v1/budgets", year=DEMO_YEAR, limit=1000)["items"]
    strings = {n["name"] for n in out_nodes}
    strings |= {v for b in budgets if b["id"] in out_budgets for v in b["attributes"].values()}
    allowed_names |= {v for b in budgets if b["id"] in in_budgets for v in b["attributes"].values()}

    workloads = _get(base_url, fin, "/api/v1/workloads")
    out_workloads = {w["id"] for w in workloads if w["budget_id"] in out_budgets}
    allowed_names |= {w["name"] for w in workloads if w["id"] not in out_workloads}
    strings |= {w["name"] for w in workloads if w["id"] in out_workloads}
    credits = [c for c in _get(base_url, fin, "/api/v1/credits") if c["budget_id"] in out_budgets]
    strings |= {c["reference"] for c in credits if c.get("reference")}
    claims = _get(base_url, fin, "/api/v1/claims")
    out_claims = [c for c in claims if c["budget_id"] in out_budgets]
    cards = _get(base_url, fin, "/api/v1/spend-cards")

    # Accounts (and their resources and recommendations) are seen by an owner when their
    # spend reaches the scope: split onto one of its budgets in any version, or running one of
    # its workloads (adapters/db/accounts.py). A Cloud Engineer mapped to nothing sees all.
    accounts = _get(base_url, fin, "/api/v1/accounts")
    sees_all_accounts = role == "cloud_engineer" and not mapped_paths
    reaching = {w["account_id"] for w in workloads if w["budget_id"] in in_budgets}
    for account in accounts:
        versions = _get(base_url, fin, f"/api/v1/accounts/{account['account_id']}/allocation")
        if any(s["budget_id"] in in_budgets for v in versions for s in v["splits"]):
            reaching.add(account["account_id"])
    out_accounts = set() if sees_all_accounts else {a["account_id"] for a in accounts} - reaching
    allowed_names |= {a["name"] for a in accounts if a["account_id"] not in out_accounts}
    strings |= {a["name"] for a in accounts if a["account_id"] in out_accounts}
    out_resources = {
        r["resource_id"] for r in _resources(base_url, fin) if r["account_id"] in out_accounts
    }
    recs = [r for r in _recommendations(base_url, fin) if r["account_id"] in out_accounts]
    out_resources |= {r["resource_id"] for r in recs if r.get("resource_id")}
    rec_arns = {r["resource_arn"] for r in recs if r.get("resource_arn")}

    def ids(values: set[Any]) -> list[Any]:
        return sorted(values, key=str)

    budget_ids = ids(out_budgets)
    node_ids = ids({n["id"] for n in out_nodes})
    return {
        # a name also used inside the scope (a workload named like a product) proves nothing
        "strings": sorted(strings - allowed_names),
        "keys": {
            "budget_id": budget_ids,
            "budget_ids": budget_ids,
            "from_budget_id": budget_ids,
            "to_budget_id": budget_ids,
            "node_id": node_ids,
            "node_ids": node_ids,
            "workload_id": ids(out_workloads),
            "credit_id": ids({c["id"] for c in credits}),
            "claim_id": ids({c["id"] for c in out_claims}),
            "card_id": ids({c["id"] for c in cards if c["budget_id"] in out_budgets}),
            "recommendation_id": ids(
                {r["id"] for r in recs} | {r["recommendation_id"] for r in recs}
            ),
            "account_id": ids(out_accounts),
            "account_ids": ids(out_accounts),
            "resource_id": ids(out_resources),
            "resource_ids": ids(out_resources),
            "resource_arn": ids(rec_arns),
        },
        "ids": {
            "budget": budget_ids,
            "node": node_ids,
            "workload": ids(out_workloads),
            "claim": ids({c["id"] for c in out_claims}),
            "credit": ids({c["id"] for c in credits}),
            "card": ids({c["id"] for c in cards if c["budget_id"] in out_budgets}),
            "recommendation": ids({r["id"] for r in recs}),
        },
        "counts": {
            "budgets": len(out_budgets),
            "nodes": len(out_nodes),
            "accounts": len(out_accounts),
            "resources": len(out_resources),
            "recommendations": len(recs),
            "claims": len(out_claims),
        },
    }
