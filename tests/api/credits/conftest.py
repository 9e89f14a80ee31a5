from __future__ import annotations

from datetime import date

import pytest

from domain.identity.roles import Role
from tests.api.orgs import build_org, member, split
from tests.api.spend_cards.conftest import write_cur


@pytest.fixture
async def org(client, container, settings, tmp_path):
    """Budgets of 2026; a CUR of Oct–Nov 2026 whose accounts are all split to Checkout from
    1 October; users around Checkout and ERP. The clock stands on 5 December 2026."""
    o = await build_org(
        client,
        container,
        settings,
        today=date(2026, 12, 5),
        cur=tmp_path / "cur",
        write_cur=lambda out: write_cur(out, final_months=2),
        roles=(Role.VENDOR_MANAGER,),
    )
    checkout = o.budget("Checkout")
    await split(client, o, {account: {checkout: "100"} for account in o.accounts})
    _, po = await member(client, container, o, Role.PRODUCT_OWNER, "Checkout")
    _, other_pf = await member(client, container, o, Role.PORTFOLIO_OWNER, "ERP")
    return {
        "admin": o.admin,
        "fin": o.fin,
        "vendor": o.roles[Role.VENDOR_MANAGER],
        "po": po,
        "other_pf": other_pf,
        "budget": checkout,
        "ledger_budget": o.budget("Ledger"),
    }
