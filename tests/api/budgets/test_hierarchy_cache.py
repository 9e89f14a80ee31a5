"""The hierarchy's kept answers (`api.answer_cache`): served again while nothing was written,
computed again after any write, never shared across scopes."""

from __future__ import annotations

import pytest

from domain.identity.roles import Role
from tests.api.budgets.conftest import CHART_2025, chart
from tests.api.budgets.test_scope import nodes_by_name, owner


async def hierarchy(client, headers):
    r = await client.get("/api/v1/hierarchy", headers=headers, params={"year": 2025})
    assert r.status_code == 200, r.text
    return r.json()


def top(tree, name):
    return next(n for n in tree["nodes"] if n["name"] == name)


@pytest.mark.usefixtures("loaded")
class TestHierarchyCache:
    async def test_a_repeated_read_is_served_from_the_cache_with_the_same_answer(
        self, client, container, finance
    ):
        first = await hierarchy(client, finance)
        hits = container.answers.hits
        assert await hierarchy(client, finance) == first
        assert container.answers.hits == hits + 1

    async def test_an_amount_change_is_seen_by_the_next_read(self, client, finance, loaded):
        before = top(await hierarchy(client, finance), "Corporate")["annual_amount"]
        assert before == "120000.00"
        await hierarchy(client, finance)  # kept
        r = await client.patch(
            f"/api/v1/budgets/{loaded['Ledger']['id']}",
            headers=finance,
            json={"annual_amount": "150000", "effective_from": "2025-01-01"},
        )
        assert r.status_code == 200, r.text
        assert top(await hierarchy(client, finance), "Corporate")["annual_amount"] == "150000.00"

    async def test_a_failed_write_changes_nothing_and_the_kept_answer_stays_right(
        self, client, finance, loaded
    ):
        first = await hierarchy(client, finance)
        r = await client.patch(
            f"/api/v1/budgets/{loaded['Ledger']['id']}",
            headers=finance,
            json={"annual_amount": "-5", "effective_from": "2025-01-01"},
        )
        assert r.status_code == 422
        assert await hierarchy(client, finance) == first

    async def test_scopes_never_share_an_answer_and_a_scope_change_is_seen(
        self, client, container, finance
    ):
        _, admin_h = await owner(client, container, Role.ADMIN)
        nodes = await nodes_by_name(client, finance)
        po, po_h = await owner(client, container, Role.PORTFOLIO_OWNER)
        web = nodes[("Retail", "Digital", "Web")]
        erp = nodes[("Corporate", "Finance", "ERP")]
        r = await client.put(
            f"/api/v1/users/{po.id}/scope", headers=admin_h, json={"node_ids": [web["id"]]}
        )
        assert r.status_code == 200, r.text
        everything = await hierarchy(client, finance)
        assert {n["name"] for n in everything["nodes"]} == {"Retail", "Corporate"}
        assert [n["name"] for n in (await hierarchy(client, po_h))["nodes"]] == ["Web"]
        assert [n["name"] for n in (await hierarchy(client, po_h))["nodes"]] == ["Web"]
        assert await hierarchy(client, finance) == everything
        r = await client.put(
            f"/api/v1/users/{po.id}/scope", headers=admin_h, json={"node_ids": [erp["id"]]}
        )
        assert r.status_code == 200, r.text
        moved = await hierarchy(client, po_h)
        assert [n["name"] for n in moved["nodes"]] == ["ERP"]
        assert moved["nodes"][0]["annual_amount"] == "120000.00"

    async def test_a_new_chart_import_is_seen_by_the_next_read(self, client, finance):
        await hierarchy(client, finance)
        grown = CHART_2025 + "Corporate,People,HR,Payroll,50000,CC-300\n"
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(grown, "Customer_2025_true_2025-01-01_false_Budget_v2.csv"),
        )
        assert r.status_code == 201, r.text
        corporate = top(await hierarchy(client, finance), "Corporate")
        assert {c["name"] for c in corporate["children"]} == {"Finance", "People"}
        assert corporate["annual_amount"] == "170000.00"
