"""Names are NFC-normalised; control, zero-width and bidi characters are refused (422 naming
the field and the position) in every name field; chart attributes are bounded."""

from __future__ import annotations

from domain.identity.roles import Role
from tests.api.budgets.conftest import HEADER, chart
from tests.factories import auth_headers


def line_item(path, **extra):
    return {"year": 2025, "path": path, "annual_amount": "1000", **extra}


class TestLookAlikeNames:
    async def test_a_second_retail_with_a_zero_width_space_is_refused(
        self, client, finance, loaded
    ):
        r = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json=line_item(["Re\u200btail", "Digital", "Web", "Cart"]),
        )
        assert r.status_code == 422, r.text
        (error,) = r.json()["errors"]
        assert error["field"] == "path.0"
        assert "U+200B" in error["message"]
        assert "position 3" in error["message"]
        tree = (
            await client.get("/api/v1/hierarchy", headers=finance, params={"year": 2025})
        ).json()
        assert sorted(n["name"] for n in tree["nodes"]) == ["Corporate", "Retail"]
        assert len(loaded) == 4

    async def test_a_bidi_override_in_a_product_name_of_a_chart_is_refused(
        self, client, finance, loaded
    ):
        text = HEADER + "Retail,Digital,Web,Check\u202eout,600000,CC-101\n"
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(text, "Customer_2025_false_2025-07-01_false_Budget_v2.csv"),
        )
        assert r.status_code == 422, r.text
        (error,) = r.json()["errors"]
        assert (error["row"], error["column"]) == (2, "Product")
        assert "U+202E" in error["message"]
        assert "position 6" in error["message"]
        assert len(loaded) == 4

    async def test_decomposed_and_composed_spellings_are_one_node(self, client, finance, loaded):
        r = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json=line_item(["Corporate", "Finance", "ERP", "Cafe\u0301"]),
        )
        assert r.status_code == 201, r.text
        again = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json=line_item(["Corporate", "Finance", "ERP", "CAF\u00c9"]),
        )
        assert again.status_code in (409, 422), again.text
        assert len(loaded) == 4

    async def test_a_user_name_with_a_bidi_override_is_refused(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        body = {"email": "eve@corp.com", "name": "Eve\u202eninmda", "role": "admin"}
        r = await client.post("/api/v1/users", headers=admin, json=body)
        assert r.status_code == 422
        (error,) = r.json()["errors"]
        assert error["field"] == "name"
        assert "position 4" in error["message"]
        ok = await client.post("/api/v1/users", headers=admin, json={**body, "name": "Zoe\u0308"})
        assert ok.status_code == 201
        assert ok.json()["name"] == "Zo\u00eb"
        renamed = await client.patch(
            f"/api/v1/users/{ok.json()['id']}", headers=admin, json={"name": "Zo\u200de"}
        )
        assert renamed.status_code == 422
        assert renamed.json()["errors"][0]["field"] == "name"

    async def test_an_account_name_with_a_zero_width_character_is_refused(self, client, finance):
        r = await client.post(
            "/api/v1/accounts",
            headers=finance,
            json={"account_id": "123456789012", "name": "prod\u200b"},
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "name"
        assert (await client.get("/api/v1/accounts", headers=finance)).json() == []


class TestAttributesAreBounded:
    async def test_too_many_attributes_are_refused(self, client, finance, loaded):
        attributes = {f"k{i}": "v" for i in range(50_000)}
        r = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json=line_item(["Retail", "Digital", "Web", "Cart"], attributes=attributes),
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "attributes"
        assert len(loaded) == 4

    async def test_a_long_attribute_value_is_refused(self, client, finance, loaded):
        r = await client.post(
            "/api/v1/budgets",
            headers=finance,
            json=line_item(
                ["Retail", "Digital", "Web", "Cart"], attributes={"Cost Centre": "x" * 501}
            ),
        )
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "attributes.Cost Centre"
        assert len(loaded) == 4

    async def test_a_chart_with_too_many_attribute_columns_is_refused(self, client, finance):
        header = "BU,Dept,Portfolio,Product,Amount," + ",".join(f"a{i}" for i in range(51))
        row = "Retail,Digital,Web,Cart,100," + ",".join("v" for _ in range(51))
        r = await client.post(
            "/api/v1/budget-imports", headers=finance, files=chart(f"{header}\n{row}\n")
        )
        assert r.status_code == 422
        assert "at most 50" in r.json()["errors"][0]["message"]
