from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from adapters.clock import FixedClock, utc_now
from adapters.config import Settings
from adapters.db.models import ApiTokenRow
from api.container import build_container
from domain.identity.roles import Role
from tests.factories import auth_headers


async def new_account(client, admin, *, role="financial_admin", node_ids=()):
    r = await client.post(
        "/api/v1/service-accounts",
        headers=admin,
        json={"name": "Nightly export", "role": role, "node_ids": list(node_ids)},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def new_token(client, admin, account_id, **body):
    r = await client.post(
        f"/api/v1/service-accounts/{account_id}/tokens",
        headers=admin,
        json={"name": "cron", **body},
    )
    assert r.status_code == 201, r.text
    return r.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestTheLifeCycle:
    async def test_a_script_acts_with_its_token_until_revoked(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        account = await new_account(client, admin)
        assert account["email"].endswith("@service-accounts.invalid")
        created = await new_token(client, admin, account["id"], expires_in_days=30)
        token = created["token"]
        assert token.startswith("fct_")
        assert len(token) >= 4 + 43
        assert created["prefix"] == token[:12]
        assert created["status"] == "active"

        me = await client.get("/api/v1/me", headers=bearer(token))
        assert me.status_code == 200, me.text
        assert me.json()["id"] == account["id"]
        # finance role: reads budgets; not an Admin: users are refused
        assert (await client.get("/api/v1/budgets", headers=bearer(token))).status_code == 200
        assert (await client.get("/api/v1/users", headers=bearer(token))).status_code == 403

        listed = (
            await client.get(f"/api/v1/service-accounts/{account['id']}/tokens", headers=admin)
        ).json()
        assert [t["prefix"] for t in listed] == [created["prefix"]]
        assert listed[0]["last_used_at"] is not None
        assert "token" not in listed[0]

        r = await client.delete(
            f"/api/v1/service-accounts/{account['id']}/tokens/{created['id']}", headers=admin
        )
        assert r.status_code == 204
        refused = await client.get("/api/v1/me", headers=bearer(token))
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")

    async def test_only_the_hash_is_stored(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        account = await new_account(client, admin)
        token = (await new_token(client, admin, account["id"]))["token"]
        async with container.sessionmaker() as session:
            row = (await session.scalars(select(ApiTokenRow))).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.prefix, row.token_hash, row.name)

    async def test_a_deactivated_account_s_tokens_stop_at_once(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        account = await new_account(client, admin)
        token = (await new_token(client, admin, account["id"]))["token"]
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200
        r = await client.post(f"/api/v1/service-accounts/{account['id']}/deactivate", headers=admin)
        assert r.status_code == 200
        assert r.json()["is_active"] is False
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401
        again = await client.post(
            f"/api/v1/service-accounts/{account['id']}/tokens", headers=admin, json={"name": "x"}
        )
        assert again.status_code == 422

    async def test_an_expired_token_is_refused(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        account = await new_account(client, admin)
        token = (await new_token(client, admin, account["id"], expires_in_days=1))["token"]
        container.clock = FixedClock(utc_now() + timedelta(days=1, seconds=1))
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401
        listed = (
            await client.get(f"/api/v1/service-accounts/{account['id']}/tokens", headers=admin)
        ).json()
        assert listed[0]["status"] == "expired"

    async def test_actions_are_audited_as_the_service_account(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        account = await new_account(client, admin, role="admin")
        token = (await new_token(client, admin, account["id"]))["token"]
        r = await client.post(
            "/api/v1/users",
            headers=bearer(token),
            json={"email": "ana@corp.example", "name": "Ana", "role": "financial_admin"},
        )
        assert r.status_code == 201, r.text
        audit = (
            await client.get("/api/v1/audit", headers=admin, params={"action": "user.create"})
        ).json()
        entry = next(e for e in audit["items"] if e["entity_id"] == str(r.json()["id"]))
        assert (entry["actor_id"], entry["actor_email"]) == (account["id"], account["email"])


class TestRefusals:
    async def test_a_service_account_has_no_password(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        account = await new_account(client, admin)
        r = await client.patch(
            f"/api/v1/users/{account['id']}", headers=admin, json={"password": "x" * 20}
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "password"
        login = await client.post(
            "/api/v1/auth/token", data={"username": account["email"], "password": "x" * 20}
        )
        assert login.status_code == 401

    async def test_scope_follows_the_people_rules(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.post(
            "/api/v1/service-accounts",
            headers=admin,
            json={"name": "x", "role": "financial_admin", "node_ids": [1]},
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "node_ids"
        assert (await client.get("/api/v1/service-accounts", headers=admin)).json()["total"] == 0

    async def test_only_admins_manage_service_accounts(self, client, container):
        fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
        r = await client.post(
            "/api/v1/service-accounts", headers=fin, json={"name": "x", "role": "admin"}
        )
        assert r.status_code == 403

    async def test_a_made_up_token_is_refused(self, client):
        r = await client.get("/api/v1/me", headers=bearer("fct_" + "A" * 43))
        assert r.status_code == 401

    async def test_bad_expiry_names_the_field(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        account = await new_account(client, admin)
        r = await client.post(
            f"/api/v1/service-accounts/{account['id']}/tokens",
            headers=admin,
            json={"name": "x", "expires_in_days": 0},
        )
        assert r.status_code == 422
        assert "expires_in_days" in r.text

    async def test_a_person_is_not_a_service_account(self, client, container):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        me = (await client.get("/api/v1/me", headers=admin)).json()
        r = await client.post(
            f"/api/v1/service-accounts/{me['id']}/tokens", headers=admin, json={"name": "x"}
        )
        assert r.status_code == 404


class TestThrottling:
    async def test_a_token_over_its_rate_answers_429_with_retry_after(
        self, client, container, settings: Settings
    ):
        limited = build_container(settings.model_copy(update={"token_requests_per_minute": 3}))
        try:
            container.token_requests, limited.token_requests = limited.token_requests, None
        finally:
            await limited.close()
        admin = await auth_headers(client, container, role=Role.ADMIN)
        account = await new_account(client, admin)
        token = (await new_token(client, admin, account["id"]))["token"]
        other = (await new_token(client, admin, account["id"]))["token"]
        for _ in range(3):
            assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200
        r = await client.get("/api/v1/me", headers=bearer(token))
        assert r.status_code == 429
        assert r.headers["content-type"].startswith("application/problem+json")
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        # per token: the account's other token is not slowed
        assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 200
