"""Trusting an external OIDC provider through its JWKS, with a locally generated key set."""

from __future__ import annotations

import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from adapters.security.passwords import Argon2PasswordHasher
from api.app import create_app
from api.container import build_container
from domain.identity.roles import Role
from tests.factories import make_user

ISSUER = "https://idp.corp.example/realms/finance"
AUDIENCE = "finops-center-spa"


def _key(kid: str):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    public.update(kid=kid, use="sig", alg="RS256")
    return private, public


@pytest.fixture
def keys():
    return {"current": _key("k1"), "rogue": _key("k1"), "rotated": _key("k2")}


@pytest.fixture
async def oidc(settings, keys):
    published = {"keys": [keys["current"][1]]}
    fetches = []

    async def fetch():
        fetches.append(1)
        return published

    settings.oidc_jwks_url = "https://idp.corp.example/certs"
    settings.oidc_issuer, settings.oidc_audience = ISSUER, AUDIENCE
    container = build_container(settings, jwks_fetcher=fetch)
    container.hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    app = create_app(container=container)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client, container, published, fetches
    await container.close()


def idp_token(private, kid, *, email, aud=AUDIENCE, iss=ISSUER, exp_in=300):
    now = int(time.time())
    claims = {"sub": "abc", "email": email, "iss": iss, "aud": aud, "iat": now, "exp": now + exp_in}
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})


async def me(client, token):
    return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


class TestOidc:
    async def test_a_provider_token_maps_to_our_user_and_role(self, oidc, keys):
        client, container, *_ = oidc
        user = await make_user(
            container, email="Eng@Corp.example", role=Role.CLOUD_ENGINEER, password=None
        )
        response = await me(client, idp_token(keys["current"][0], "k1", email="eng@corp.example"))
        assert response.status_code == 200
        assert response.json()["id"] == user.id
        assert response.json()["role"] == "cloud_engineer"

    async def test_unknown_email_is_refused(self, oidc, keys):
        client, *_ = oidc
        token = idp_token(keys["current"][0], "k1", email="stranger@corp.example")
        assert (await me(client, token)).status_code == 401

    @pytest.mark.parametrize(
        ("override", "signer"),
        [
            ({"aud": "someone-else"}, "current"),
            ({"iss": "https://evil.example"}, "current"),
            ({"exp_in": -60}, "current"),
            ({}, "rogue"),  # same kid, different key: bad signature
        ],
    )
    async def test_bad_provider_tokens_are_refused(self, oidc, keys, override, signer):
        client, container, *_ = oidc
        await make_user(container, email="eng@corp.example", password=None)
        token = idp_token(keys[signer][0], "k1", email="eng@corp.example", **override)
        assert (await me(client, token)).status_code == 401

    async def test_key_rotation_refetches_the_key_set(self, oidc, keys):
        client, container, published, fetches = oidc
        await make_user(container, email="eng@corp.example", password=None)
        assert (
            await me(client, idp_token(keys["current"][0], "k1", email="eng@corp.example"))
        ).status_code == 200
        published["keys"] = [keys["rotated"][1]]
        rotated = idp_token(keys["rotated"][0], "k2", email="eng@corp.example")
        assert (await me(client, rotated)).status_code == 200
        assert len(fetches) == 2

    async def test_deactivated_user_is_refused_even_with_a_valid_provider_token(self, oidc, keys):
        client, container, *_ = oidc
        admin = await make_user(container, role=Role.ADMIN)
        user = await make_user(container, email="eng@corp.example", password=None)
        token = idp_token(keys["current"][0], "k1", email="eng@corp.example")
        admin_token = (
            await client.post(
                "/api/v1/auth/token",
                data={"username": admin.email, "password": "correct-horse-battery"},
            )
        ).json()
        await client.patch(
            f"/api/v1/users/{user.id}",
            json={"is_active": False},
            headers={"Authorization": f"Bearer {admin_token['access_token']}"},
        )
        assert (await me(client, token)).status_code == 401
