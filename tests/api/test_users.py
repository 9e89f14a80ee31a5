from __future__ import annotations

import pytest

from domain.identity.roles import Role
from tests.factories import auth_headers, make_user, token_for


def csv_file(text: str, name: str = "users.csv"):
    return {"file": (name, text.encode(), "text/csv")}


async def user_count(client, headers) -> int:
    return (await client.get("/api/v1/users", headers=headers)).json()["total"]


class TestCreateUser:
    async def test_admin_creates_and_reads_a_user(self, client, container):
        headers = await auth_headers(client, container)
        response = await client.post(
            "/api/v1/users",
            headers=headers,
            json={
                "email": "ana@corp.com",
                "name": "Ana",
                "role": "product_owner",
                "password": "long-enough-pw",
            },
        )
        assert response.status_code == 201, response.text
        created = response.json()
        assert created["role"] == "product_owner"
        assert created["is_active"] is True
        assert "password" not in created
        assert "password_hash" not in created
        fetched = await client.get(f"/api/v1/users/{created['id']}", headers=headers)
        assert fetched.json()["email"] == "ana@corp.com"
        assert await token_for(client, "ana@corp.com", "long-enough-pw")

    async def test_plus_addressing_is_a_distinct_user(self, client, container):
        headers = await auth_headers(client, container)
        for email in ("ana@corp.com", "ana+finops@corp.com"):
            r = await client.post(
                "/api/v1/users",
                headers=headers,
                json={"email": email, "name": "Ana", "role": "admin"},
            )
            assert r.status_code == 201, r.text

    async def test_email_differing_only_in_case_is_a_duplicate(self, client, container):
        headers = await auth_headers(client, container)
        await make_user(container, email="ana@corp.com")
        before = await user_count(client, headers)
        r = await client.post(
            "/api/v1/users",
            headers=headers,
            json={"email": "ANA@Corp.com", "name": "Ana", "role": "admin"},
        )
        assert r.status_code == 409
        assert r.json()["errors"][0]["field"] == "email"
        assert await user_count(client, headers) == before

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"email": "not-an-email", "name": "A", "role": "admin"}, "email"),
            ({"email": "a@b.com", "name": "  ", "role": "admin"}, "name"),
            ({"email": "a@b.com", "name": "A", "role": "emperor"}, "role"),
            ({"email": "a@b.com", "name": "A", "role": "admin", "password": "short"}, "password"),
            ({"name": "A", "role": "admin"}, "email"),
            ({"email": "a@b.com", "name": "A", "role": "admin", "extra": 1}, "extra"),
        ],
    )
    async def test_bad_input_is_422_naming_the_field(self, client, container, body, field):
        headers = await auth_headers(client, container)
        before = await user_count(client, headers)
        r = await client.post("/api/v1/users", headers=headers, json=body)
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in r.json()["errors"]]
        assert await user_count(client, headers) == before

    @pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
    async def test_only_admins_manage_users(self, client, container, role):
        headers = await auth_headers(client, container, role=role)
        r = await client.post(
            "/api/v1/users",
            headers=headers,
            json={"email": "x@corp.com", "name": "X", "role": "admin"},
        )
        assert r.status_code == 403
        assert (await client.get("/api/v1/users", headers=headers)).status_code == 403


class TestUserSearchIsLiteral:
    async def test_like_wildcards_in_q_match_only_themselves(self, client, container):
        headers = await auth_headers(client, container)
        await make_user(container, email="a_b@corp.com", name="Ann 50%")
        await make_user(container, email="axb@corp.com", name="Bob")

        async def found(q):
            r = await client.get("/api/v1/users", headers=headers, params={"q": q})
            return sorted(u["email"] for u in r.json()["items"])

        assert await found("%") == ["a_b@corp.com"]
        assert await found("a_b") == ["a_b@corp.com"]
        assert await found("bob") == ["axb@corp.com"]


class TestUpdateUser:
    async def test_role_change_is_kept_in_the_audit_log(self, client, container):
        headers = await auth_headers(client, container)
        user = await make_user(container, role=Role.PRODUCT_OWNER)
        r = await client.patch(
            f"/api/v1/users/{user.id}", headers=headers, json={"role": "portfolio_owner"}
        )
        assert r.status_code == 200
        assert r.json()["role"] == "portfolio_owner"
        audit = await client.get(
            "/api/v1/audit",
            headers=headers,
            params={"entity_type": "user", "entity_id": str(user.id), "action": "user.update"},
        )
        (event,) = audit.json()["items"]
        assert event["before"]["role"] == "product_owner"
        assert event["after"]["role"] == "portfolio_owner"

    async def test_unknown_user_is_404(self, client, container):
        headers = await auth_headers(client, container)
        r = await client.patch("/api/v1/users/999999", headers=headers, json={"name": "X"})
        assert r.status_code == 404
        assert (await client.get("/api/v1/users/999999", headers=headers)).status_code == 404

    async def test_the_last_admin_cannot_be_demoted(self, client, container):
        admin = await make_user(container, role=Role.ADMIN)
        headers = {"Authorization": f"Bearer {await token_for(client, admin.email)}"}
        r = await client.patch(
            f"/api/v1/users/{admin.id}", headers=headers, json={"role": "cloud_engineer"}
        )
        assert r.status_code == 409
        me = await client.get("/api/v1/me", headers=headers)
        assert me.json()["role"] == "admin"

    async def test_bad_role_changes_nothing(self, client, container):
        headers = await auth_headers(client, container)
        user = await make_user(container, role=Role.PRODUCT_OWNER, name="Before")
        r = await client.patch(
            f"/api/v1/users/{user.id}", headers=headers, json={"name": "After", "role": "wizard"}
        )
        assert r.status_code == 422
        fetched = (await client.get(f"/api/v1/users/{user.id}", headers=headers)).json()
        assert fetched["name"] == "Before"
        assert fetched["role"] == "product_owner"


