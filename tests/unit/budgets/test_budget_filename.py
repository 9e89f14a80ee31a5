"""Load options from the file name, explicit options winning, and the start-date rules."""

from __future__ import annotations

from datetime import date

import pytest

from domain.budgets.filename import (
    LoadOptionOverrides,
    LoadOptions,
    parse_bool,
    parse_load_filename,
    resolve_load_options,
    safe_filename,
)
from domain.errors import RuleViolation


def a_filename(
    *,
    customer: str = "Customer",
    year: str = "2025",
    is_new: str = "false",
    start: str = "2025-07-01",
    is_override: str = "false",
    version: str = "v1",
) -> str:
    return f"{customer}_{year}_{is_new}_{start}_{is_override}_Budget_{version}.csv"


def fields_of(exc: pytest.ExceptionInfo[RuleViolation]) -> list[str | None]:
    return [e.field for e in exc.value.errors]


class TestParseBool:
    @pytest.mark.parametrize(
        ("text", "value"), [("true", True), ("FALSE", False), (" True ", True)]
    )
    def test_true_false_any_case(self, text: str, value: bool) -> None:
        assert parse_bool(text) is value

    @pytest.mark.parametrize("text", ["yes", "1", "", "t"])
    def test_refuses_anything_else(self, text: str) -> None:
        with pytest.raises(ValueError, match="true or false"):
            parse_bool(text)


class TestFilenameConvention:
    def test_seed_example(self) -> None:
        options = resolve_load_options("Customer_2025_true_2025-11-01_false_Budget_v1.csv")
        assert options == LoadOptions(
            customer="Customer",
            effective_year=2025,
            is_new=True,
            start_date=date(2025, 1, 1),  # is_new overrides the start date
            is_override=False,
            version="v1",
        )
        assert options.end_date == date(2025, 12, 31)

    def test_update_from_july(self) -> None:
        options = resolve_load_options(a_filename())
        assert options.start_date == date(2025, 7, 1)
        assert options.is_new is False
        assert options.is_override is False

    def test_case_insensitive_booleans_keyword_and_extension(self) -> None:
        options = resolve_load_options(
            a_filename(is_new="FALSE", is_override="True").replace("Budget", "BUDGET")[:-4] + ".CSV"
        )
        assert options.is_override is True

    def test_customer_with_underscores_and_directory(self) -> None:
        options = resolve_load_options("uploads/2025/" + a_filename(customer="Acme_Corp_EU"))
        assert options.customer == "Acme_Corp_EU"
        assert options.version == "v1"

    def test_parse_load_filename_returns_the_parts(self) -> None:
        parts = parse_load_filename(a_filename(version="2025-final"))
        assert parts == LoadOptionOverrides(
            customer="Customer",
            effective_year=2025,
            is_new=False,
            start_date=date(2025, 7, 1),
            is_override=False,
            version="2025-final",
        )

    def test_parse_load_filename_none_for_other_names(self) -> None:
        assert parse_load_filename("budgets.csv") is None

    def test_malformed_parts_are_each_reported(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            resolve_load_options(a_filename(year="20x5", is_new="maybe", start="2025-13-01"))
        assert fields_of(exc) == ["effective_year", "is_new", "start_date"]
        assert "in the file name" in exc.value.errors[0].message


class TestExplicitOptions:
    def test_explicit_options_win_over_the_name(self) -> None:
        options = resolve_load_options(
            a_filename(),
            LoadOptionOverrides(start_date=date(2025, 9, 1), is_override=True, version="v2"),
        )
        assert options.start_date == date(2025, 9, 1)
        assert options.is_override is True
        assert options.version == "v2"
        assert options.customer == "Customer"

    def test_explicit_option_replaces_a_bad_token(self) -> None:
        options = resolve_load_options(
            a_filename(is_new="maybe"), LoadOptionOverrides(is_new=False)
        )
        assert options.is_new is False

    def test_unconventional_name_with_explicit_options(self) -> None:
        options = resolve_load_options(
            "chart.csv",
            LoadOptionOverrides(effective_year=2026, start_date=date(2026, 3, 1)),
        )
        assert options.effective_year == 2026
        assert options.start_date == date(2026, 3, 1)
        assert (options.is_new, options.is_override, options.customer) == (False, False, "")

    def test_unconventional_name_lists_missing_options(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            resolve_load_options("chart of accounts.csv")
        assert fields_of(exc) == ["effective_year", "start_date"]
        assert "give these options explicitly: effective_year, start_date" in (
            exc.value.errors[0].message
        )

    def test_no_filename_at_all(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            resolve_load_options(None, LoadOptionOverrides(effective_year=2025))
        assert fields_of(exc) == ["start_date"]

    def test_is_new_needs_no_start_date(self) -> None:
        options = resolve_load_options(None, LoadOptionOverrides(effective_year=2027, is_new=True))
        assert options.start_date == date(2027, 1, 1)

    def test_control_character_in_customer(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            resolve_load_options(a_filename(), LoadOptionOverrides(customer="Ac\x00me"))
        assert fields_of(exc) == ["customer"]


class TestStartDateRules:
    def test_start_date_not_on_the_first(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            resolve_load_options(a_filename(start="2025-07-15"))
        assert fields_of(exc) == ["start_date"]
        assert "1st of a month" in exc.value.errors[0].message

    def test_start_date_in_the_wrong_year(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            resolve_load_options(a_filename(start="2024-07-01"))
        assert "within the effective year 2025" in exc.value.errors[0].message

    def test_both_problems_listed(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            resolve_load_options(a_filename(start="2026-02-14"))
        assert fields_of(exc) == ["start_date", "start_date"]

    def test_is_new_ignores_the_given_start_date(self) -> None:
        options = resolve_load_options(a_filename(is_new="true", start="2024-02-14"))
        assert options.start_date == date(2025, 1, 1)

    def test_year_out_of_range(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            resolve_load_options(None, LoadOptionOverrides(effective_year=25, is_new=True))
        assert fields_of(exc) == ["effective_year"]


class TestSafeFilename:
    """One sanitizer serves the object key and the download's Content-Disposition."""

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("Budget v1 (final).csv", "Budget_v1__final_.csv"),
            ("C:\\Users\\me\\budget.csv", "budget.csv"),
            ('a"b;c.csv', "a_b_c.csv"),
            ("", "upload.csv"),
            ("x" * 200 + ".csv", "x" * 120),
        ],
    )
    def test_names_are_made_safe(self, given: str, expected: str) -> None:
        assert safe_filename(given) == expected
