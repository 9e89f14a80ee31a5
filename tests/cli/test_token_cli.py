"""`finops token create|list|revoke`, run in-process against each database."""

from __future__ import annotations

import asyncio

import httpx
from typer.testing import CliRunner

from api.cli import app
from domain.identity.roles import Role
from tests.factories import auth_headers


async def finops(settings, *args: str):
    """Run in a thread: the command runs its own event loop, as it does from a shell."""
    env = {
        "FINOPS_DATA_DIR": str(settings.data_dir),
        "FINOPS_DATABASE_URL": settings.database_url,
        "FINOPS_JWT_SECRET": settings.jwt_secret,
    }
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)


class TestTokenCommands:
    async def test_create_use_list_revoke(self, client: httpx.AsyncClient, container, settings):
        admin = await auth_headers(client, container, role=Role.ADMIN)
        r = await client.post(
            "/api/v1/service-accounts",
            headers=admin,
            json={"name": "ci", "role": "vendor_manager"},
        )
        account = r.json()["id"]
        created = await finops(
            settings, "token", "create", "--account", str(account), "--name", "ci"
        )
        assert created.exit_code == 0, created.output
        token = created.stdout.strip().splitlines()[-1]
        assert token.startswith("fct_")
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["id"] == account

        listed = await finops(settings, "token", "list", "--account", str(account))
        assert listed.exit_code == 0, listed.output
        token_id, prefix, status, *_ = listed.stdout.splitlines()[0].split("\t")
        assert (prefix, status) == (token[:12], "active")

        revoked = await finops(settings, "token", "revoke", "--account", str(account), token_id)
        assert revoked.exit_code == 0, revoked.output
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401

    async def test_an_unknown_account_is_one_clear_line(self, settings):
        result = await finops(settings, "token", "create", "--account", "999", "--name", "x")
        assert result.exit_code == 1
        assert "service account not found" in result.output
