"""Month close over HTTP (SPEC section 8), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import duckdb

from domain.identity.roles import Role
from tests.api.closes.conftest import CHECKLIST, DEFAULT_UNIT, fill
from tests.api.orgs import mapped
from tests.api.spend_cards.conftest import approve_schedule

OCT = "/api/v1/closes/2026-10"


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def cur_invoice_totals(cur_dir) -> dict[str, Decimal]:
    """Each October invoice's total, straight from the CUR files (not from the store)."""
    con = duckdb.connect()
    try:
        found = con.execute(
            f"""
            SELECT bill_invoice_id, SUM(CAST(line_item_unblended_cost AS DECIMAL(20,10)))
            FROM read_parquet('{cur_dir}/**/*.parquet', union_by_name=true)
            WHERE strftime(bill_billing_period_start_date, '%Y-%m') = '2026-10'
            GROUP BY bill_invoice_id
            """
        ).fetchall()
    finally:
        con.close()
    return {i: Decimal(t).quantize(Decimal("0.01"), ROUND_HALF_UP) for i, t in found}


async def close(client, headers, period="2026-10", **body):
    return await client.post(f"/api/v1/closes/{period}/close", headers=headers, json=body)


async def download(client, headers, name, **params):
    return await client.get(f"{OCT}/files/{name}", headers=headers, params=params)


class TestChecklist:
    async def test_invoice_numbers_start_from_the_cur_and_readiness_says_what_is_missing(
        self, client, month
    ):
        body = (await client.get(OCT, headers=month["fin"])).json()
        assert body["version"] == 0
        assert body["readiness"]["finalized"] is True
        assert body["invoice_numbers"] == body["readiness"]["invoice_ids"] != []
        missing = {m["field"] for m in body["readiness"]["missing"]}
        assert missing == {"vendor", "purchase_order", "internal_memo"}
        assert body["readiness"]["ready"] is False
        saved = await fill(client, month["vm"])
        assert saved["version"] == 1
        assert saved["readiness"] == {**saved["readiness"], "ready": True, "missing": []}

    async def test_a_stale_version_is_refused(self, client, month):
        await fill(client, month["fin"])
        r = await client.put(
            OCT,
            headers=month["vm"],
            json={**CHECKLIST, "invoice_numbers": ["1"], "version": 0},
        )
        assert r.status_code == 409
        assert (await client.get(OCT, headers=month["fin"])).json()["invoice_numbers"] != ["1"]

    async def test_owners_may_neither_read_nor_fill_it(self, client, month):
        assert (await client.get(OCT, headers=month["po"])).status_code == 403
        r = await client.put(
            OCT, headers=month["po"], json={**CHECKLIST, "invoice_numbers": [], "version": 0}
        )
        assert r.status_code == 403


class TestCloseRefused:
    async def test_before_the_cur_shows_the_month_final(self, client, month):
        await fill(client, month["fin"], period="2026-11", invoice_numbers=["INV-11"])
        r = await close(client, month["fin"], period="2026-11")
        assert r.status_code == 422
        assert [e["field"] for e in r.json()["errors"]] == ["period"]
        assert "final" in r.json()["errors"][0]["message"]
        assert (await client.get("/api/v1/closed-periods", headers=month["fin"])).json() == []

    async def test_with_a_missing_checklist_item(self, client, month):
        await fill(client, month["fin"], internal_memo="  ")
        r = await close(client, month["fin"])
        assert r.status_code == 422
        assert [e["field"] for e in r.json()["errors"]] == ["internal_memo"]
        assert (await client.get("/api/v1/closed-periods", headers=month["fin"])).json() == []

    async def test_without_a_default_business_unit_for_unallocated_spend(
        self, client, month, settings
    ):
        settings.default_business_unit = ""
        await fill(client, month["fin"])
        body = (await client.get(OCT, headers=month["fin"])).json()
        assert [m["field"] for m in body["readiness"]["missing"]] == ["default_business_unit"]
        r = await close(client, month["fin"])
        assert r.status_code == 422
        assert [e["field"] for e in r.json()["errors"]] == ["default_business_unit"]
        assert "FINOPS_DEFAULT_BUSINESS_UNIT" in r.json()["errors"][0]["message"]
        # the close names its own
        await fill(client, month["fin"], default_business_unit="Group IT", version=1)
        r = await close(client, month["fin"])
        assert r.status_code == 200, r.text
        content = (await download(client, month["fin"], "accounts-payable-2026-10.csv")).content
        assert "Group IT" in {line["business_unit"] for line in rows_of(content)}

    async def test_twice(self, client, month):
        await fill(client, month["fin"])
        assert (await close(client, month["fin"])).status_code == 200
        r = await close(client, month["vm"])
        assert r.status_code == 409
        assert len((await client.get(OCT, headers=month["fin"])).json()["history"]) == 1

    async def test_by_an_owner(self, client, month):
        await fill(client, month["fin"])
        assert (await close(client, month["po"])).status_code == 403


