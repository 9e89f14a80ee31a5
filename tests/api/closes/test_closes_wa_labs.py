"""Acceptance: the accounts-payable file of each real WA-labs month (AWS Well-Architected Labs
workshop CUR, October–December 2018, finalized) sums exactly to the month's invoice total in
the CUR. The expected totals are computed here with DuckDB over the raw parquet files."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from adapters.clock import FixedClock
from domain.identity.roles import Role
from tests.factories import auth_headers

pytestmark = pytest.mark.shared_data

PAYER = "836060457634"  # the member account 011254002932 stays Unallocated
CHART = (
    "Business Unit,Department,Portfolio,Product,Amount,Budget Code\n"
    "Analytics,Data,Lake,Glue jobs,90000,AN-01\n"
    "Analytics,Data,Lake,Dashboards,30000,AN-02\n"
    "Platform,Core,Databases,RDS,60000,PL-01\n"
)


def invoice_totals(folder) -> dict[tuple[str, str], Decimal]:
    con = duckdb.connect()
    try:
        found = con.execute(
            f"""
            SELECT strftime(bill_billing_period_start_date, '%Y-%m'), bill_invoice_id,
                   SUM(CAST(line_item_unblended_cost AS DECIMAL(20,10)))
            FROM read_parquet('{folder}/*.parquet', union_by_name=true)
            GROUP BY ALL
            """
        ).fetchall()
    finally:
        con.close()
    return {(p, i): Decimal(t).quantize(Decimal("0.01"), ROUND_HALF_UP) for p, i, t in found}


async def test_the_ap_file_of_each_month_sums_to_its_invoice(
    client, container, settings, shared_data
):
    cur = shared_data / "wa-labs-workshop-cur"
    if not any(cur.glob("*.parquet")):
        pytest.skip(f"{cur} holds no parquet file")
    container.clock = FixedClock.on(date(2018, 10, 1))
    settings.cur_path = str(cur)
    settings.default_business_unit = "Corporate IT"
    fin = await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)
    r = await client.post(
        "/api/v1/budget-imports",
        headers=fin,
        files={"file": ("C_2018_true_2018-01-01_false_Budget_v1.csv", CHART.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/api/v1/cur/refresh", headers=fin)).status_code == 200
    await client.post("/api/v1/accounts/discover", headers=fin)
    budgets = {
        b["path"][-1]: b["id"]
        for b in (await client.get("/api/v1/budgets", headers=fin, params={"year": 2018})).json()[
            "items"
        ]
    }
    r = await client.put(
        f"/api/v1/accounts/{PAYER}/allocation",
        headers=fin,
        json={
            "effective_from": "2018-10-01",
            "splits": [
                {"budget_id": budgets["Glue jobs"], "percent": "50.55"},
                {"budget_id": budgets["Dashboards"], "percent": "16.12"},
                {"budget_id": budgets["RDS"], "percent": "33.33"},
            ],
        },
    )
    assert r.status_code == 200, r.text
    container.clock = FixedClock.on(date(2019, 1, 15))
    expected = invoice_totals(cur)
    assert len(expected) == 3
    for period, invoice in sorted(expected):
        url = f"/api/v1/closes/{period}"
        current = (await client.get(url, headers=fin)).json()
        assert current["invoice_numbers"] == [invoice]
        assert current["readiness"]["finalized"] is True
        r = await client.put(
            url,
            headers=fin,
            json={
                "vendor": "Amazon Web Services, Inc.",
                "purchase_order": "PO-2018",
                "invoice_numbers": current["invoice_numbers"],
                "internal_memo": f"AWS {period}",
                "version": 0,
            },
        )
        assert r.status_code == 200, r.text
        r = await client.post(f"{url}/close", headers=fin, json={})
        assert r.status_code == 200, r.text
        got = await client.get(f"{url}/files/accounts-payable-{period}.csv", headers=fin)
        lines = list(csv.DictReader(io.StringIO(got.content.decode())))
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for line in lines:
            sums[line["invoice_id"]] += Decimal(line["amount"])
        assert dict(sums) == {invoice: expected[period, invoice]}
        assert {line["business_unit"] for line in lines} == {
            "Analytics",
            "Platform",
            "Corporate IT",
        }
