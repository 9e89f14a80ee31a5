from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from adapters.aws.organizations import list_organization_accounts
from domain.identity.roles import Role
from tests.factories import auth_headers


@pytest.fixture
async def finance(client, container):
    return await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)


class TestSearchIsLiteral:
    async def test_like_wildcards_in_q_match_only_themselves(self, client, finance):
        for account_id, name in (("111111111111", "Shop 100% prod"), ("222222222222", "Ledger")):
            r = await client.post(
                "/api/v1/accounts", headers=finance, json={"account_id": account_id, "name": name}
            )
            assert r.status_code == 201, r.text

        async def found(q):
            r = await client.get("/api/v1/accounts", headers=finance, params={"q": q})
            return [a["account_id"] for a in r.json()]

        assert await found("%") == ["111111111111"]
        assert await found("_") == []
        assert await found("100%") == ["111111111111"]
        assert await found("ledger") == ["222222222222"]


class TestManualAccounts:
    async def test_add_read_and_classify(self, client, finance):
        r = await client.post(
            "/api/v1/accounts",
            headers=finance,
            json={
                "account_id": "011254002932",
                "name": "Workshop",
                "account_type": "Sandbox",
                "vended_date": "2026-11-02",
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()["source"] == "manual"
        got = await client.get("/api/v1/accounts/011254002932", headers=finance)
        assert got.json()["account_id"] == "011254002932"
        r = await client.patch(
            "/api/v1/accounts/011254002932",
            headers=finance,
            json={"account_type": "Production", "name": "Workshop Prod"},
        )
        assert r.status_code == 200
        assert (r.json()["account_type"], r.json()["name"]) == ("Production", "Workshop Prod")
        listed = await client.get(
            "/api/v1/accounts", headers=finance, params={"account_type": "Production"}
        )
        assert [a["account_id"] for a in listed.json()] == ["011254002932"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"account_id": "11254002932", "name": "short"}, "account_id"),
            ({"account_id": "01125400293x", "name": "x"}, "account_id"),
            ({"account_id": "011254002932", "name": " "}, "name"),
            ({"account_id": "011254002932", "name": "x", "account_type": "Prod"}, "account_type"),
            ({"account_id": "011254002932", "name": "x", "email": "nope"}, "email"),
        ],
    )
    async def test_bad_accounts_are_422(self, client, finance, body, field):
        r = await client.post("/api/v1/accounts", headers=finance, json=body)
        assert r.status_code == 422
        assert field in [e["field"] for e in r.json()["errors"]]
        assert (await client.get("/api/v1/accounts", headers=finance)).json() == []

    async def test_duplicate_is_409(self, client, finance):
        body = {"account_id": "123456789012", "name": "A"}
        assert (
            await client.post("/api/v1/accounts", headers=finance, json=body)
        ).status_code == 201
        assert (
            await client.post("/api/v1/accounts", headers=finance, json=body)
        ).status_code == 409

    async def test_owners_see_no_unallocated_accounts(self, client, container, finance):
        await client.post(
            "/api/v1/accounts", headers=finance, json={"account_id": "123456789012", "name": "A"}
        )
        owner = await auth_headers(client, container, role=Role.PORTFOLIO_OWNER)
        assert (await client.get("/api/v1/accounts", headers=owner)).json() == []
        assert (await client.get("/api/v1/accounts/123456789012", headers=owner)).status_code == 404
        r = await client.post(
            "/api/v1/accounts", headers=owner, json={"account_id": "210987654321", "name": "B"}
        )
        assert r.status_code == 403


@mock_aws
def test_organizations_list_accounts_is_paginated_and_typed():
    client = boto3.client("organizations", region_name="us-east-1")
    client.create_organization(FeatureSet="ALL")
    for i in range(25):
        client.create_account(AccountName=f"team-{i:02d}", Email=f"team{i}@corp.example")
    found = list_organization_accounts(client)
    assert len(found) == 26  # the management account too
    names = {a.name for a in found}
    assert "team-24" in names
    assert all(len(a.account_id) == 12 and a.account_id.isdigit() for a in found)
    assert all(a.status == "ACTIVE" and a.vended_date is not None for a in found)


class TestDiscover:
    async def test_discover_from_organizations_is_idempotent(self, client, container, finance):
        with mock_aws():
            org = boto3.client("organizations", region_name="us-east-1")
            org.create_organization(FeatureSet="ALL")
            org.create_account(AccountName="payments-prod", Email="pay@corp.example")
            container.organizations = lambda: list_organization_accounts(org)
            first = (await client.post("/api/v1/accounts/discover", headers=finance)).json()
            again = (await client.post("/api/v1/accounts/discover", headers=finance)).json()
        assert first["sources"] == {"organizations": "ok", "cur": "ok"}
        assert len(first["created"]) == 2
        assert (again["created"], again["unchanged"]) == ([], 2)
        listed = (await client.get("/api/v1/accounts", headers=finance)).json()
        assert {a["source"] for a in listed} == {"organizations"}
        assert "payments-prod" in {a["name"] for a in listed}

    async def test_an_unreachable_organizations_is_reported_not_fatal(
        self, client, container, finance
    ):
        def refuse():
            raise PermissionError("AccessDenied: not the delegated administrator")

        container.organizations = refuse
        r = await client.post("/api/v1/accounts/discover", headers=finance)
        assert r.status_code == 200
        assert r.json()["sources"]["organizations"].startswith("unavailable")
        assert r.json()["created"] == []