class TestClose:
    async def test_the_accounts_payable_file_sums_to_each_invoice_of_the_cur(self, client, month):
        await fill(client, month["fin"])
        r = await close(client, month["fin"], version=1)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["closed"] is True
        assert (await client.get("/api/v1/closed-periods", headers=month["fin"])).json() == [
            "2026-10"
        ]
        names = [f["name"] for f in body["files"]]
        assert names == [
            "accounts-payable-2026-10.csv",
            "accruals-2026-10.csv",
            "approved-spending-2026-10.csv",
        ]
        listed = (await client.get(f"{OCT}/files", headers=month["fin"])).json()
        assert listed == body["files"]
        got = await download(client, month["fin"], "accounts-payable-2026-10.csv")
        assert got.headers["content-type"].startswith("text/csv")
        assert hashlib.sha256(got.content).hexdigest() == listed[0]["sha256"]
        lines = rows_of(got.content)
        assert len(lines) == listed[0]["rows"]
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for line in lines:
            sums[line["invoice_id"]] += Decimal(line["amount"])
            assert line["vendor"] == CHECKLIST["vendor"]
            assert line["currency"] == "USD"
        assert sums == cur_invoice_totals(month["cur"])
        assert {line["business_unit"] for line in lines} == {"Corporate", "Retail", DEFAULT_UNIT}

    async def test_the_accrual_file_is_allocation_minus_credits_per_budget(self, client, month):
        await fill(client, month["fin"])
        assert (await close(client, month["fin"])).status_code == 200
        lines = rows_of((await download(client, month["fin"], "accruals-2026-10.csv")).content)
        spend = (
            await client.get(
                "/api/v1/spend",
                headers=month["fin"],
                params={"period": "2026-10", "group_by": "budget"},
            )
        ).json()
        assert [(line["product"], line["budget_code"]) for line in lines] == [
            ("Ledger", "CO-001"),
            ("Checkout", "RT-001"),
            ("Search", "RT-002"),
        ]
        by_budget = {
            str(row["budget_id"]): Decimal(row["amount"])
            for row in spend["rows"]
            if row["budget_id"] is not None
        }
        for line in lines:
            allocated = Decimal(line["allocated_spend"])
            assert allocated == by_budget[line["budget_id"]].quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
            assert Decimal(line["amount"]) == allocated - Decimal(line["credits_applied"])


class TestLockedPeriod:
    async def test_splits_claims_and_schedules_into_a_closed_month_are_refused(self, client, month):
        fin, budgets, account = month["fin"], month["budgets"], month["accounts"][0]
        await fill(client, fin)
        assert (await close(client, fin)).status_code == 200
        r = await client.put(
            f"/api/v1/accounts/{account}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-10-19",
                "splits": [{"budget_id": budgets["Ledger"], "percent": "100"}],
            },
        )
        assert r.status_code == 422
        assert "closed" in r.text
        workload = await client.post(
            "/api/v1/workloads",
            headers=fin,
            json={
                "budget_id": budgets["Checkout"],
                "account_id": account,
                "name": "Checkout API",
                "calculator_url": "https://calculator.aws/#/estimate?id=0a1b2c3d4e5f",
                "monthly_estimate": "100.00",
                "launch_month": "2026-10",
            },
        )
        assert workload.status_code == 201, workload.text
        page = (
            await client.get(
                "/api/v1/resources",
                headers=fin,
                params={"account_id": account, "period": "2026-10"},
            )
        ).json()
        resource = page["items"][0]["resource_id"]
        r = await client.post(
            f"/api/v1/workloads/{workload.json()['id']}/claims",
            headers=fin,
            json={"resource_ids": [resource], "effective_from": "2026-10-15"},
        )
        assert r.status_code == 422
        assert "closed" in r.text
        months = [{"month": f"2026-{m:02d}", "amount": "100.00"} for m in range(1, 13)]
        r = await client.put(
            f"/api/v1/budgets/{budgets['Checkout']}/schedule",
            headers=fin,
            json={"months": months, "version": 0},
        )
        assert r.status_code == 422
        assert "closed" in r.text

    async def test_the_checklist_of_a_closed_month_cannot_change(self, client, month):
        saved = await fill(client, month["fin"])
        assert (await close(client, month["fin"])).status_code == 200
        r = await client.put(
            OCT,
            headers=month["vm"],
            json={**CHECKLIST, "invoice_numbers": ["x"], "version": saved["version"]},
        )
        assert r.status_code == 409


