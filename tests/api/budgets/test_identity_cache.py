"""The authenticated caller and their scope are kept per worker under the database's write
version (`api.identity_cache`): a change that ends a session or changes what a caller sees is
seen by the very next request, even with the cache warm."""

from __future__ import annotations

from domain.identity.roles import Role
from tests.api.budgets.test_scope import nodes_by_name, owner
from tests.factories import token_for


async def warm(client, container, user, headers, path="/api/v1/me", **params):
    """Two reads, so the caller is kept; asserts it is (the cache is what is under test)."""
    for _ in range(2):
        r = await client.get(path, headers=headers, params=params)
        assert r.status_code == 200, r.text
    assert any(
        entry.user.id == user.id
        for entry in container.identities._entries.values()  # noqa: SLF001
    ), "the caller is not kept: nothing here would test the cache"


async def products(client, headers) -> set[str]:
    r = await client.get("/api/v1/budgets", headers=headers, params={"year": 2025})
    assert r.status_code == 200, r.text
    return {b["product"] for b in r.json()["items"]}


class TestAWarmCacheSeesEveryChange:
    async def test_a_deactivated_users_token_stops_on_the_next_request(self, client, container):
        _, admin_h = await owner(client, container, Role.ADMIN)
        user, headers = await owner(client, container, Role.CLOUD_ENGINEER)
        await warm(client, container, user, headers)
        r = await client.patch(
            f"/api/v1/users/{user.id}", headers=admin_h, json={"is_active": False}
        )
        assert r.status_code == 200, r.text
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
        # and again (a kept, stale caller would come back on a second read)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401

    async def test_a_role_change_ends_the_session_and_the_new_one_has_the_new_role(
        self, client, container, loaded
    ):
        _, admin_h = await owner(client, container, Role.ADMIN)
        user, headers = await owner(client, container, Role.FINANCIAL_ADMIN)
        await warm(client, container, user, headers, "/api/v1/hierarchy", year=2025)
        r = await client.patch(
            f"/api/v1/users/{user.id}", headers=admin_h, json={"role": "cloud_engineer"}
        )
        assert r.status_code == 200, r.text
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
        fresh = {"Authorization": f"Bearer {await token_for(client, user.email)}"}
        me = await client.get("/api/v1/me", headers=fresh)
        assert me.json()["role"] == "cloud_engineer"
        assert len(loaded) == 4

    async def test_a_password_change_ends_the_session(self, client, container):
        _, admin_h = await owner(client, container, Role.ADMIN)
        user, headers = await owner(client, container, Role.CLOUD_ENGINEER)
        await warm(client, container, user, headers)
        r = await client.patch(
            f"/api/v1/users/{user.id}", headers=admin_h, json={"password": "another-long-pw"}
        )
        assert r.status_code == 200, r.text
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401

    async def test_a_scope_change_is_seen_by_the_next_request(
        self, client, container, finance, loaded
    ):
        _, admin_h = await owner(client, container, Role.ADMIN)
        nodes = await nodes_by_name(client, finance)
        web = nodes[("Retail", "Digital", "Web")]["id"]
        po, po_h = await owner(client, container, Role.PORTFOLIO_OWNER)
        scope = f"/api/v1/users/{po.id}/scope"
        assert (await client.put(scope, headers=admin_h, json={"node_ids": [web]})).is_success
        await warm(client, container, po, po_h, "/api/v1/budgets", year=2025)
        assert await products(client, po_h) == {"Storefront", "Checkout"}
        assert (await client.put(scope, headers=admin_h, json={"node_ids": []})).is_success
        assert await products(client, po_h) == set()  # unmapped: sees nothing, at once
        tree = (await client.get("/api/v1/hierarchy", headers=po_h, params={"year": 2025})).json()
        assert tree["nodes"] == []
        assert (await client.put(scope, headers=admin_h, json={"node_ids": [web]})).is_success
        assert await products(client, po_h) == {"Storefront", "Checkout"}
        assert loaded["Ledger"]["product"] == "Ledger"

    async def test_two_callers_never_share_a_scope(self, client, container, finance, loaded):
        _, admin_h = await owner(client, container, Role.ADMIN)
        nodes = await nodes_by_name(client, finance)
        web = nodes[("Retail", "Digital", "Web")]["id"]
        erp = nodes[("Corporate", "Finance", "ERP")]["id"]
        one, one_h = await owner(client, container, Role.PORTFOLIO_OWNER)
        two, two_h = await owner(client, container, Role.PORTFOLIO_OWNER)
        for user, node in ((one, web), (two, erp)):
            r = await client.put(
                f"/api/v1/users/{user.id}/scope", headers=admin_h, json={"node_ids": [node]}
            )
            assert r.is_success, r.text
        for _ in range(2):  # the second round is answered from the warm cache
            assert await products(client, one_h) == {"Storefront", "Checkout"}
            assert "Ledger" in await products(client, two_h)
            assert not await products(client, two_h) & {"Storefront", "Checkout"}
        assert len(loaded) == 4
