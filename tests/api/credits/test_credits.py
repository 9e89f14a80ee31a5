"""Credits over HTTP: who may record them, scope, validation, edit until applied, void, the
month's preview and application (idempotent), the forecast and the audit trail."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import insert

from adapters.db.models import ClosedPeriodRow
from adapters.db.uow import UnitOfWork

D = Decimal


def body(budget, **over):
    out = {
        "budget_id": budget,
        "program": "MAP",
        "amount": "1000.00",
        "start_date": "2026-10-01",
        "expires_on": "2027-03-31",
        "reference": "MAP-2026-001",
        "description": "migration acceleration",
    }
    out.update(over)
    return out


async def create(client, headers, budget, **over):
    r = await client.post("/api/v1/credits", headers=headers, json=body(budget, **over))
    assert r.status_code == 201, r.text
    return r.json()


async def spend_of(client, headers, budget, period):
    r = await client.get(
        "/api/v1/spend", headers=headers, params={"period": period, "group_by": "budget"}
    )
    assert r.status_code == 200, r.text
    return sum(D(row["amount"]) for row in r.json()["rows"] if row["budget_id"] == budget)


async def apply(client, headers, period):
    return await client.post("/api/v1/credits/apply", headers=headers, json={"period": period})


async def close(container, *periods):
    async with container.sessionmaker() as session:
        await session.execute(
            insert(ClosedPeriodRow), [{"period": p, "closed_by": "t"} for p in periods]
        )
        await session.commit()


def fields_of(problem):
    return {e.get("field") for e in problem.get("errors", [])}


class TestRecording:
    async def test_finance_records_and_owners_in_scope_read(self, client, org):
        made = await create(client, org["fin"], org["budget"])
        assert made["balance"] == "1000.00"
        assert made["applied"] == "0.00"
        assert made["editable"] is True
        assert made["budget_path"][-1] == "Checkout"
        also = await create(client, org["vendor"], org["budget"], program="PoC", amount="5")
        assert also["amount"] == "5.00"
        listed = (await client.get("/api/v1/credits", headers=org["po"])).json()
        assert {c["id"] for c in listed} == {made["id"], also["id"]}
        r = await client.get(f"/api/v1/credits/{made['id']}", headers=org["po"])
        assert r.status_code == 200
        assert r.json()["ledger"] == []

    async def test_owners_may_not_record(self, client, org):
        r = await client.post("/api/v1/credits", headers=org["po"], json=body(org["budget"]))
        assert r.status_code == 403
        listed = (await client.get("/api/v1/credits", headers=org["fin"])).json()
        assert listed == []

    async def test_out_of_scope_credits_are_missing(self, client, org):
        made = await create(client, org["fin"], org["budget"])
        assert (await client.get("/api/v1/credits", headers=org["other_pf"])).json() == []
        r = await client.get(f"/api/v1/credits/{made['id']}", headers=org["other_pf"])
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/problem+json")

    async def test_bad_input_names_every_field_and_writes_nothing(self, client, org):
        cases = [
            ({"amount": "0"}, {"amount"}),
            ({"amount": "12.345"}, {"amount"}),
            ({"amount": "-4"}, {"amount"}),
            ({"amount": "abc"}, {"amount"}),
            ({"expires_on": "2026-09-30"}, {"expires_on"}),
            ({"budget_id": 999999}, {"budget_id"}),
        ]
        for over, fields in cases:
            r = await client.post(
                "/api/v1/credits", headers=org["fin"], json=body(org["budget"], **over)
            )
            assert r.status_code == 422, (over, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert fields <= fields_of(r.json()), (over, r.json())
        r = await client.post(
            "/api/v1/credits", headers=org["fin"], json=body(org["budget"], program="Gift")
        )
        assert r.status_code == 422
        assert (await client.get("/api/v1/credits", headers=org["fin"])).json() == []

    async def test_a_credit_may_not_reach_into_a_closed_month(self, client, container, org):
        await close(container, "2026-10")
        r = await client.post("/api/v1/credits", headers=org["fin"], json=body(org["budget"]))
        assert r.status_code == 422
        assert "start_date" in fields_of(r.json())
        await create(client, org["fin"], org["budget"], start_date="2026-11-01")


class TestEditAndVoid:
    async def test_edit_with_the_version_read_then_stale(self, client, org):
        made = await create(client, org["fin"], org["budget"])
        r = await client.patch(
            f"/api/v1/credits/{made['id']}",
            headers=org["fin"],
            json={"version": made["version"], "amount": "1500.50", "program": "Activate"},
        )
        assert r.status_code == 200, r.text
        edited = r.json()
        assert (edited["amount"], edited["program"], edited["reference"]) == (
            "1500.50",
            "Activate",
            "MAP-2026-001",
        )
        assert edited["version"] == made["version"] + 1
        r = await client.patch(
            f"/api/v1/credits/{made['id']}",
            headers=org["fin"],
            json={"version": made["version"], "amount": "1.00"},
        )
        assert r.status_code == 409
        assert "version" in fields_of(r.json())
        r = await client.patch(
            f"/api/v1/credits/{made['id']}",
            headers=org["po"],
            json={"version": edited["version"], "amount": "1.00"},
        )
        assert r.status_code == 403

    async def test_an_applied_credit_cannot_be_edited_but_can_be_voided(self, client, org):
        made = await create(client, org["fin"], org["budget"])
        assert (await apply(client, org["fin"], "2026-10")).status_code == 200
        detail = (await client.get(f"/api/v1/credits/{made['id']}", headers=org["fin"])).json()
        assert detail["editable"] is False
        r = await client.patch(
            f"/api/v1/credits/{made['id']}",
            headers=org["fin"],
            json={"version": detail["version"], "description": "x"},
        )
        assert r.status_code == 409
        r = await client.post(
            f"/api/v1/credits/{made['id']}/void",
            headers=org["fin"],
            json={"version": detail["version"], "reason": ""},
        )
        assert r.status_code == 422
        assert "reason" in fields_of(r.json())
        r = await client.post(
            f"/api/v1/credits/{made['id']}/void",
            headers=org["fin"],
            json={"version": detail["version"], "reason": "programme ended early"},
        )
        assert r.status_code == 200, r.text
        voided = r.json()
        assert voided["status"] == "void"
        assert voided["void_reason"] == "programme ended early"
        assert voided["ledger"] == detail["ledger"]
        # a void credit applies nothing more
        r = await apply(client, org["fin"], "2026-11")
        assert r.json()["applications"] == []
        r = await client.post(
            f"/api/v1/credits/{made['id']}/void",
            headers=org["fin"],
            json={"version": voided["version"], "reason": "again"},
        )
        assert r.status_code == 409


class TestApplication:
    async def test_oldest_expiry_first_up_to_the_month_spend_once(self, client, container, org):
        fin, budget = org["fin"], org["budget"]
        october = await spend_of(client, fin, budget, "2026-10")
        assert october > 10
        small = await create(
            client, fin, budget, amount="10.00", expires_on="2026-12-31", program="PoC"
        )
        big = await create(client, fin, budget, amount="9999999.00", expires_on="2027-06-30")
        elsewhere = await create(client, fin, org["ledger_budget"], amount="50.00")
        preview = await client.get(
            "/api/v1/credits/preview", headers=fin, params={"period": "2026-10"}
        )
        assert preview.status_code == 200, preview.text
        budgets = {b["budget_id"]: b for b in preview.json()["budgets"]}
        mine = budgets[budget]
        assert [c["credit_id"] for c in mine["credits"]] == [small["id"], big["id"]]
        assert mine["credits"][0]["amount"] == "10.00"
        assert D(mine["applied"]) == october.quantize(D("0.01"), rounding="ROUND_DOWN")
        assert budgets[org["ledger_budget"]]["credits"][0]["amount"] == "0.00"
        # the preview wrote nothing
        r = await client.get(f"/api/v1/credits/{small['id']}", headers=fin)
        assert r.json()["ledger"] == []

        r = await apply(client, fin, "2026-10")
        assert r.status_code == 200, r.text
        applied = {a["credit_id"]: D(a["amount"]) for a in r.json()["applications"]}
        assert applied[small["id"]] == D("10.00")
        assert sum(applied.values()) == D(mine["applied"])
        assert sum(applied.values()) <= october
        assert elsewhere["id"] not in applied
        detail = (await client.get(f"/api/v1/credits/{big['id']}", headers=fin)).json()
        assert [(e["period"], D(e["amount"])) for e in detail["ledger"]] == [
            ("2026-10", applied[big["id"]])
        ]
        assert D(detail["balance"]) == D("9999999.00") - applied[big["id"]]

        again = await apply(client, fin, "2026-10")
        assert again.status_code == 200
        assert again.json()["applications"] == []
        # the preview now shows what was applied
        shown = (
            await client.get("/api/v1/credits/preview", headers=fin, params={"period": "2026-10"})
        ).json()
        lines = {c["credit_id"]: c for b in shown["budgets"] for c in b["credits"]}
        assert lines[small["id"]]["already_applied"] is True
        assert D(lines[big["id"]]["amount"]) == applied[big["id"]]

        # month close reads the credits applied per budget
        async with container.sessionmaker() as session:
            per_budget = await UnitOfWork(session).credits.applied("2026-10")
        assert per_budget == {budget: sum(applied.values())}

    async def test_only_finance_applies_and_only_a_finished_open_month(
        self, client, container, org
    ):
        await create(client, org["fin"], org["budget"])
        assert (await apply(client, org["po"], "2026-10")).status_code == 403
        r = await apply(client, org["fin"], "2026-12")
        assert r.status_code == 422
        assert "period" in fields_of(r.json())
        r = await client.post(
            "/api/v1/credits/apply", headers=org["fin"], json={"period": "2026-13"}
        )
        assert r.status_code == 422
        await close(container, "2026-10")
        assert (await apply(client, org["fin"], "2026-10")).status_code == 409

    async def test_a_credit_expiring_mid_month_covers_only_its_days(self, client, org):
        fin, budget = org["fin"], org["budget"]
        made = await create(
            client,
            fin,
            budget,
            amount="9999999.00",
            start_date="2026-11-01",
            expires_on="2026-11-10",
        )
        r = await client.get(
            "/api/v1/spend",
            headers=fin,
            params={"period": "2026-11", "group_by": "day"},
        )
        first_ten = sum(D(row["amount"]) for row in r.json()["rows"] if row["day"] <= "2026-11-10")
        whole = await spend_of(client, fin, budget, "2026-11")
        assert first_ten < whole
        r = await apply(client, fin, "2026-11")
        applied = {a["credit_id"]: D(a["amount"]) for a in r.json()["applications"]}
        assert applied[made["id"]] == first_ten.quantize(D("0.01"), rounding="ROUND_DOWN")


class TestForecastAndAudit:
    async def test_forecast_flags_credits_expiring_unused(self, client, org):
        fin, budget = org["fin"], org["budget"]
        october = await spend_of(client, fin, budget, "2026-10")
        november = await spend_of(client, fin, budget, "2026-11")
        huge = await create(
            client,
            fin,
            budget,
            amount="9999999.00",
            start_date="2026-12-01",
            expires_on="2027-01-31",
        )
        r = await client.get("/api/v1/credits/forecast", headers=org["po"])
        assert r.status_code == 200, r.text
        (line,) = r.json()
        assert line["credit_id"] == huge["id"]
        assert line["history_months"] == ["2026-10", "2026-11"]
        burn = ((october + november) / 2).quantize(D("0.01"))
        assert D(line["burn_rate"]) == burn
        assert D(line["unused_at_expiry"]) == D("9999999.00") - D(line["projected_use"])
        assert D("0") < D(line["projected_use"]) <= 2 * burn
        only = await client.get(
            "/api/v1/credits/forecast", headers=fin, params={"unused_only": "true"}
        )
        assert [x["credit_id"] for x in only.json()] == [huge["id"]]
        assert (await client.get("/api/v1/credits/forecast", headers=org["other_pf"])).json() == []

    async def test_every_change_is_audited(self, client, org):
        made = await create(client, org["fin"], org["budget"])
        await client.patch(
            f"/api/v1/credits/{made['id']}",
            headers=org["fin"],
            json={"version": 1, "amount": "2000"},
        )
        await apply(client, org["fin"], "2026-10")
        await client.post(
            f"/api/v1/credits/{made['id']}/void",
            headers=org["fin"],
            json={"version": 2, "reason": "duplicate entry"},
        )
        r = await client.get(
            "/api/v1/audit", headers=org["admin"], params={"entity_type": "credit"}
        )
        assert r.status_code == 200, r.text
        items = r.json()["items"] if isinstance(r.json(), dict) else r.json()
        actions = sorted(e["action"] for e in items)
        assert actions == ["credit.apply", "credit.create", "credit.edit", "credit.void"]
        edit = next(e for e in items if e["action"] == "credit.edit")
        assert (edit["before"]["amount"], edit["after"]["amount"]) == ("1000.00", "2000.00")
