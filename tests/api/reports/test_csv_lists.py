"""Every list answers CSV when asked (Accept: text/csv or ?format=csv); JSON stays the default."""

from __future__ import annotations

import csv
import io

import pytest

from api.schemas.accounts import AccountRead
from api.tables import columns_of
from domain.identity.roles import Role
from tests.factories import auth_headers


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
async def fin(client, container):
    return await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)


class TestCsvLists:
    async def test_json_stays_the_default(self, client, fin):
        r = await client.get("/api/v1/accounts", headers=fin)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/json")

    async def test_formula_cells_are_escaped_and_columns_follow_the_schema(self, client, fin):
        r = await client.post(
            "/api/v1/accounts",
            headers=fin,
            json={"account_id": "000000000042", "name": '=HYPERLINK("http://x")'},
        )
        assert r.status_code == 201, r.text
        r = await client.get("/api/v1/accounts", headers=fin, params={"format": "csv"})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/csv")
        header, *rows = rows_of(r.text)
        assert header == columns_of(AccountRead)
        (row,) = rows
        record = dict(zip(header, row, strict=True))
        assert record["account_id"] == "000000000042"  # leading zeros kept
        assert record["name"] == '\'=HYPERLINK("http://x")'

    async def test_accept_header_asks_for_csv(self, client, container, fin):  # noqa: ARG002 (a second user)
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.get("/api/v1/users", headers={**admin, "Accept": "text/csv"})
        assert r.headers["content-type"].startswith("text/csv")
        header, *rows = rows_of(r.text)
        assert "email" in header
        assert len(rows) == 2  # the finance user and the admin
        prefers_json = await client.get(
            "/api/v1/users", headers={**admin, "Accept": "application/json, text/csv"}
        )
        assert prefers_json.headers["content-type"].startswith("application/json")

    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/budgets",
            "/api/v1/claims",
            "/api/v1/workloads",
            "/api/v1/spend-cards",
            "/api/v1/tasks",
            "/api/v1/discounts",
            "/api/v1/notifications",
            "/api/v1/budget-imports",
            "/api/v1/credits",
            "/api/v1/credits/forecast",
            "/api/v1/recommendations",
            "/api/v1/recommendations/imports",
            "/api/v1/closes",
            "/api/v1/closes/2026-10/files",
            "/api/v1/cur/events",
        ],
    )
    async def test_every_list_has_a_header_even_when_empty(self, client, fin, path):
        r = await client.get(path, headers=fin, params={"format": "csv"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/csv")
        header, *rows = rows_of(r.text)
        assert header
        assert rows == []

    async def test_audit_as_csv_flattens_before_and_after(self, client, container, fin):
        await client.post(
            "/api/v1/accounts",
            headers=fin,
            json={"account_id": "000000000043", "name": "-2+3"},
        )
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.get(
            "/api/v1/audit", headers=admin, params={"format": "csv", "entity_type": "account"}
        )
        header, *rows = rows_of(r.text)
        record = dict(zip(header, rows[0], strict=True))
        assert record["entity_id"] == "000000000043"
        assert record["after"].startswith("{")  # one JSON cell
        assert '"name":"-2+3"' in record["after"]

    async def test_a_bad_format_is_refused(self, client, fin):
        r = await client.get("/api/v1/accounts", headers=fin, params={"format": "xlsx"})
        assert r.status_code == 422
