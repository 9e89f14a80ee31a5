from __future__ import annotations

import pytest
from sqlalchemy import insert

from adapters.db.models import ClosedPeriodRow
from tests.api.budgets.conftest import CHART_2025, HEADER, chart


async def state(client, headers, year=2025):
    budgets = (await client.get("/api/v1/budgets", headers=headers, params={"year": year})).json()[
        "items"
    ]
    imports = (await client.get("/api/v1/budget-imports", headers=headers)).json()
    return {b["product"]: (b["annual_amount"], b["status"]) for b in budgets}, len(imports)


class TestNewYear:
    async def test_every_product_gets_a_budget_from_january(self, client, finance):
        r = await client.post("/api/v1/budget-imports", headers=finance, files=chart(CHART_2025))
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["created"], body["updated"], body["retired"]) == (4, 0, 0)
        assert body["labels"] == ["Business Unit", "Department", "Portfolio", "Product"]
        assert body["options"]["is_new"] is True
        listed = (
            await client.get("/api/v1/budgets", headers=finance, params={"year": 2025})
        ).json()
        by_product = {b["product"]: b for b in listed["items"]}
        assert by_product["Storefront"]["annual_amount"] == "1200000.00"
        assert by_product["App"]["annual_amount"] == "240000.50"
        assert by_product["Storefront"]["start_date"] == "2025-01-01"
        assert by_product["Storefront"]["attributes"] == {"Cost Centre": "CC-100"}
        assert listed["labels"][3] == "Product"

    async def test_the_import_is_listed_with_who_and_the_raw_file_kept(
        self, client, finance, container
    ):
        await client.post("/api/v1/budget-imports", headers=finance, files=chart(CHART_2025))
        (record,) = (await client.get("/api/v1/budget-imports", headers=finance)).json()
        assert record["uploaded_by"].startswith("financial_admin-")
        assert record["counts"]["created"] == 4
        assert await container.objects.get(record["object_key"]) == CHART_2025.encode()

    async def test_reloading_the_same_file_changes_nothing(self, client, finance, loaded):
        r = await client.post("/api/v1/budget-imports", headers=finance, files=chart(CHART_2025))
        assert r.status_code == 201
        assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, 4)
        assert len(loaded) == 4


class TestMidYearUpdate:
    async def test_a_products_budget_changes_from_july_and_earlier_months_keep_theirs(
        self, client, finance, loaded
    ):
        text = HEADER + "Retail,Digital,Web,Checkout,900000,CC-101\n"
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(text, "Customer_2025_false_2025-07-01_false_Budget_v2.csv"),
        )
        assert r.status_code == 201, r.text
        assert (r.json()["updated"], r.json()["retired"]) == (1, 0)
        detail = (
            await client.get(f"/api/v1/budgets/{loaded['Checkout']['id']}", headers=finance)
        ).json()
        assert detail["annual_amount"] == "900000.00"
        assert [(v["annual_amount"], v["effective_from"]) for v in detail["versions"]] == [
            ("600000.00", "2025-01-01"),
            ("900000.00", "2025-07-01"),
        ]
        others, _ = await state(client, finance)
        assert others["Storefront"] == ("1200000.00", "active")

    async def test_a_new_product_is_added_from_its_start_date(self, client, finance, loaded):
        text = HEADER + "Retail,Digital,Mobile,Wallet,50000,CC-103\n"
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(text, "Customer_2025_false_2025-04-01_false_Budget_v3.csv"),
        )
        assert r.status_code == 201, r.text
        assert r.json()["created"] == 1
        budgets, _ = await state(client, finance)
        assert budgets["Wallet"] == ("50000.00", "active")
        assert len(budgets) == len(loaded) + 1
        tree = (
            await client.get("/api/v1/hierarchy", headers=finance, params={"year": 2025})
        ).json()
        retail = next(n for n in tree["nodes"] if n["name"] == "Retail")
        assert retail["annual_amount"] == "2090000.50"
        mobile = retail["children"][0]["children"][0]
        assert mobile["name"] == "Mobile"
        assert mobile["label"] == "Portfolio"


class TestOverride:
    async def test_budgets_missing_from_the_file_are_retired_not_deleted(
        self, client, finance, loaded
    ):
        text = HEADER + "Retail,Digital,Web,Storefront,1000000,CC-100\n"
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(text, "Customer_2025_false_2025-09-01_true_Budget_v4.csv"),
        )
        assert r.status_code == 201, r.text
        assert (r.json()["retired"], r.json()["updated"]) == (3, 1)
        budgets, _ = await state(client, finance)
        assert budgets["Checkout"] == ("600000.00", "retired")
        assert budgets["Storefront"] == ("1000000.00", "active")
        retired = (
            await client.get(f"/api/v1/budgets/{loaded['Checkout']['id']}", headers=finance)
        ).json()
        assert retired["retired_from"] == "2025-09-01"

    async def test_override_over_a_closed_month_is_refused(
        self, client, finance, loaded, container
    ):
        async with container.sessionmaker() as session:
            await session.execute(
                insert(ClosedPeriodRow), [{"period": "2025-09", "closed_by": "test"}]
            )
            await session.commit()
        before = await state(client, finance)
        text = HEADER + "Retail,Digital,Web,Storefront,1000000,CC-100\n"
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(text, "Customer_2025_false_2025-08-01_true_Budget_v4.csv"),
        )
        assert r.status_code == 422
        assert "closed" in r.text
        assert await state(client, finance) == before
        assert len(loaded) == 4


