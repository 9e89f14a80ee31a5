"""The classes of contract bug the Schemathesis run found (issue 19), one regression each."""

from __future__ import annotations

from domain.identity.roles import Role
from tests.factories import auth_headers


async def test_an_undeclared_method_answers_405_with_the_documents_methods(client, container):
    admin = await auth_headers(client, container, role=Role.ADMIN)
    # was a 404 from the SPA's catch-all
    cur = await client.get("/api/v1/webhooks/cur", headers=admin)
    assert cur.status_code == 405
    assert cur.headers["allow"] == "POST"
    assert cur.headers["content-type"] == "application/problem+json"
    # a literal path wins over a template: was a 422 about `credit_id`
    apply = await client.patch("/api/v1/credits/apply", headers=admin, json={})
    assert apply.status_code == 405
    assert apply.headers["allow"] == "POST"
    users = await client.delete("/api/v1/users", headers=admin)
    assert users.headers["allow"] == "GET, POST"


async def test_an_unknown_api_path_answers_404_for_every_method(client):
    for method in ("GET", "POST", "DELETE"):
        response = await client.request(method, "/api/v1/no-such-thing")
        assert response.status_code == 404, method
        assert response.json()["detail"] == "no such endpoint"


async def test_an_unreadable_json_body_answers_422_naming_the_body(client, container):
    admin = await auth_headers(client, container, role=Role.ADMIN)
    response = await client.post(
        "/api/v1/users",
        headers={**admin, "Content-Type": "application/json"},
        content=b"\xff\xfe not utf-8",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


async def test_audit_bounds_are_iso_dates_not_numbers(client, container):
    admin = await auth_headers(client, container, role=Role.ADMIN)
    refused = await client.get("/api/v1/audit", headers=admin, params={"until": "0.5"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "until"
    for value in ("2026-10-01", "2026-10-01T12:00:00Z"):
        ok = await client.get("/api/v1/audit", headers=admin, params={"since": value})
        assert ok.status_code == 200, value


async def test_a_date_in_a_body_is_a_string_not_a_number(client, container):
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    response = await client.post(
        "/api/v1/discounts", headers=fin, json={"percent": "3.50", "start": 0}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "the request is not valid"
    assert response.json()["errors"][0]["field"] == "start"


async def test_the_document_carries_the_rules_the_code_enforces(client):
    document = (await client.get("/api/openapi.json")).json()
    resources = document["paths"]["/api/v1/resources"]["get"]["parameters"]
    period = next(p for p in resources if p["name"] == "period")
    assert period["schema"]["pattern"] == r"^\d{4}-(0[1-9]|1[0-2])$"
    schemas = document["components"]["schemas"]
    assert schemas["UserCreate"]["properties"]["name"]["pattern"] == r"\S"
    assert schemas["YearCreate"]["properties"]["labels"]["minItems"] == 4
    # a header cannot carry null: the document does not offer it
    put = document["paths"]["/api/v1/budgets/{budget_id}/schedule"]["put"]["parameters"]
    if_match = next(p for p in put if p["name"] == "if-match")
    assert "anyOf" not in if_match["schema"]
    assert "pattern" in if_match["schema"]


def test_the_405_table_is_read_from_the_routes_the_document_lists(tmp_path):
    """The middleware reads the routes, not the generated document (that costs seconds per
    app); both must give the same paths and methods."""
    from adapters.config import Settings
    from api.app import create_app
    from api.methods import templates_of, templates_of_routes

    app = create_app(Settings(data_dir=tmp_path, jwt_secret="x" * 48))
    from_routes = templates_of_routes(app.routes)
    assert len(from_routes) > 80
    assert from_routes == templates_of(app.openapi())


# --- found by the per-role run in `make test` (tests/contract, issue 17) ---------------------


async def test_anomaly_bounds_are_iso_dates_not_numbers(client, container):
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    refused = await client.get("/api/v1/anomalies", headers=fin, params={"until": "0"})
    assert refused.status_code == 422  # pydantic's lax mode read "0" as 1970-01-01
    assert refused.json()["errors"][0]["field"] == "until"
    ok = await client.get("/api/v1/anomalies", headers=fin, params={"since": "2026-01-01"})
    assert ok.status_code == 200


async def test_a_flag_in_a_body_is_true_or_false_not_a_number(client, container):
    admin = await auth_headers(client, container, role=Role.ADMIN)
    created = await client.post(
        "/api/v1/users",
        headers=admin,
        json={"email": "flag@corp.com", "name": "Flag", "role": "admin", "password": "x" * 12},
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    for value in (0, "false", "no"):
        response = await client.patch(
            f"/api/v1/users/{user_id}", headers=admin, json={"is_active": value}
        )
        assert response.status_code == 422, value  # lax mode took all three for false
        assert response.json()["errors"][0]["field"] == "is_active"
    kept = await client.get(f"/api/v1/users/{user_id}", headers=admin)
    assert kept.json()["is_active"] is True


async def test_an_allocation_share_out_of_range_is_refused_not_a_server_error(client, container):
    admin = await auth_headers(client, container, role=Role.ADMIN)
    document = (await client.get("/api/openapi.json")).json()
    share = document["components"]["schemas"]["SplitShareWrite"]["properties"]
    assert share["budget_id"]["maximum"] == 2**31 - 1
    assert "pattern" in share["percent"]
    for body in (
        {"splits": [{"budget_id": 2**63 + 1, "percent": "100"}]},  # was a 500 on SQLite
        {"splits": [{"budget_id": 1, "percent": "1e2"}]},
    ):
        response = await client.put(
            "/api/v1/accounts/123456789012/allocation", headers=admin, json=body
        )
        assert response.status_code == 422, body
        assert response.json()["detail"] == "the request is not valid"


async def test_a_resource_id_too_long_or_with_a_control_character_is_refused(client, container):
    admin = await auth_headers(client, container, role=Role.ADMIN)
    for body in (
        {"resource_ids": ["i-0\u0000abc"]},  # a NUL byte was a 500 on PostgreSQL
        {"resource_ids": ["i-0abc"], "account_id": "12\u0000"},
        {"resource_ids": ["i" * 1025]},  # past the column's 1,024: a 500 on PostgreSQL
    ):
        response = await client.post("/api/v1/claims/release", headers=admin, json=body)
        assert response.status_code == 422, body
        assert response.json()["detail"] == "the request is not valid"
