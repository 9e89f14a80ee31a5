from __future__ import annotations

import time

import httpx
import jwt
import pytest

from adapters.security.tokens import AUDIENCE, ISSUER
from api.app import create_app
from api.container import build_container
from domain.identity.roles import ROLE_PERMISSIONS, Role
from tests.conftest import TEST_JWT_SECRET
from tests.factories import PASSWORD, make_user, token_for


class TestLogin:
    async def test_right_password_gives_a_bearer_token_for_me(self, client, container):
        user = await make_user(container, role=Role.PORTFOLIO_OWNER)
        response = await client.post(
            "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        me = await client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"}
        )
        assert me.status_code == 200
        assert me.json()["email"] == user.email
        assert me.json()["role"] == "portfolio_owner"
        assert set(me.json()["permissions"]) == set(ROLE_PERMISSIONS[Role.PORTFOLIO_OWNER])

    async def test_email_is_case_insensitive(self, client, container):
        user = await make_user(container, email="Mixed.Case@Corp.example")
        assert await token_for(client, "mixed.case@CORP.EXAMPLE")
        assert user.email == "Mixed.Case@Corp.example"

    async def test_wrong_password_and_unknown_email_answer_alike(self, client, container):
        user = await make_user(container)
        wrong = await client.post(
            "/api/v1/auth/token", data={"username": user.email, "password": "nope-nope-nope"}
        )
        unknown = await client.post(
            "/api/v1/auth/token", data={"username": "ghost@corp.example", "password": "x"}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.headers["content-type"] == "application/problem+json"
        assert wrong.json()["detail"] == unknown.json()["detail"]
        assert "email" not in wrong.json()["detail"].replace("e-mail", "")

    async def test_missing_form_fields_are_named(self, client):
        response = await client.post("/api/v1/auth/token", data={"username": "a@b.co"})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["password"]


class TestRateLimit:
    async def test_repeated_failures_for_an_account_answer_429(self, client, container):
        user = await make_user(container)
        limit = container.settings.login_failures_per_account
        for _ in range(limit):
            r = await client.post(
                "/api/v1/auth/token", data={"username": user.email, "password": "wrong-wrong"}
            )
            assert r.status_code == 401
        blocked = await client.post(
            "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
        )
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) > 0

    async def test_unknown_accounts_are_throttled_too(self, client, container):
        # Otherwise the 429 itself would tell which e-mails exist.
        for _ in range(container.settings.login_failures_per_account):
            await client.post(
                "/api/v1/auth/token", data={"username": "ghost@corp.example", "password": "x"}
            )
        r = await client.post(
            "/api/v1/auth/token", data={"username": "ghost@corp.example", "password": "x"}
        )
        assert r.status_code == 429

    async def test_one_address_trying_many_accounts_is_throttled(self, client, container):
        for i in range(container.settings.login_failures_per_address):
            await client.post(
                "/api/v1/auth/token", data={"username": f"spray{i}@corp.example", "password": "x"}
            )
        user = await make_user(container)
        r = await client.post(
            "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
        )
        assert r.status_code == 429

    async def test_failures_count_across_server_workers(self, client, container):
        # `finops serve --workers N`: each worker builds its own container from the same
        # settings; guesses spread over the workers still meet one limit.
        user = await make_user(container)
        other_worker = build_container(container.settings)
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=create_app(container=other_worker)),
                base_url="http://testserver",
            ) as second:
                for i in range(container.settings.login_failures_per_account):
                    worker = client if i % 2 else second
                    r = await worker.post(
                        "/api/v1/auth/token",
                        data={"username": user.email, "password": "wrong-wrong"},
                    )
                    assert r.status_code == 401
                for worker in (client, second):
                    blocked = await worker.post(
                        "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
                    )
                    assert blocked.status_code == 429
        finally:
            await other_worker.close()

    async def test_success_resets_the_account_counter(self, client, container):
        user = await make_user(container)
        limit = container.settings.login_failures_per_account
        for _ in range(limit - 1):
            await client.post(
                "/api/v1/auth/token", data={"username": user.email, "password": "wrong-wrong"}
            )
        assert await token_for(client, user.email)
        for _ in range(limit - 1):
            await client.post(
                "/api/v1/auth/token", data={"username": user.email, "password": "wrong-wrong"}
            )
        assert await token_for(client, user.email)


def _claims(user_id: int, **overrides):
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


