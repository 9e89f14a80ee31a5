from __future__ import annotations

import pytest

from api.app import create_app
from domain.identity.roles import Role
from tests.factories import auth_headers

PUBLIC = {("POST", "/api/v1/auth/token"), ("GET", "/api/v1/health")}


def _operations():
    document = create_app().openapi()
    for path, item in document["paths"].items():
        for method in item:
            yield method.upper(), path


class TestEveryEndpointNeedsAToken:
    @pytest.mark.parametrize(("method", "path"), sorted(set(_operations()) - PUBLIC))
    async def test_401_without_a_token(self, client, method, path):
        url = path.replace("{user_id}", "1").replace("{id}", "1")
        response = await client.request(method, url)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"


class TestOpenApi:
    def test_operation_ids_are_stable_and_unique(self):
        ids = [
            op["operationId"]
            for item in create_app().openapi()["paths"].values()
            for op in item.values()
        ]
        assert len(ids) == len(set(ids))
        assert "users-create_user" in ids
        assert "auth-login" in ids


class TestHealth:
    async def test_health_checks_the_database(self, client):
        response = await client.get("/api/v1/health")
        assert response.json() == {
            "status": "ok",
            "database": "ok",
            "allocation": "ok",
            # FINOPS_SPEND_ENGINE's default; the refresh always runs on DuckDB today
            "allocation_engine": "duckdb",
            "refresh_engine": "duckdb",
        }


class TestAudit:
    async def test_user_creation_is_audited_with_the_actor(self, client, container):
        headers = await auth_headers(client, container)
        me = (await client.get("/api/v1/me", headers=headers)).json()
        created = (
            await client.post(
                "/api/v1/users",
                headers=headers,
                json={"email": "audited@corp.com", "name": "Aud", "role": "cloud_engineer"},
            )
        ).json()
        events = (
            await client.get(
                "/api/v1/audit",
                headers=headers,
                params={"action": "user.create", "entity_id": str(created["id"])},
            )
        ).json()["items"]
        assert len(events) == 1
        assert events[0]["actor_id"] == me["id"]
        assert events[0]["actor_email"] == me["email"]
        assert events[0]["after"]["email"] == "audited@corp.com"
        assert events[0]["request_id"]
        # named as a person reads them: the actor's name and the object's
        assert events[0]["actor_name"] == me["name"]
        assert events[0]["entity_name"] == "Aud"

    async def test_budget_events_name_their_product(self, client, container):
        headers = await auth_headers(client, container)
        labels = ["Business Unit", "Department", "Portfolio", "Product"]
        await client.post("/api/v1/years", headers=headers, json={"year": 2026, "labels": labels})
        r = await client.post(
            "/api/v1/budgets",
            headers=headers,
            json={
                "year": 2026,
                "path": ["Retail", "Web", "Shop", "Checkout"],
                "annual_amount": "12",
            },
        )
        assert r.status_code == 201, r.text
        budget_id = r.json()["id"]
        events = (
            await client.get("/api/v1/audit", headers=headers, params={"entity_id": str(budget_id)})
        ).json()["items"]
        named = {(e["entity_type"], e["entity_name"]) for e in events}
        assert ("budget", "Checkout") in named

    async def test_a_refused_request_writes_no_audit_row(self, client, container):
        headers = await auth_headers(client, container)
        before = (await client.get("/api/v1/audit", headers=headers)).json()["total"]
        await client.post(
            "/api/v1/users/import",
            headers=headers,
            files={
                "file": ("u.csv", b"email,name,role\nok@c.com,A,admin\nbad,B,admin\n", "text/csv")
            },
        )
        after = (await client.get("/api/v1/audit", headers=headers)).json()["total"]
        assert after == before

    async def test_only_admins_read_the_audit_log(self, client, container):
        headers = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
        assert (await client.get("/api/v1/audit", headers=headers)).status_code == 403


class TestErrors:
    async def test_unknown_api_path_is_problem_json_404(self, client):
        response = await client.get("/api/v1/nowhere")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    async def test_unexpected_error_is_500_with_a_correlation_id(self, client, container, caplog):
        headers = await auth_headers(client, container)

        async def explode(*_args, **_kwargs):
            raise RuntimeError("boom: secret internals")

        container.tokens.verify = explode  # type: ignore[method-assign]
        response = await client.get("/api/v1/me", headers=headers)
        assert response.status_code == 500
        body = response.json()
        assert "boom" not in response.text
        assert "Traceback" not in response.text
        assert body["correlation_id"]
        assert any(
            getattr(r, "correlation_id", None) == body["correlation_id"] for r in caplog.records
        )

    async def test_spa_fallback_serves_the_dashboard(self, client):
        response = await client.get("/budgets/some/deep/link")
        assert response.status_code == 200
        assert "FinOps Center" in response.text
