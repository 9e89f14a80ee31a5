"""Recommendations over HTTP, on SQLite and PostgreSQL: import (CSV and parquet, upsert,
rotation, resolve, bad files), budget mapping, scope, decisions and tasks."""

from __future__ import annotations

import csv
import io

from adapters.recommendations.sample import (
    SampleResource,
    arn_of,
    sample_export,
    write_csv,
    write_parquet,
)
from tests.api.recommendations.conftest import upload


async def _all(client, headers, **params):
    r = await client.get(
        "/api/v1/recommendations", headers=headers, params={"limit": 1000, **params}
    )
    assert r.status_code == 200, r.text
    return r.json()


def _by_arn(items):
    return {(i["resource_arn"], i["action_type"]): i for i in items}


class TestImport:
    async def test_csv_import_creates_deduplicated_flags_and_maps(self, client, org):
        r = await upload(client, org["fin"], org["export"])
        assert r.status_code == 201, r.text
        result = r.json()
        rows = list(csv.DictReader(io.StringIO(org["export"].read_text())))
        keys = {
            (
                x["account_id"],
                x["resource_arn"],
                x["action_type"],
                x["recommended_resource_summary"],
            )
            for x in rows
        }
        assert result["rows_read"] == len(rows)
        assert result["created"] == len(keys)
        assert result["duplicates"] == len(rows) - len(keys) == 2
        assert result["unknown_action_types"] == ["ModernizeToServerless"]
        listed = await _all(client, org["fin"])
        assert listed["total"] == len(keys)
        # the duplicate refreshed earlier (and claiming huge savings) lost to the later row
        assert all(i["monthly_savings"] != "999999.99" for i in listed["items"])
        assert not any(i["recommendation_id"].startswith("older-") for i in listed["items"])
        # nulls allowed
        assert any(i["monthly_savings"] is None for i in listed["items"])
        unknown = [i for i in listed["items"] if i["action_type"] == "ModernizeToServerless"]
        assert unknown
        assert not any(i["known_action_type"] for i in unknown)

    async def test_resources_map_to_cur_ids_and_budgets(self, client, org):
        assert (await upload(client, org["fin"], org["export"])).status_code == 201
        items = (await _all(client, org["fin"]))["items"]
        by_resource = {}
        for i in items:
            by_resource.setdefault(i["resource_id"], i)
        for res in org["resources"]:
            found = by_resource[res.resource_id]
            assert found["in_cur"] is True
            assert found["resource_arn"] == arn_of(res)
        claimed = by_resource[org["claimed"].resource_id]
        assert claimed["budgets"] == [
            {"budget_id": org["ledger"], "percent": "100.00", "via": "claim", "name": "Ledger"}
        ]
        first, second = org["accounts"]
        unclaimed = next(
            i
            for i in items
            if i["account_id"] == first
            and i["in_cur"]
            and i["resource_id"] != org["claimed"].resource_id
        )
        assert unclaimed["budgets"] == [
            {"budget_id": org["checkout"], "percent": "100.00", "via": "split", "name": "Checkout"}
        ]
        split = next(i for i in items if i["account_id"] == second and i["in_cur"])
        assert sorted(b["budget_id"] for b in split["budgets"]) == sorted(
            [org["search"], org["ledger"]]
        )
        # absent from the CUR: kept, unmapped to a resource, mapped through the account split
        absent = [i for i in items if not i["in_cur"]]
        assert {i["action_type"] for i in absent} >= {"Stop", "PurchaseSavingsPlans"}
        assert all(i["budgets"] for i in absent)

    async def test_parquet_import_equals_csv_import(self, client, org, tmp_path):
        rows = sample_export(org["resources"])
        parquet = write_parquet(tmp_path / "p" / "recs.parquet", rows)
        r = await upload(client, org["fin"], parquet)
        assert r.status_code == 201, r.text
        assert r.json()["file_format"] == "parquet"
        from_parquet = _by_arn((await _all(client, org["fin"]))["items"])
        # the same rows as CSV change nothing
        r = await upload(client, org["fin"], write_csv(tmp_path / "c" / "recs.csv", rows))
        assert r.status_code == 201, r.text
        assert (r.json()["created"], r.json()["updated"], r.json()["resolved"]) == (0, 0, 0)
        assert r.json()["unchanged"] == len(from_parquet)
        again = _by_arn((await _all(client, org["fin"]))["items"])
        assert {k: v["monthly_savings"] for k, v in again.items()} == {
            k: v["monthly_savings"] for k, v in from_parquet.items()
        }

    async def test_rotation_keeps_decisions_and_gone_ones_resolve_then_come_back(
        self, client, org, tmp_path
    ):
        assert (await upload(client, org["fin"], org["export"])).status_code == 201
        items = (await _all(client, org["fin"]))["items"]
        target = next(i for i in items if i["monthly_savings"] is not None)
        r = await client.post(
            f"/api/v1/recommendations/{target['id']}/approve",
            headers=org["fin"],
            json={"version": target["version"]},
        )
        assert r.status_code == 200, r.text
        rotated = write_csv(
            tmp_path / "r" / "rotated.csv", sample_export(org["resources"], rotation=1)
        )
        r = await upload(client, org["fin"], rotated)
        assert r.status_code == 201, r.text
        assert (r.json()["created"], r.json()["resolved"]) == (0, 0)
        after = (
            await client.get(f"/api/v1/recommendations/{target['id']}", headers=org["fin"])
        ).json()
        assert after["status"] == "approved"
        assert after["recommendation_id"] != target["recommendation_id"]
        # drop the first resource's recommendation: resolved, read-only, history kept
        first = SampleResource(*org["resources"][0].__dict__.values())
        dropped = write_csv(tmp_path / "d" / "dropped.csv", sample_export(org["resources"], drop=1))
        r = await upload(client, org["fin"], dropped)
        assert r.status_code == 201, r.text
        assert r.json()["resolved"] == 1
        resolved = (await _all(client, org["fin"], status="resolved"))["items"]
        assert [i["resource_arn"] for i in resolved] == [arn_of(first)]
        gone = resolved[0]
        r = await client.post(
            f"/api/v1/recommendations/{gone['id']}/approve",
            headers=org["fin"],
            json={"version": gone["version"]},
        )
        assert r.status_code == 409
        # it comes back: un-resolved, its status kept
        r = await upload(client, org["fin"], org["export"])
        assert r.json()["reappeared"] == 1
        back = (
            await client.get(f"/api/v1/recommendations/{gone['id']}", headers=org["fin"])
        ).json()
        assert back["resolved"] is False
        assert [h["action"] for h in back["history"]][-2:] == ["resolve", "reappear"]

    async def test_missing_column_is_422_naming_it_and_writes_nothing(self, client, org, tmp_path):
        rows = sample_export(org["resources"])
        columns = [c for c in rows[0] if c != "resource_arn"]
        bad = write_csv(tmp_path / "b" / "bad.csv", rows, columns)
        r = await upload(client, org["fin"], bad)
        assert r.status_code == 422, r.text
        assert any(e.get("column") == "resource_arn" for e in r.json()["errors"])
        assert (await _all(client, org["fin"]))["total"] == 0
        assert (
            await client.get("/api/v1/recommendations/imports", headers=org["fin"])
        ).json() == []

    async def test_a_bad_value_refuses_the_whole_file(self, client, org, tmp_path):
        assert (await upload(client, org["fin"], org["export"])).status_code == 201
        before = await _all(client, org["fin"])
        rows = sample_export(org["resources"], rotation=3)
        rows[-1]["estimated_monthly_savings_after_discount"] = "lots"
        r = await upload(client, org["fin"], write_csv(tmp_path / "v" / "bad.csv", rows))
        assert r.status_code == 422, r.text
        errors = r.json()["errors"]
        assert errors == [
            {
                "message": "'lots' is not a number",
                "row": len(rows),
                "column": "estimated_monthly_savings_after_discount",
            }
        ]
        assert await _all(client, org["fin"]) == before

    async def test_garbage_file_is_422(self, client, org):
        r = await client.post(
            "/api/v1/recommendations/imports",
            headers=org["fin"],
            files={"file": ("x.parquet", b"PAR1 not really", "application/octet-stream")},
        )
        assert r.status_code == 422, r.text

    async def test_only_finance_imports(self, client, org):
        for who in ("engineer", "po"):
            assert (await upload(client, org[who], org["export"])).status_code == 403
        assert (await upload(client, org["vendor"], org["export"])).status_code == 201