class TestReopen:
    async def test_only_an_admin_reopens_with_a_reason(self, client, month):
        await fill(client, month["fin"])
        assert (await close(client, month["fin"])).status_code == 200
        url = f"{OCT}/reopen"
        for role in ("fin", "vm", "po"):
            r = await client.post(url, headers=month[role], json={"reason": "late credit"})
            assert r.status_code == 403, role
        r = await client.post(url, headers=month["admin"], json={"reason": ""})
        assert r.status_code == 422
        assert (await client.get("/api/v1/closed-periods", headers=month["fin"])).json() == [
            "2026-10"
        ]
        r = await client.post(url, headers=month["admin"], json={"reason": "late AWS credit"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["closed"] is False
        assert [(e["kind"], e["reason"]) for e in body["history"]] == [
            ("close", None),
            ("reopen", "late AWS credit"),
        ]
        assert all(f["superseded"] for f in body["history"][0]["files"])
        assert body["files"] == []
        assert body["readiness"]["ready"] is True
        assert (await client.get("/api/v1/closed-periods", headers=month["fin"])).json() == []
        # the superseded files stay downloadable
        old = await download(client, month["fin"], "accruals-2026-10.csv")
        assert old.status_code == 200
        r = await client.post(url, headers=month["admin"], json={"reason": "again"})
        assert r.status_code == 409


class TestImmutableFiles:
    async def test_regeneration_and_a_reclose_with_nothing_changed_are_byte_identical(
        self, client, month
    ):
        await fill(client, month["fin"])
        first = (await close(client, month["fin"])).json()
        stored = {
            f["name"]: (await download(client, month["fin"], f["name"])).content
            for f in first["files"]
        }
        for name, content in stored.items():
            again = await download(client, month["fin"], name, regenerate="true")
            assert again.status_code == 200
            assert again.content == content
        r = await client.post(f"{OCT}/reopen", headers=month["admin"], json={"reason": "check"})
        assert r.status_code == 200
        second = (await close(client, month["fin"])).json()
        assert [e["kind"] for e in second["history"]] == ["close", "reopen", "close"]
        assert [(f["name"], f["sha256"]) for f in second["files"]] == [
            (f["name"], f["sha256"]) for f in first["files"]
        ]
        for name, content in stored.items():
            assert (await download(client, month["fin"], name)).content == content
        first_id = first["history"][0]["id"]
        old = await download(client, month["fin"], stored and next(iter(stored)), close_id=first_id)
        assert old.content == stored[next(iter(stored))]

    async def test_a_memo_that_looks_like_a_formula_is_escaped(self, client, month):
        await fill(client, month["fin"], internal_memo="=cmd|' /C calc'!A0", vendor="+AWS")
        assert (await close(client, month["fin"])).status_code == 200
        content = (await download(client, month["fin"], "accounts-payable-2026-10.csv")).content
        lines = rows_of(content)
        assert {line["internal_memo"] for line in lines} == {"'=cmd|' /C calc'!A0"}
        assert {line["vendor"] for line in lines} == {"'+AWS"}
        # amounts stay numbers: a negative amount is not escaped
        assert all(not line["amount"].startswith("'") for line in lines)

    async def test_an_unknown_file_is_not_found(self, client, month):
        await fill(client, month["fin"])
        assert (await close(client, month["fin"])).status_code == 200
        r = await download(client, month["fin"], "payroll-2026-10.csv")
        assert r.status_code == 404


class TestCreditsAtClose:
    async def test_closing_applies_the_credits_into_the_accruals_and_locks_them(
        self, client, month
    ):
        fin, checkout = month["fin"], month["budgets"]["Checkout"]
        r = await client.post(
            "/api/v1/credits",
            headers=fin,
            json={
                "budget_id": checkout,
                "program": "MAP",
                "amount": "5.00",
                "start_date": "2026-10-01",
                "expires_on": "2026-12-31",
                "reference": "MAP-1",
            },
        )
        assert r.status_code == 201, r.text
        credit = r.json()
        await fill(client, fin)
        assert (await close(client, fin)).status_code == 200
        detail = (await client.get(f"/api/v1/credits/{credit['id']}", headers=fin)).json()
        applied = sum(Decimal(e["amount"]) for e in detail["ledger"])
        assert [e["period"] for e in detail["ledger"]] == ["2026-10"]
        assert Decimal("0") < applied <= Decimal("5.00")
        lines = rows_of((await download(client, fin, "accruals-2026-10.csv")).content)
        line = next(row for row in lines if row["product"] == "Checkout")
        assert Decimal(line["credits_applied"]) == applied
        assert Decimal(line["amount"]) == Decimal(line["allocated_spend"]) - applied
        # the month is closed: no new credit reaches into it, and applying it again is refused
        r = await client.post(
            "/api/v1/credits",
            headers=fin,
            json={
                "budget_id": checkout,
                "program": "PoC",
                "amount": "1.00",
                "start_date": "2026-10-15",
                "expires_on": "2026-11-30",
            },
        )
        assert r.status_code == 422, r.text
        assert "closed" in r.text
        r = await client.post("/api/v1/credits/apply", headers=fin, json={"period": "2026-10"})
        assert r.status_code == 409, r.text


class TestApprovedSpendingFile:
    FPA = "approved-spending-2026-10.csv"

    async def approve_checkout(self, client, container, month):
        """Checkout's schedule approved (100.00 a month) by the owner of its portfolio."""
        tree = (
            await client.get("/api/v1/hierarchy", headers=month["fin"], params={"year": 2026})
        ).json()
        retail = next(n for n in tree["nodes"] if n["name"] == "Retail")
        web = retail["children"][0]["children"][0]
        _, pf = await mapped(client, container, month["admin"], Role.PORTFOLIO_OWNER, web["id"])
        await approve_schedule(client, {**month, "pf": pf}, month["budgets"]["Checkout"])

    async def test_it_is_the_fpa_report_of_the_month_frozen_at_close(
        self, client, container, month
    ):
        await self.approve_checkout(client, container, month)
        report = await client.get(
            "/api/v1/reports/approved-spending", headers=month["fin"], params={"period": "2026-10"}
        )
        assert report.status_code == 200, report.text
        await fill(client, month["fin"])
        body = (await close(client, month["fin"])).json()
        listed = (await client.get(f"{OCT}/files", headers=month["fin"])).json()
        (entry,) = [f for f in listed if f["name"] == self.FPA]
        got = await download(client, month["fin"], self.FPA)
        assert got.status_code == 200
        assert got.content == report.content
        assert hashlib.sha256(got.content).hexdigest() == entry["sha256"]
        lines = rows_of(got.content)
        assert entry["rows"] == len(lines) == 40  # 10 months × (BU, department, portfolio, product)
        # months without spend are under budget: the variance is a negative number, not text
        january = [x for x in lines if x["month"] == "2026-01"]
        assert {x["variance"] for x in january} == {"-100.00"}
        # regenerated from the rows the close froze: the same bytes
        again = await download(client, month["fin"], self.FPA, regenerate="true")
        assert again.status_code == 200
        assert again.content == got.content
        # reopened and closed again: the first file is superseded, still readable by its close
        first_id = body["history"][0]["id"]
        r = await client.post(f"{OCT}/reopen", headers=month["admin"], json={"reason": "check"})
        assert r.status_code == 200, r.text
        assert self.FPA in [f["name"] for f in r.json()["history"][0]["files"]]
        assert all(f["superseded"] for f in r.json()["history"][0]["files"])
        second = (await close(client, month["fin"])).json()
        assert self.FPA in [f["name"] for f in second["files"]]
        old = await download(client, month["fin"], self.FPA, close_id=first_id)
        assert old.status_code == 200
        assert old.content == got.content
