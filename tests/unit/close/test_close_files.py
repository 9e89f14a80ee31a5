"""The close book and the files built from it: the accounts-payable split of each invoice to
business units, and the accrual line per product budget."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.files.csv_codec import csv_bytes
from domain.close.book import (
    AccountShare,
    BudgetInfo,
    BudgetShare,
    InvoiceAmount,
    PeriodFigures,
    book_from_json,
    book_to_json,
    budget_code,
    build_book,
)
from domain.close.files import CLOSE_FILES, accounts_payable, accruals
from domain.close.model import Checklist
from domain.errors import RuleViolation

D = Decimal
CHECKLIST = Checklist("AWS", "PO-1", ("INV-1",), "October")
BUDGETS = {
    1: BudgetInfo(1, ("Retail", "Digital", "Web", "Checkout"), "RT-1"),
    2: BudgetInfo(2, ("Retail", "Digital", "Web", "Search"), "RT-2"),
    3: BudgetInfo(3, ("Corporate", "Finance", "ERP", "Ledger"), ""),
}


def figures(**overrides) -> PeriodFigures:
    base = {
        "period": "2026-10",
        # account A: usage 100 and an AWS credit of -10; account B: 50.0000000001; C: 7
        "invoices": (
            InvoiceAmount("INV-1", "A", "USD", D("90")),
            InvoiceAmount("INV-1", "B", "USD", D("50.0000000001")),
            InvoiceAmount("INV-1", "C", "USD", D("7")),
        ),
        "accounts": (
            AccountShare("A", 1, D("60")),
            AccountShare("A", 3, D("40")),
            AccountShare("B", 2, D("50.0000000001")),
            AccountShare("C", None, D("7")),
        ),
        "budgets": (
            BudgetShare(1, D("60"), D("-1.2")),
            BudgetShare(2, D("50.0000000001"), D("0")),
            BudgetShare(3, D("40"), D("0")),
        ),
    }
    return PeriodFigures(**{**base, **overrides})


def book(credits=None, default="Shared IT", **overrides):
    return build_book(
        figures(**overrides),
        checklist=CHECKLIST,
        budgets=BUDGETS,
        credits=credits or {},
        default_business_unit=default,
        currency="USD",
    )


def lines(table) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_bytes(table.header, table.rows).decode())))


class TestAccountsPayable:
    def test_credits_follow_the_allocation_and_unallocated_goes_to_the_default_unit(self):
        got = {r["business_unit"]: r["amount"] for r in lines(accounts_payable(book()))}
        # A's 90 (after its credit) splits 60/40: Retail 54 + B's 50, Corporate 36; C's 7
        assert got == {"Corporate": "36.00", "Retail": "104.00", "Shared IT": "7.00"}

    def test_an_account_with_nothing_allocated_goes_to_the_default_unit(self):
        b = book(accounts=(AccountShare("A", 1, D("0")), AccountShare("B", 2, D("50"))))
        got = {r["business_unit"]: r["amount"] for r in lines(accounts_payable(b))}
        assert got == {"Retail": "50.00", "Shared IT": "97.00"}

    def test_without_a_default_unit_unallocated_spend_is_refused(self):
        with pytest.raises(RuleViolation) as exc:
            book(default=None)
        assert exc.value.errors[0].field == "default_business_unit"
        # no unallocated spend: no default needed
        book(default=None, invoices=figures().invoices[:2])

    def test_one_line_per_invoice_and_unit_with_the_checklist(self):
        two = (
            *figures().invoices,
            InvoiceAmount("INV-2", "B", "USD", D("3.333")),
        )
        rows = lines(accounts_payable(book(invoices=two)))
        assert [(r["invoice_id"], r["business_unit"]) for r in rows] == [
            ("INV-1", "Corporate"),
            ("INV-1", "Retail"),
            ("INV-1", "Shared IT"),
            ("INV-2", "Retail"),
        ]
        assert rows[0]["invoice_number"] == "INV-1"
        # an invoice id not on the checklist carries the checklist's numbers
        assert rows[3]["invoice_number"] == "INV-1"
        assert {(r["vendor"], r["purchase_order"], r["internal_memo"]) for r in rows} == {
            ("AWS", "PO-1", "October")
        }

    @given(
        amounts=st.lists(
            st.tuples(
                st.sampled_from("ABCD"),
                st.sampled_from([1, 2, 3, None]),
                st.decimals(min_value=-100, max_value=10_000, places=10),
            ),
            min_size=1,
            max_size=20,
        ),
        billed=st.lists(
            st.tuples(
                st.sampled_from(["I1", "I2"]),
                st.sampled_from("ABCDE"),
                st.decimals(min_value=-100, max_value=10_000, places=10),
            ),
            min_size=1,
            max_size=10,
        ),
    )
    def test_each_invoice_sums_exactly_to_its_cur_total(self, amounts, billed):
        b = build_book(
            PeriodFigures(
                "2026-10",
                tuple(InvoiceAmount(i, a, "USD", x) for i, a, x in billed),
                tuple(AccountShare(a, bid, x) for a, bid, x in amounts),
                (),
            ),
            checklist=CHECKLIST,
            budgets=BUDGETS,
            credits={},
            default_business_unit="Shared IT",
            currency="USD",
        )
        sums: dict[str, Decimal] = {}
        for row in lines(accounts_payable(b)):
            sums[row["invoice_id"]] = sums.get(row["invoice_id"], D(0)) + D(row["amount"])
        expected: dict[str, Decimal] = {}
        for i, _, x in billed:
            expected[i] = expected.get(i, D(0)) + x
        assert sums == {i: t.quantize(D("0.01"), "ROUND_HALF_UP") for i, t in expected.items()}


class TestAccruals:
    def test_net_accrual_is_allocation_minus_credits(self):
        rows = lines(accruals(book(credits={1: D("25.50"), 3: D("40")})))
        assert [
            (
                r["product"],
                r["budget_code"],
                r["allocated_spend"],
                r["credits_applied"],
                r["amount"],
            )
            for r in rows
        ] == [
            ("Ledger", "", "40.00", "40.00", "0.00"),
            ("Checkout", "RT-1", "60.00", "25.50", "34.50"),
            ("Search", "RT-2", "50.00", "0.00", "50.00"),
        ]
        assert rows[1]["discount"] == "-1.20"
        assert rows[1]["business_unit"] == "Retail"
        assert rows[1]["currency"] == "USD"

    def test_a_budget_without_spend_accrues_nothing(self):
        rows = lines(accruals(book(budgets=())))
        assert {r["amount"] for r in rows} == {"0.00"}


class TestFrozenBook:
    def test_the_json_form_rebuilds_the_same_bytes(self):
        b = book(credits={1: D("1.005")})
        again = book_from_json(book_to_json(b))
        assert again == b
        for builder in CLOSE_FILES:
            table, table_again = builder.build(b), builder.build(again)
            assert csv_bytes(table.header, table.rows) == csv_bytes(
                table_again.header, table_again.rows
            )


class TestBudgetCode:
    @pytest.mark.parametrize(
        ("attributes", "code"),
        [
            ({"Budget Code": "B-1", "Cost Center": "CC"}, "B-1"),
            ({"cost_centre": "CC-9"}, "CC-9"),
            ({"CODE": " X "}, "X"),
            ({"Owner": "ana"}, ""),
        ],
    )
    def test_named_columns_in_order(self, attributes, code):
        assert budget_code(attributes) == code