class TestDecisions:
    async def _imported(self, client, org):
        assert (await upload(client, org["fin"], org["export"])).status_code == 201
        return (await _all(client, org["fin"]))["items"]

    async def test_flow_history_tasks_and_notifications(self, client, org):
        items = await self._imported(client, org)
        rec = items[0]
        url = f"/api/v1/recommendations/{rec['id']}"
        # implement before approval: 409
        r = await client.post(
            f"{url}/implement", headers=org["engineer"], json={"version": rec["version"]}
        )
        assert r.status_code == 409
        # ignore needs a comment
        r = await client.post(f"{url}/ignore", headers=org["fin"], json={"version": rec["version"]})
        assert r.status_code == 422
        r = await client.post(
            f"{url}/ignore", headers=org["fin"], json={"version": rec["version"], "comment": "prod"}
        )
        assert (r.status_code, r.json()["status"]) == (200, "ignored")
        # stale version
        r = await client.post(
            f"{url}/reopen", headers=org["vendor"], json={"version": rec["version"]}
        )
        assert r.status_code == 409
        r = await client.post(
            f"{url}/reopen", headers=org["vendor"], json={"version": rec["version"] + 1}
        )
        assert (r.status_code, r.json()["status"]) == (200, "new")
        version = r.json()["version"]
        # the engineer may not approve, the owner may not either
        r = await client.post(f"{url}/approve", headers=org["engineer"], json={"version": version})
        assert r.status_code == 403
        r = await client.post(f"{url}/approve", headers=org["fin"], json={"version": version})
        assert r.status_code == 200
        tasks = (await client.get("/api/v1/tasks", headers=org["engineer"])).json()
        mine = [t for t in tasks if t["kind"] == "recommendation.implement"]
        assert [t["recommendation_id"] for t in mine] == [rec["id"]]
        notes = (await client.get("/api/v1/notifications", headers=org["engineer"])).json()
        assert any(n["kind"] == "recommendation.approve" for n in notes)
        assert not [
            t
            for t in (await client.get("/api/v1/tasks", headers=org["fin"])).json()
            if t["kind"] == "recommendation.implement"
        ]
        r = await client.post(
            f"{url}/implement",
            headers=org["engineer"],
            json={"version": version + 1, "comment": "done"},
        )
        assert r.status_code == 200, r.text
        detail = r.json()
        assert detail["status"] == "implemented"
        assert [(h["action"], h["from_status"], h["to_status"]) for h in detail["history"]] == [
            ("ignore", "new", "ignored"),
            ("reopen", "ignored", "new"),
            ("approve", "new", "approved"),
            ("implement", "approved", "implemented"),
        ]
        assert detail["history"][0]["comment"] == "prod"
        assert not [
            t
            for t in (await client.get("/api/v1/tasks", headers=org["engineer"])).json()
            if t["kind"] == "recommendation.implement"
        ]

    async def test_bulk_is_all_or_nothing(self, client, org):
        items = await self._imported(client, org)
        a, b = items[0], items[1]
        body = {
            "action": "approve",
            "items": [
                {"id": a["id"], "version": a["version"]},
                {"id": b["id"], "version": b["version"] + 5},
            ],
        }
        r = await client.post("/api/v1/recommendations/decisions", headers=org["fin"], json=body)
        assert r.status_code == 409
        again = (await client.get(f"/api/v1/recommendations/{a['id']}", headers=org["fin"])).json()
        assert (again["status"], again["history"]) == ("new", [])
        body["items"][1]["version"] = b["version"]
        r = await client.post("/api/v1/recommendations/decisions", headers=org["fin"], json=body)
        assert r.status_code == 200, r.text
        assert [x["status"] for x in r.json()] == ["approved", "approved"]
        totals = await _all(client, org["fin"])
        counts = {t["status"]: t["count"] for t in totals["by_status"]}
        assert counts["approved"] == 2