class TestTokens:
    async def _me(self, client, token):
        return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    async def test_a_well_signed_token_works(self, client, container):
        user = await make_user(container)
        token = jwt.encode(_claims(user.id), TEST_JWT_SECRET, algorithm="HS256")
        assert (await self._me(client, token)).status_code == 200

    async def test_expired_token_is_refused(self, client, container):
        user = await make_user(container)
        token = jwt.encode(
            _claims(user.id, exp=int(time.time()) - 5), TEST_JWT_SECRET, algorithm="HS256"
        )
        response = await self._me(client, token)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"

    async def test_wrong_signature_is_refused(self, client, container):
        user = await make_user(container)
        token = jwt.encode(_claims(user.id), "another-secret-" + "y" * 40, algorithm="HS256")
        assert (await self._me(client, token)).status_code == 401

    async def test_alg_none_is_refused(self, client, container):
        user = await make_user(container)
        token = jwt.encode(_claims(user.id), key=None, algorithm="none")
        assert (await self._me(client, token)).status_code == 401

    async def test_tampered_payload_is_refused(self, client, container):
        admin = await make_user(container, role=Role.ADMIN)
        other = await make_user(container, role=Role.CLOUD_ENGINEER)
        header, _payload, signature = (await token_for(client, other.email)).split(".")
        forged_payload = jwt.encode(_claims(admin.id), TEST_JWT_SECRET).split(".")[1]
        forged = ".".join([header, forged_payload, "A" + signature[1:]])
        assert (await self._me(client, forged)).status_code == 401

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
    async def test_malformed_tokens_are_refused(self, client, token):
        assert (await self._me(client, token)).status_code == 401

    async def test_deactivated_user_is_locked_out_at_once(self, client, container):
        admin = await make_user(container, role=Role.ADMIN)
        user = await make_user(container, role=Role.PRODUCT_OWNER)
        admin_token = await token_for(client, admin.email)
        user_token = await token_for(client, user.email)
        assert (await self._me(client, user_token)).status_code == 200
        response = await client.patch(
            f"/api/v1/users/{user.id}",
            json={"is_active": False},
            headers={"Authorization": f"Bearer {admin_token}"},
        )
        assert response.status_code == 200
        assert (await self._me(client, user_token)).status_code == 401
        login = await client.post(
            "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
        )
        assert login.status_code == 401


class TestChangesEndSessions:
    """Tokens issued before a password, role or activity change are refused."""

    async def _me(self, client, token):
        return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    async def _change(self, client, container, change):
        admin = await make_user(container, role=Role.ADMIN)
        user = await make_user(container, role=Role.CLOUD_ENGINEER)
        admin_h = {"Authorization": f"Bearer {await token_for(client, admin.email)}"}
        old = await token_for(client, user.email)
        assert (await self._me(client, old)).status_code == 200
        r = await client.patch(f"/api/v1/users/{user.id}", headers=admin_h, json=change)
        assert r.status_code == 200, r.text
        return user, admin_h, old

    async def test_a_password_change_ends_the_old_sessions(self, client, container):
        user, _, old = await self._change(client, container, {"password": "a-brand-new-secret"})
        assert (await self._me(client, old)).status_code == 401
        new = await token_for(client, user.email, "a-brand-new-secret")
        assert (await self._me(client, new)).status_code == 200

    async def test_a_role_change_ends_the_old_sessions(self, client, container):
        user, _, old = await self._change(client, container, {"role": "financial_admin"})
        assert (await self._me(client, old)).status_code == 401
        assert (await self._me(client, await token_for(client, user.email))).json()[
            "role"
        ] == "financial_admin"

    async def test_reactivation_does_not_revive_old_tokens(self, client, container):
        user, admin_h, old = await self._change(client, container, {"is_active": False})
        r = await client.patch(
            f"/api/v1/users/{user.id}", headers=admin_h, json={"is_active": True}
        )
        assert r.status_code == 200
        assert (await self._me(client, old)).status_code == 401

    async def test_a_rename_keeps_the_sessions(self, client, container):
        _, _, old = await self._change(client, container, {"name": "Renamed"})
        assert (await self._me(client, old)).status_code == 200


class TestLockoutIsPerAccountAndAddress:
    async def test_failures_from_elsewhere_do_not_lock_out_the_owner(self, client, container):
        user = await make_user(container)
        app = create_app(container=container)
        transport = httpx.ASGITransport(
            app=app, raise_app_exceptions=False, client=("203.0.113.9", 4711)
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
            for _ in range(container.settings.login_failures_per_account):
                r = await other.post(
                    "/api/v1/auth/token", data={"username": user.email, "password": "wrong-wrong"}
                )
                assert r.status_code == 401
            blocked = await other.post(
                "/api/v1/auth/token", data={"username": user.email, "password": PASSWORD}
            )
            assert blocked.status_code == 429
        assert await token_for(client, user.email)