class TestImportUsers:
    async def test_a_good_file_creates_every_user(self, client, container):
        headers = await auth_headers(client, container)
        text = (
            "email,name,role,password\n"
            "a1@corp.com,Ann One,product_owner,password-one-1\n"
            'a1+ops@corp.com,"One, Ann",cloud_engineer,\n'
            "\ufeffbad@x.com,Ä Ünïcode,department_owner,password-two-2\n"
        )
        r = await client.post(
            "/api/v1/users/import", headers=headers, files=csv_file(text.replace("\ufeff", ""))
        )
        assert r.status_code == 201, r.text
        assert r.json()["created"] == 3
        assert await token_for(client, "a1@corp.com", "password-one-1")
        listed = await client.get("/api/v1/users", headers=headers, params={"q": "corp.com"})
        assert {u["email"] for u in listed.json()["items"]} == {"a1@corp.com", "a1+ops@corp.com"}

    async def test_bom_and_crlf_are_accepted(self, client, container):
        headers = await auth_headers(client, container)
        text = "\ufeffemail,name,role\r\nb1@corp.com,B,admin\r\n"
        r = await client.post("/api/v1/users/import", headers=headers, files=csv_file(text))
        assert r.status_code == 201, r.text

    async def test_every_bad_row_is_listed_and_nobody_is_created(self, client, container):
        headers = await auth_headers(client, container)
        await make_user(container, email="taken@corp.com")
        before = await user_count(client, headers)
        text = (
            "email,name,role\n"
            "ok@corp.com,Fine,admin\n"  # row 2: fine, but the file fails
            "dup@corp.com,One,admin\n"  # row 3
            "DUP@corp.com,Two,admin\n"  # row 4: duplicate in the file
            "x@corp.com,X,overlord\n"  # row 5: unknown role
            "not-an-email,Y,admin\n"  # row 6: malformed
            "Taken@Corp.com,Z,admin\n"
        )  # row 7: already a user
        r = await client.post("/api/v1/users/import", headers=headers, files=csv_file(text))
        assert r.status_code == 422
        errors = r.json()["errors"]
        assert {(e["row"], e["column"]) for e in errors} == {
            (4, "email"),
            (5, "role"),
            (6, "email"),
            (7, "email"),
        }
        assert await user_count(client, headers) == before

    @pytest.mark.parametrize(
        ("text", "row"),
        [
            ("", None),
            ("email,name,role\n", 2),
            ("mail,name,role\nx@corp.com,X,admin\n", 1),
            ("email;name;role\nx@corp.com;X;admin\n", 1),
            ("email,name,role\nx@corp.com,X\n", 2),
        ],
        ids=["empty", "header-only", "wrong-header", "semicolons", "short-row"],
    )
    async def test_unreadable_files_are_422(self, client, container, text, row):
        headers = await auth_headers(client, container)
        before = await user_count(client, headers)
        r = await client.post("/api/v1/users/import", headers=headers, files=csv_file(text))
        assert r.status_code == 422
        assert r.json()["errors"][0].get("row") == row
        assert await user_count(client, headers) == before

    async def test_non_utf8_is_422(self, client, container):
        headers = await auth_headers(client, container)
        r = await client.post(
            "/api/v1/users/import",
            headers=headers,
            files={"file": ("u.csv", b"email,name,role\n\xff\xfe,x,admin\n", "text/csv")},
        )
        assert r.status_code == 422
        assert "UTF-8" in r.json()["detail"]

    async def test_missing_file_is_422(self, client, container):
        headers = await auth_headers(client, container)
        r = await client.post("/api/v1/users/import", headers=headers)
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "file"

    async def test_a_file_over_the_limit_is_413(self, client, container):
        headers = await auth_headers(client, container)
        container.settings.upload_limit_mb = 1
        big = "email,name,role\n" + "x@corp.com,X,admin\n" * 70_000
        r = await client.post("/api/v1/users/import", headers=headers, files=csv_file(big))
        assert r.status_code == 413