class TestScopeAndTotals:
    async def test_owners_see_their_budgets_read_only_and_others_404(self, client, org):
        assert (await upload(client, org["fin"], org["export"])).status_code == 201
        everything = (await _all(client, org["fin"]))["items"]
        ledger_view = (await _all(client, org["ledger_po"]))["items"]
        expected = {
            i["id"]
            for i in everything
            if any(b["budget_id"] == org["ledger"] for b in i["budgets"])
        }
        assert {i["id"] for i in ledger_view} == expected
        assert all(i["actions"] == [] for i in ledger_view)
        # the shares an owner sees are those of their budgets only
        assert all({b["budget_id"] for b in i["budgets"]} == {org["ledger"]} for i in ledger_view)
        outside = next(i for i in everything if i["id"] not in expected)
        r = await client.get(f"/api/v1/recommendations/{outside['id']}", headers=org["ledger_po"])
        assert r.status_code == 404
        r = await client.post(
            f"/api/v1/recommendations/{outside['id']}/approve",
            headers=org["ledger_po"],
            json={"version": outside["version"]},
        )
        assert r.status_code == 404
        # an unmapped Cloud Engineer sees all, but no budget's name or id: no budget is theirs
        # (the per-role Schemathesis run found the shares shown to them)
        engineer_view = await _all(client, org["engineer"])
        assert engineer_view["total"] == len(everything)
        assert any(i["budgets"] for i in everything)
        assert all(i["budgets"] == [] for i in engineer_view["items"])
        one = await client.get(f"/api/v1/recommendations/{outside['id']}", headers=org["engineer"])
        assert one.json()["budgets"] == []

    async def test_totals_filters_sort_and_top(self, client, org):
        assert (await upload(client, org["fin"], org["export"])).status_code == 201
        listed = await _all(client, org["fin"])
        savings = [i["monthly_savings"] for i in listed["items"]]
        known = [s for s in savings if s is not None]
        from decimal import Decimal

        assert [Decimal(s) for s in known] == sorted((Decimal(s) for s in known), reverse=True)
        assert savings[len(known) :] == [None] * (len(savings) - len(known))
        assert Decimal(listed["open_savings"]) == sum(Decimal(s) for s in known)
        top = (
            await client.get("/api/v1/recommendations/top", headers=org["fin"], params={"limit": 3})
        ).json()
        assert [i["id"] for i in top["items"]] == [i["id"] for i in listed["items"][:3]]
        account = org["accounts"][1]
        only = await _all(client, org["fin"], account_id=account)
        assert only["total"] == sum(1 for i in listed["items"] if i["account_id"] == account)
        by_budget = await _all(client, org["fin"], budget_id=org["checkout"])
        assert {i["id"] for i in by_budget["items"]} == {
            i["id"]
            for i in listed["items"]
            if any(b["budget_id"] == org["checkout"] for b in i["budgets"])
        }
        stops = await _all(client, org["fin"], action_type="Stop")
        assert stops["total"]
        assert all(i["action_type"] == "Stop" for i in stops["items"])


