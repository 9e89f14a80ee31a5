"""Financial scope: mapping rules, and that nothing outside a user's subtree ever reaches them."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.identity.roles import Role
from tests.factories import make_user, token_for

HEADER = "BU,Dept,Portfolio,Product,Amount\n"


async def nodes_by_name(client, headers, year=2025):
    tree = (await client.get("/api/v1/hierarchy", headers=headers, params={"year": year})).json()
    found = {}

    def walk(node, names):
        found[(*names, node["name"])] = node
        for child in node["children"]:
            walk(child, (*names, node["name"]))

    for top in tree["nodes"]:
        walk(top, ())
    return found


async def owner(client, container, role):
    user = await make_user(container, role=role)
    return user, {"Authorization": f"Bearer {await token_for(client, user.email)}"}


class TestScopeMapping:
    async def test_owner_sees_only_their_subtree(self, client, container, finance, loaded):
        admin, admin_h = await owner(client, container, Role.ADMIN)
        nodes = await nodes_by_name(client, finance)
        po, po_h = await owner(client, container, Role.PORTFOLIO_OWNER)
        web = nodes[("Retail", "Digital", "Web")]
        r = await client.put(
            f"/api/v1/users/{po.id}/scope", headers=admin_h, json={"node_ids": [web["id"]]}
        )
        assert r.status_code == 200, r.text
        assert r.json()["nodes"][0]["path"] == ["Retail", "Digital", "Web"]
        visible = (await client.get("/api/v1/budgets", headers=po_h, params={"year": 2025})).json()[
            "items"
        ]
        assert {b["product"] for b in visible} == {"Storefront", "Checkout"}
        hidden = loaded["Ledger"]["id"]
        assert (await client.get(f"/api/v1/budgets/{hidden}", headers=po_h)).status_code == 404
        assert (await client.get("/api/v1/budgets/999999", headers=po_h)).status_code == 404
        tree = (await client.get("/api/v1/hierarchy", headers=po_h, params={"year": 2025})).json()
        assert [n["name"] for n in tree["nodes"]] == ["Web"]
        assert tree["nodes"][0]["annual_amount"] == "1800000.00"
        assert admin.id != po.id

    async def test_unmapped_owner_sees_nothing(self, client, container, loaded):
        _, headers = await owner(client, container, Role.DEPARTMENT_OWNER)
        assert (await client.get("/api/v1/budgets", headers=headers)).json()["total"] == 0
        assert (
            await client.get(f"/api/v1/budgets/{loaded['App']['id']}", headers=headers)
        ).status_code == 404

    async def test_nodes_must_match_the_role_level_and_share_a_parent(
        self, client, container, finance, loaded
    ):
        _, admin_h = await owner(client, container, Role.ADMIN)
        nodes = await nodes_by_name(client, finance)
        po, _ = await owner(client, container, Role.PORTFOLIO_OWNER)
        web, mobile = nodes[("Retail", "Digital", "Web")], nodes[("Retail", "Digital", "Mobile")]
        erp, digital = nodes[("Corporate", "Finance", "ERP")], nodes[("Retail", "Digital")]
        ok = await client.put(
            f"/api/v1/users/{po.id}/scope",
            headers=admin_h,
            json={"node_ids": [web["id"], mobile["id"]]},
        )
        assert ok.status_code == 200
        for bad in ([web["id"], erp["id"]], [digital["id"]], [987654]):
            r = await client.put(
                f"/api/v1/users/{po.id}/scope", headers=admin_h, json={"node_ids": bad}
            )
            assert r.status_code == 422, bad
            assert r.json()["errors"][0]["field"] == "node_ids"
        kept = (await client.get(f"/api/v1/users/{po.id}/scope", headers=admin_h)).json()
        assert kept["node_ids"] == sorted([web["id"], mobile["id"]])
        assert len(loaded) == 4

    async def test_roles_without_scope_cannot_be_mapped(self, client, container, finance, loaded):
        _, admin_h = await owner(client, container, Role.ADMIN)
        nodes = await nodes_by_name(client, finance)
        fa, _ = await owner(client, container, Role.FINANCIAL_ADMIN)
        r = await client.put(
            f"/api/v1/users/{fa.id}/scope",
            headers=admin_h,
            json={"node_ids": [nodes[("Retail",)]["id"]]},
        )
        assert r.status_code == 422
        assert len(loaded) == 4

    async def test_only_admins_map_scope(self, client, container, finance):
        po, _ = await owner(client, container, Role.PORTFOLIO_OWNER)
        r = await client.put(f"/api/v1/users/{po.id}/scope", headers=finance, json={"node_ids": []})
        assert r.status_code == 403


class TestRoleChangeRechecksTheScope:
    async def _bu_owner_of_retail(self, client, container, finance):
        _, admin_h = await owner(client, container, Role.ADMIN)
        nodes = await nodes_by_name(client, finance)
        bu, _ = await owner(client, container, Role.BUSINESS_UNIT_OWNER)
        retail = nodes[("Retail",)]
        r = await client.put(
            f"/api/v1/users/{bu.id}/scope", headers=admin_h, json={"node_ids": [retail["id"]]}
        )
        assert r.status_code == 200, r.text
        return bu, admin_h, nodes

    async def test_a_mapping_that_no_longer_fits_refuses_the_change(
        self, client, container, finance, loaded
    ):
        bu, admin_h, nodes = await self._bu_owner_of_retail(client, container, finance)
        r = await client.patch(
            f"/api/v1/users/{bu.id}", headers=admin_h, json={"role": "product_owner"}
        )
        assert r.status_code == 422, r.text
        (error,) = r.json()["errors"]
        assert error["field"] == "role"
        assert f"node {nodes[('Retail',)]['id']} 'Retail'" in error["message"]
        assert (await client.get(f"/api/v1/users/{bu.id}", headers=admin_h)).json()[
            "role"
        ] == "business_unit_owner"
        assert len(loaded) == 4

    async def test_a_role_without_scope_needs_the_mapping_removed(
        self, client, container, finance, loaded
    ):
        bu, admin_h, _ = await self._bu_owner_of_retail(client, container, finance)
        url = f"/api/v1/users/{bu.id}"
        refused = await client.patch(url, headers=admin_h, json={"role": "cloud_engineer"})
        assert refused.status_code == 422
        ok = await client.patch(
            url, headers=admin_h, json={"role": "cloud_engineer", "node_ids": []}
        )
        assert ok.status_code == 200, ok.text
        scope = (await client.get(f"/api/v1/users/{bu.id}/scope", headers=admin_h)).json()
        assert scope["node_ids"] == []
        assert len(loaded) == 4

    async def test_the_change_goes_through_with_a_valid_new_scope(
        self, client, container, finance, loaded
    ):
        bu, admin_h, nodes = await self._bu_owner_of_retail(client, container, finance)
        checkout = nodes[("Retail", "Digital", "Web", "Checkout")]
        wrong = await client.patch(
            f"/api/v1/users/{bu.id}",
            headers=admin_h,
            json={"role": "product_owner", "node_ids": [nodes[("Retail",)]["id"]]},
        )
        assert wrong.status_code == 422
        r = await client.patch(
            f"/api/v1/users/{bu.id}",
            headers=admin_h,
            json={"role": "product_owner", "node_ids": [checkout["id"]]},
        )
        assert r.status_code == 200, r.text
        scope = (await client.get(f"/api/v1/users/{bu.id}/scope", headers=admin_h)).json()
        assert scope["node_ids"] == [checkout["id"]]
        assert len(loaded) == 4


LEVEL_ROLE = {
    1: Role.BUSINESS_UNIT_OWNER,
    2: Role.DEPARTMENT_OWNER,
    3: Role.PORTFOLIO_OWNER,
    4: Role.PRODUCT_OWNER,
}
_year = itertools.count(2030)

trees = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.integers(0, 2),
        st.integers(0, 2),
        st.integers(0, 3),
        st.integers(1, 99_999),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda t: t[:4],
)


class TestScopeNeverLeaks:
    @settings(
        max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(rows=trees, level=st.integers(1, 4), pick=st.integers(0, 10_000))
    async def test_every_list_and_detail_endpoint_respects_scope(
        self, client, container, finance, rows, level, pick
    ):
        year = next(_year)
        text = HEADER + "".join(f"B{a},D{b},P{c},X{d},{amt}\n" for a, b, c, d, amt in rows)
        r = await client.post(
            "/api/v1/budget-imports",
            headers=finance,
            files={
                "file": (
                    f"C_{year}_true_{year}-01-01_false_Budget_v1.csv",
                    text.encode(),
                    "text/csv",
                )
            },
        )
        assert r.status_code == 201, r.text
        nodes = await nodes_by_name(client, finance, year)
        at_level = sorted((k for k in nodes if len(k) == level), key=str)
        root = at_level[pick % len(at_level)]
        # Siblings of the root can join it: several nodes allowed under one parent.
        siblings = [k for k in at_level if k[:-1] == root[:-1]]
        mapped = siblings[: 1 + pick % len(siblings)]
        user = await make_user(container, role=LEVEL_ROLE[level])
        headers = {"Authorization": f"Bearer {await token_for(client, user.email)}"}
        admin = await make_user(container, role=Role.ADMIN)
        admin_h = {"Authorization": f"Bearer {await token_for(client, admin.email)}"}
        put = await client.put(
            f"/api/v1/users/{user.id}/scope",
            headers=admin_h,
            json={"node_ids": [nodes[k]["id"] for k in mapped]},
        )
        assert put.status_code == 200, put.text

        def inside(path):
            return any(path[: len(m)] == m for m in mapped)

        every = (
            await client.get("/api/v1/budgets", headers=finance, params={"year": year})
        ).json()["items"]
        expected = {b["id"] for b in every if inside(tuple(b["path"]))}
        seen = (await client.get("/api/v1/budgets", headers=headers, params={"year": year})).json()[
            "items"
        ]
        assert {b["id"] for b in seen} == expected
        for b in every:
            status = (await client.get(f"/api/v1/budgets/{b['id']}", headers=headers)).status_code
            assert status == (200 if b["id"] in expected else 404)
        full = await nodes_by_name(client, finance, year)
        scoped = {n["id"] for n in (await nodes_by_name(client, headers, year)).values()}
        assert scoped == {n["id"] for path, n in full.items() if inside(path)}
        total = sum(
            int(amt) for a, b, c, d, amt in rows if inside((f"B{a}", f"D{b}", f"P{c}", f"X{d}"))
        )
        tops = (
            await client.get("/api/v1/hierarchy", headers=headers, params={"year": year})
        ).json()["nodes"]
        assert sum(float(n["annual_amount"]) for n in tops) == total
