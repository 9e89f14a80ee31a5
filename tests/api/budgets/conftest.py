from __future__ import annotations

import pytest

from domain.identity.roles import Role
from tests.factories import auth_headers

HEADER = "Business Unit,Department,Portfolio,Product,Annual Budget,Cost Centre\n"
CHART_2025 = HEADER + (
    'Retail,Digital,Web,Storefront,"$1,200,000.00",CC-100\n'
    "Retail,Digital,Web,Checkout,600000,CC-101\n"
    "Retail,Digital,Mobile,App,240000.50,CC-102\n"
    "Corporate,Finance,ERP,Ledger,120000,CC-200\n"
)
NEW_YEAR_FILE = "Customer_2025_true_2025-01-01_false_Budget_v1.csv"


def chart(text: str, name: str = NEW_YEAR_FILE):
    return {"file": (name, text.encode(), "text/csv")}


@pytest.fixture
async def finance(client, container):
    return await auth_headers(client, container, role=Role.FINANCIAL_ADMIN)


@pytest.fixture
async def loaded(client, finance):
    response = await client.post("/api/v1/budget-imports", headers=finance, files=chart(CHART_2025))
    assert response.status_code == 201, response.text
    budgets = (await client.get("/api/v1/budgets", headers=finance, params={"year": 2025})).json()[
        "items"
    ]
    return {b["product"]: b for b in budgets}
