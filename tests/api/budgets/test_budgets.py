from __future__ import annotations

import pytest
from sqlalchemy import insert

from adapters.db.models import ClosedPeriodRow
from domain.identity.roles import Role
from tests.factories import auth_headers


class TestYears:
    async def test_define_and_rename_the_levels(self, client, finance):
        r = await client.post(
            "/api/v1/years",
            headers=finance,
            json={"year": 2026, "labels": ["Segment", "Division", "Program", "Project"]},
        )
        assert r.status_code == 201
        r = await client.post(
            "/api/v1/years",
            headers=finance,
            json={"year": 2026, "labels": ["Segment", "Division", "Program", "Application"]},
        )
        years = (await client.get("/api/v1/years", headers=finance)).json()
        assert [(y["year"], y["labels"]) for y in years] == [
            (2026, ["Segment", "Division", "Program", "Application"])
        ]
        assert years[0]["default"]  # the only year is the one the pages open on

    @pytest.mark.parametrize(
        "labels", [["A", "B", "C"], ["A", "B", "C", "a"], ["A", "B", "C", "\x07"]]
    )
    async def test_bad_labels(self, client, finance, labels):
        r = await client.post(
            "/api/v1/years", headers=finance, json={"year": 2026, "labels": labels}
        )
        assert r.status_code == 422
        assert (await client.get("/api/v1/years", headers=finance)).json() == []


class TestLineItems:
    async def _year(self, client, finance):
        await client.post(
            "/api/v1/years",
            headers=finance,
            json={"year": 2026, "labels": ["BU", "Dept", "Portfolio", "Product"]},
        )

    async def test_add_a_line_item_creating_missing_nodes(self, client, finance):
        await self._year(client, finance)
        r = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json={
                "year": 2026,
                "path": ["Retail", "Digital", "Web", "Search"],
                "annual_amount": "1,000.10",
                "attributes": {"cost_centre": "CC-9"},
            },
        )
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["annual_amount"] == "1000.10"
        assert body["labels"] == ["BU", "Dept", "Portfolio", "Product"]
        assert body["versions"][0]["effective_from"] == "2026-01-01"
        again = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json={
                "year": 2026,
                "path": ["retail", "DIGITAL", "Web", "Search"],
                "annual_amount": "5",
            },
        )
        assert again.status_code == 409
        sibling = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json={"year": 2026, "path": ["retail", "Digital", "Web", "Ads"], "annual_amount": "5"},
        )
        assert sibling.status_code == 201
        assert sibling.json()["path"][0] == "Retail"  # the existing spelling is kept

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"path": ["A", "B", "C"], "annual_amount": "1"}, "path"),
            ({"path": ["A", "B", "C", "D"], "annual_amount": "-1"}, "annual_amount"),
            ({"path": ["A", "B", "C", "D"], "annual_amount": "ten"}, "annual_amount"),
            ({"path": ["A", "", "C", "D"], "annual_amount": "1"}, "path.1"),
        ],
    )
    async def test_bad_line_items(self, client, finance, body, field):
        await self._year(client, finance)
        r = await client.post("/api/v1/budgets", headers=finance, json={"year": 2026, **body})
        assert r.status_code == 422, r.text
        assert field in [e.get("field") for e in r.json()["errors"]]
        listed = await client.get("/api/v1/budgets", headers=finance, params={"year": 2026})
        assert listed.json()["total"] == 0

    async def test_an_undefined_year_is_refused(self, client, finance):
        r = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json={"year": 2031, "path": ["A", "B", "C", "D"], "annual_amount": "1"},
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "year"


class TestVersions:
    async def test_change_from_a_month_keeps_history(self, client, finance, loaded):
        budget = loaded["Ledger"]
        r = await client.patch(
            f"/api/v1/budgets/{budget['id']}",
            headers=finance,
            json={"annual_amount": "150000", "effective_from": "2025-07-01"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["annual_amount"] == "150000.00"
        assert [v["effective_from"] for v in r.json()["versions"]] == ["2025-01-01", "2025-07-01"]
        events = (
            await client.get(
                "/api/v1/audit", headers=self.admin_headers, params={"action": "budget.version"}
            )
        ).json()
        assert events["total"] == 1

    @pytest.fixture(autouse=True)
    async def _admin_headers(self, client, container):
        self.admin_headers = await auth_headers(client, container, role=Role.ADMIN)

    @pytest.mark.parametrize(
        ("effective", "message"), [("2025-07-15", "1st"), ("2026-01-01", "2025")]
    )
    async def test_bad_effective_dates(self, client, finance, loaded, effective, message):
        budget = loaded["Ledger"]
        r = await client.patch(
            f"/api/v1/budgets/{budget['id']}",
            headers=finance,
            json={"annual_amount": "1", "effective_from": effective},
        )
        assert r.status_code == 422
        assert message in r.text
        detail = (await client.get(f"/api/v1/budgets/{budget['id']}", headers=finance)).json()
        assert len(detail["versions"]) == 1

    async def test_a_change_reaching_a_closed_month_is_refused(
        self, client, finance, loaded, container
    ):
        async with container.sessionmaker() as session:
            await session.execute(
                insert(ClosedPeriodRow), [{"period": "2025-08", "closed_by": "t"}]
            )
            await session.commit()
        budget = loaded["Ledger"]
        r = await client.patch(
            f"/api/v1/budgets/{budget['id']}",
            headers=finance,
            json={"annual_amount": "1", "effective_from": "2025-07-01"},
        )
        assert r.status_code == 422
        assert "closed" in r.text
        ok = await client.patch(
            f"/api/v1/budgets/{budget['id']}",
            headers=finance,
            json={"annual_amount": "1", "effective_from": "2025-09-01"},
        )
        assert ok.status_code == 200

    async def test_unknown_budget_is_404(self, client, finance):
        r = await client.patch(
            "/api/v1/budgets/424242",
            headers=finance,
            json={"annual_amount": "1", "effective_from": "2025-07-01"},
        )
        assert r.status_code == 404