BAD_FILES = {
    "semicolons": ("Business Unit;Department;Portfolio;Product;Amount\nA;B;C;D;10\n", None),
    "missing-column": ("Business Unit,Department,Portfolio,Product\nA,B,C,D\n", 1),
    "negative": (HEADER + "A,B,C,D,-5,x\n", 2),
    "nan": (HEADER + "A,B,C,D,NaN,x\n", 2),
    "blank-amount": (HEADER + "A,B,C,D,,x\n", 2),
    "three-decimals": (HEADER + "A,B,C,D,1.005,x\n", 2),
    "duplicate-product": (HEADER + "A,B,C,D,1,x\nA,B,C,d,2,y\n", 3),
    "empty": ("", None),
    "header-only": (HEADER, None),
    "blank-name": (HEADER + "A,,C,D,1,x\n", 2),
}


class TestBadFiles:
    @pytest.mark.parametrize(("text", "row"), list(BAD_FILES.values()), ids=list(BAD_FILES))
    @pytest.mark.usefixtures("loaded")
    async def test_refused_with_the_row_and_nothing_changes(self, client, finance, text, row):
        before = await state(client, finance)
        assert len(before[0]) == 4
        r = await client.post("/api/v1/budget-imports", headers=finance, files=chart(text))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        errors = r.json()["errors"]
        assert errors
        if row is not None:
            assert row in [e.get("row") for e in errors]
        assert await state(client, finance) == before

    async def test_every_error_is_listed_not_just_the_first(self, client, finance):
        text = HEADER + "A,B,C,D,-1,x\nA,B,C,E,abc,x\nA,B,C,F,1.234,x\n"
        r = await client.post("/api/v1/budget-imports", headers=finance, files=chart(text))
        assert r.status_code == 422
        assert sorted(e["row"] for e in r.json()["errors"]) == [2, 3, 4]

    async def test_non_utf8_bytes(self, client, finance):
        data = (HEADER + "Caf\xe9,B,C,D,1,x\n").encode("latin-1")
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files={"file": ("Customer_2025_true_2025-01-01_false_Budget_v1.csv", data, "text/csv")},
        )
        assert r.status_code == 422
        assert "UTF-8" in r.text

    async def test_bom_crlf_quotes_and_extra_columns_load(self, client, finance):
        text = (
            "\ufeff"
            + HEADER.replace("\n", "\r\n")
            + '"Retail, Inc.","Dig\nital",Web,"=Formula",100,CC-1\r\n'
        )
        r = await client.post("/api/v1/budget-imports", headers=finance, files=chart(text))
        assert r.status_code == 201, r.text
        (budget,) = (
            await client.get("/api/v1/budgets", headers=finance, params={"year": 2025})
        ).json()["items"]
        assert budget["business_unit"] == "Retail, Inc."
        assert budget["product"] == "=Formula"
        assert budget["attributes"] == {"Cost Centre": "CC-1"}

    async def test_a_name_without_the_convention_needs_explicit_options(self, client, finance):
        r = await client.post(
            "/api/v1/budget-imports", headers=finance, files=chart(CHART_2025, "budgets.csv")
        )
        assert r.status_code == 422
        fields = {e.get("field") for e in r.json()["errors"]}
        assert "effective_year" in fields
        ok = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(CHART_2025, "budgets.csv"),
            data={"effective_year": "2026", "is_new": "true"},
        )
        assert ok.status_code == 201, ok.text
        assert ok.json()["year"] == 2026

    async def test_explicit_options_win_over_the_name(self, client, finance):
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(CHART_2025),
            data={"effective_year": "2027", "start_date": "2027-03-01", "is_new": "false"},
        )
        assert r.status_code == 201, r.text
        assert r.json()["options"]["start_date"] == "2027-03-01"

    @pytest.mark.parametrize(("start", "message"), [("2025-02-15", "1st"), ("2024-02-01", "2025")])
    async def test_start_date_must_be_a_first_within_the_year(
        self, client, finance, start, message
    ):
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files=chart(CHART_2025),
            data={"start_date": start, "is_new": "false"},
        )
        assert r.status_code == 422
        assert message in r.text

    async def test_a_file_over_the_limit_is_413(self, client, finance, container):
        container.settings.upload_limit_mb = 1
        big = HEADER + "A,B,C,D,1,x\n" * 120_000
        r = await client.post("/api/v1/budget-imports", headers=finance, files=chart(big))
        assert r.status_code == 413

    async def test_product_owners_cannot_upload(self, client, container):
        from domain.identity.roles import Role
        from tests.factories import auth_headers

        headers = await auth_headers(client, container, role=Role.PRODUCT_OWNER)
        r = await client.post("/api/v1/budget-imports", headers=headers, files=chart(CHART_2025))
        assert r.status_code == 403


class TestRawFileAndSettings:
    async def test_the_raw_file_downloads_byte_for_byte(self, client, finance):
        await client.post("/api/v1/budget-imports", headers=finance, files=chart(CHART_2025))
        (record,) = (await client.get("/api/v1/budget-imports", headers=finance)).json()
        r = await client.get(f"/api/v1/budget-imports/{record['id']}/file", headers=finance)
        assert r.status_code == 200
        assert r.content == CHART_2025.encode()
        assert "Budget_v1.csv" in r.headers["content-disposition"]
        missing = await client.get("/api/v1/budget-imports/9999/file", headers=finance)
        assert missing.status_code == 404

    async def test_closed_periods_and_config(self, client, finance, container):
        async with container.sessionmaker() as session:
            await session.execute(
                insert(ClosedPeriodRow),
                [{"period": "2025-02", "closed_by": "t"}, {"period": "2025-01", "closed_by": "t"}],
            )
            await session.commit()
        assert (await client.get("/api/v1/closed-periods", headers=finance)).json() == [
            "2025-01",
            "2025-02",
        ]
        config = (await client.get("/api/v1/config", headers=finance)).json()
        assert config == {"currency": "USD", "cost_basis": "unblended"}
