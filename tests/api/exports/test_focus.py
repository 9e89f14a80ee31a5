from __future__ import annotations

from decimal import Decimal

import duckdb

from domain.exports.focus import CUSTOM, FOCUS_1_2_COLUMNS, MANDATORY

FOCUS_NAMES = {c.name for c in FOCUS_1_2_COLUMNS}
TOTAL = "DECIMAL(38,10)"


async def export(client, headers, period, fmt, tmp_path):
    r = await client.get(
        "/api/v1/exports/focus", headers=headers, params={"period": period, "format": fmt}
    )
    assert r.status_code == 200, r.text
    path = tmp_path / f"focus-{period}.{fmt}"
    path.write_bytes(r.content)
    return path


async def cur_total(client, headers, period) -> Decimal:
    periods = (await client.get("/api/v1/billing-periods", headers=headers)).json()
    return Decimal(next(p for p in periods if p["period"] == period)["total_unblended_cost"])


async def spend_by_budget(client, headers, period) -> dict[int | None, Decimal]:
    r = await client.get("/api/v1/spend", headers=headers, params={"period": period})
    return {row["budget_id"]: Decimal(row["amount"]) for row in r.json()["rows"]}


class TestFocusExport:
    async def test_parquet_has_the_focus_columns_and_sums_to_the_cur(self, client, org, tmp_path):
        fin = org["fin"]
        # one account shared 60/40 with Ledger from November: split lines in the export
        accounts = [
            a["account_id"] for a in (await client.get("/api/v1/accounts", headers=fin)).json()
        ]
        r = await client.put(
            f"/api/v1/accounts/{accounts[0]}/allocation",
            headers=fin,
            json={
                "effective_from": "2026-11-01",
                "splits": [
                    {"budget_id": org["budget"], "percent": "60"},
                    {"budget_id": org["ledger"], "percent": "40"},
                ],
            },
        )
        assert r.status_code == 200, r.text
        path = await export(client, fin, "2026-11", "parquet", tmp_path)
        con = duckdb.connect()
        columns = [d[0] for d in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
        assert set(MANDATORY) <= set(columns)
        assert all(c in FOCUS_NAMES or c.startswith("x_") for c in columns)
        assert set(CUSTOM) <= set(columns)
        (billed,) = con.execute(f"SELECT CAST(SUM(BilledCost) AS {TOTAL}) FROM '{path}'").fetchone()
        assert Decimal(billed) == await cur_total(client, fin, "2026-11")
        allocated = dict(
            con.execute(
                f"SELECT x_BudgetId, CAST(SUM(EffectiveCost) AS {TOTAL}) FROM '{path}' "
                "WHERE x_BudgetId IS NOT NULL GROUP BY ALL"
            ).fetchall()
        )
        spend = await spend_by_budget(client, fin, "2026-11")
        assert {k: Decimal(v) for k, v in allocated.items()} == {
            k: v for k, v in spend.items() if k is not None
        }
        assert set(allocated) == {org["budget"], org["ledger"]}
        labels = con.execute(
            f"SELECT DISTINCT x_BusinessUnit, x_Product FROM '{path}' "
            "WHERE x_BudgetId IS NOT NULL ORDER BY 1, 2"
        ).fetchall()
        assert labels == [("Corporate", "Ledger"), ("Retail", "Checkout")]
        kinds = {
            row[0]
            for row in con.execute(f"SELECT DISTINCT ChargeCategory FROM '{path}'").fetchall()
        }
        assert kinds <= {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
        unallocated = con.execute(
            f"SELECT DISTINCT x_LineItemType FROM '{path}' WHERE x_BudgetId IS NULL"
        ).fetchall()
        assert {u[0] for u in unallocated} <= {"Credit", "Refund"}

    async def test_csv_sums_the_same_and_escapes_formulas(self, client, org, tmp_path):
        fin = org["fin"]
        parquet = await export(client, fin, "2026-10", "parquet", tmp_path)
        csv = await export(client, fin, "2026-10", "csv", tmp_path)
        con = duckdb.connect()
        (a,) = con.execute(f"SELECT CAST(SUM(BilledCost) AS {TOTAL}) FROM '{parquet}'").fetchone()
        (b,) = con.execute(
            f"SELECT CAST(SUM(CAST(BilledCost AS {TOTAL})) AS {TOTAL}) "
            f"FROM read_csv('{csv}', all_varchar=true)"
        ).fetchone()
        assert Decimal(a) == Decimal(b) == await cur_total(client, fin, "2026-10")
        (starts,) = con.execute(
            f"SELECT count(*) FROM read_csv('{csv}', all_varchar=true) "
            "WHERE left(ChargeDescription, 1) IN ('=', '+', '-', '@')"
        ).fetchone()
        assert starts == 0

    async def test_finance_only_and_a_missing_period_is_not_found(self, client, org):
        r = await client.get(
            "/api/v1/exports/focus", headers=org["po"], params={"period": "2026-10"}
        )
        assert r.status_code == 403
        r = await client.get(
            "/api/v1/exports/focus", headers=org["fin"], params={"period": "2025-01"}
        )
        assert r.status_code == 404
