"""Budget amounts: parsed to Decimal, every malformed form refused with its own message."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.budgets.money import (
    MAX_AMOUNT,
    AmountError,
    format_amount,
    parse_amount,
    quantize_cents,
)


class TestParseAmountAccepts:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1234.56", "1234.56"),
            ("1,234.56", "1234.56"),
            ("$1,234.56", "1234.56"),
            (" 1234 ", "1234.00"),
            ("0", "0.00"),
            ("1234.5", "1234.50"),
            ("1,000,000", "1000000.00"),
            ("\t$12\t", "12.00"),
            ("9999999999999999.99", "9999999999999999.99"),
        ],
    )
    def test_valid_forms(self, text: str, expected: str) -> None:
        value = parse_amount(text)
        assert value == Decimal(expected)
        assert isinstance(value, Decimal)
        assert str(value) == expected  # always two decimals


class TestParseAmountRefuses:
    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("", "blank"),
            ("   ", "blank"),
            ("-1", "negative"),
            ("-0.01", "negative"),
            ("$-5", "negative"),
            ("(100.00)", "negative"),
            ("NaN", "finite"),
            ("nan", "finite"),
            ("Infinity", "finite"),
            ("-inf", "finite"),
            ("1.234", "more than 2 decimal"),
            ("0.001", "more than 2 decimal"),
            ("1,23.4", "thousands separator"),
            ("12,34,567", "thousands separator"),
            ("1234,56", "thousands separator"),
            ("abc", "not a number"),
            ("12a", "not a number"),
            ("1e5", "not a number"),
            ("1.2.3", "not a number"),
            ("1234.", "not a number"),
            ("١٢٣", "not a number"),  # non-ASCII digits
            ("10000000000000000", "too large"),
        ],
    )
    def test_invalid_forms(self, text: str, fragment: str) -> None:
        with pytest.raises(AmountError, match=fragment):
            parse_amount(text)

    def test_amount_error_is_a_value_error(self) -> None:
        with pytest.raises(ValueError, match="blank"):
            parse_amount("")

    def test_max_amount_fits_numeric_18_2(self) -> None:
        assert len(MAX_AMOUNT.as_tuple().digits) == 18


class TestQuantizeCents:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1.005", "1.01"),
            ("1.004", "1.00"),
            ("2.675", "2.68"),
            ("-1.005", "-1.01"),
            ("0.125", "0.13"),
            ("7", "7.00"),
        ],
    )
    def test_half_up(self, value: str, expected: str) -> None:
        assert str(quantize_cents(Decimal(value))) == expected

    def test_format_amount_is_plain_cents(self) -> None:
        assert format_amount(Decimal("1234567.895")) == "1234567.90"