class TestRealizedSavings:
    async def test_cost_the_month_before_against_the_month_after(self, client, container, org):
        from datetime import date
        from decimal import Decimal

        from adapters.clock import FixedClock

        assert (await upload(client, org["fin"], org["export"])).status_code == 201
        items = (await _all(client, org["fin"]))["items"]
        rec = next(i for i in items if i["in_cur"] and i["resource_id"].startswith("i-"))
        url = f"/api/v1/recommendations/{rec['id']}"
        container.clock = FixedClock.on(date(2026, 10, 15))
        r = await client.post(
            f"{url}/approve", headers=org["fin"], json={"version": rec["version"]}
        )
        assert r.status_code == 200, r.text
        r = await client.post(
            f"{url}/implement", headers=org["engineer"], json={"version": rec["version"] + 1}
        )
        assert r.status_code == 200, r.text
        waiting = (await client.get(url, headers=org["fin"])).json()["realized_savings"]
        assert (waiting["state"], waiting["before_month"], waiting["after_month"]) == (
            "waiting",
            "2026-09",
            "2026-11",
        )
        container.clock = FixedClock.on(date(2026, 12, 1))
        measured = (await client.get(url, headers=org["fin"])).json()["realized_savings"]
        costs = {}
        for month in ("2026-09", "2026-11"):
            page = await client.get(
                "/api/v1/resources",
                headers=org["fin"],
                params={"q": rec["resource_id"], "period": month, "status": "all"},
            )
            assert page.status_code == 200, page.text
            found = [
                x
                for x in page.json()["items"]
                if (x["account_id"], x["resource_id"]) == (rec["account_id"], rec["resource_id"])
            ]
            costs[month] = sum((Decimal(x["cost"]) for x in found), Decimal("0"))
        assert measured["state"] == "measured"
        assert Decimal(measured["before_cost"]) == costs["2026-09"].quantize(Decimal("0.01"))
        assert Decimal(measured["after_cost"]) == costs["2026-11"].quantize(Decimal("0.01"))
        assert Decimal(measured["realized"]) == (costs["2026-09"] - costs["2026-11"]).quantize(
            Decimal("0.01")
        )
        # a recommendation whose resource the CUR does not show is not measured
        absent = next(i for i in items if not i["in_cur"] and i["action_type"] == "Stop")
        url = f"/api/v1/recommendations/{absent['id']}"
        await client.post(f"{url}/approve", headers=org["fin"], json={"version": absent["version"]})
        await client.post(
            f"{url}/implement", headers=org["engineer"], json={"version": absent["version"] + 1}
        )
        found = (await client.get(url, headers=org["fin"])).json()["realized_savings"]
        assert found["state"] == "not_in_cur"


class TestRemap:
    async def test_a_split_change_remaps_the_recommendations(self, client, container, org):
        assert (await upload(client, org["fin"], org["export"])).status_code == 201
        second = org["accounts"][1]
        before = await _all(client, org["fin"], account_id=second, budget_id=org["ledger"])
        assert before["total"] > 0
        r = await client.put(
            f"/api/v1/accounts/{second}/allocation",
            headers=org["fin"],
            json={
                "effective_from": "2026-11-01",
                "splits": [{"budget_id": org["search"], "percent": "100"}],
            },
        )
        assert r.status_code == 200, r.text
        await container.idle()
        after = await _all(client, org["fin"], account_id=second)
        assert after["total"] >= before["total"]
        assert all(
            i["budgets"]
            == [{"budget_id": org["search"], "percent": "100.00", "via": "split", "name": "Search"}]
            for i in after["items"]
        )
        assert (await _all(client, org["fin"], account_id=second, budget_id=org["ledger"]))[
            "total"
        ] == 0
