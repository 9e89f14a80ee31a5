"""The budget list's kept answers (`GET /budgets`, `api.answer_cache`): served again while
nothing was written, computed again after each kind of write that changes the list (an amount,
a new line item, a chart import, a schedule's status, a caller's scope), never shared across
scopes, and the same as computed afresh."""

from __future__ import annotations

import pytest

from domain.identity.roles import Role
from tests.api.budgets.conftest import CHART_2025, chart
from tests.api.budgets.test_scope import nodes_by_name, owner


async def budgets(client, headers, **params):
    r = await client.get("/api/v1/budgets", headers=headers, params={"year": 2025} | params)
    assert r.status_code == 200, r.text
    return r.json()


def by_product(listed):
    return {b["product"]: b for b in listed["items"]}


@pytest.mark.usefixtures("loaded")
class TestBudgetListCache:
    async def test_a_repeated_read_is_kept_and_equals_the_answer_computed_afresh(
        self, client, container, finance
    ):
        first = await budgets(client, finance)
        hits = container.answers.hits
        assert await budgets(client, finance) == first
        assert container.answers.hits == hits + 1
        container.answers.clear()
        assert await budgets(client, finance) == first
        assert (first["total"], first["labels"] is None) == (4, False)
        # another year or status is another answer
        assert (await budgets(client, finance, status="retired"))["items"] == []
        assert (await budgets(client, finance, year=2024))["total"] == 0

    async def test_an_amount_change_is_seen_by_the_next_read(self, client, finance, loaded):
        await budgets(client, finance)
        await budgets(client, finance)  # kept
        r = await client.patch(
            f"/api/v1/budgets/{loaded['Ledger']['id']}",
            headers=finance,
            json={"annual_amount": "150000", "effective_from": "2025-03-01"},
        )
        assert r.status_code == 200, r.text
        assert by_product(await budgets(client, finance))["Ledger"]["annual_amount"] == "150000.00"

    async def test_a_new_line_item_and_a_chart_import_are_seen_by_the_next_read(
        self, client, finance
    ):
        await budgets(client, finance)
        r = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json={
                "year": 2025,
                "path": ["Corporate", "Finance", "ERP", "Tax"],
                "annual_amount": "1000",
                "start_date": "2025-01-01",
            },
        )
        assert r.status_code == 201, r.text
        assert "Tax" in by_product(await budgets(client, finance))
        grown = CHART_2025 + "Corporate,People,HR,Payroll,50000,CC-300\n"
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(grown, "Customer_2025_true_2025-01-01_false_Budget_v2.csv"),
        )
        assert r.status_code == 201, r.text
        assert by_product(await budgets(client, finance))["Payroll"]["annual_amount"] == "50000.00"

    async def test_a_schedule_status_change_is_seen_by_the_next_read(self, client, finance, loaded):
        ledger = loaded["Ledger"]["id"]
        assert by_product(await budgets(client, finance))["Ledger"]["schedule_status"] == "none"
        months = [{"month": f"2025-{m:02d}", "amount": "10000.00"} for m in range(1, 13)]
        r = await client.put(
            f"/api/v1/budgets/{ledger}/schedule",
            headers=finance,
            json={"months": months, "version": 0},
        )
        assert r.status_code == 200, r.text
        assert by_product(await budgets(client, finance))["Ledger"]["schedule_status"] == "draft"

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
        everything = await budgets(client, finance)
        assert set(by_product(everything)) == {"Storefront", "Checkout", "App", "Ledger"}
        for _ in range(2):  # computed, then kept: the owner's own answer both times
            assert set(by_product(await budgets(client, po_h))) == {"Storefront", "Checkout"}
        assert await budgets(client, finance) == everything
        r = await client.put(
            f"/api/v1/users/{po.id}/scope", headers=admin_h, json={"node_ids": [erp["id"]]}
        )
        assert r.status_code == 200, r.text
        assert set(by_product(await budgets(client, po_h))) == {"Ledger"}

    async def test_a_csv_download_is_computed_and_not_kept(self, client, container, finance):
        await budgets(client, finance)
        hits = container.answers.hits
        r = await client.get(
            "/api/v1/budgets", headers=finance, params={"year": 2025, "format": "csv"}
        )
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        assert len(r.text.strip().splitlines()) == 5
        assert container.answers.hits == hits
