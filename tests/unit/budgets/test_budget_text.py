"""Node names: trimmed, Unicode kept, control characters refused; spreadsheet-safe cells."""

from __future__ import annotations

import re

import pytest

from domain.budgets.text import (
    MAX_NAME_LENGTH,
    TextError,
    clean_name,
    clean_text,
    name_key,
    spreadsheet_safe,
)


class TestCleanName:
    def test_trims_whitespace(self) -> None:
        assert clean_name("  Retail Banking \t") == "Retail Banking"

    def test_keeps_unicode(self) -> None:
        assert clean_name("Zürich Ops 東京 🚀") == "Zürich Ops 東京 🚀"

    def test_normalises_to_nfc(self) -> None:
        decomposed = "Cafe\u0301"
        assert clean_name(decomposed) == "Caf\u00e9"

    @pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-Ops", "@team"])
    def test_formula_like_names_are_stored_as_given(self, text: str) -> None:
        assert clean_name(text) == text

    @pytest.mark.parametrize("text", ["Line one\nline two", "Line one\r\n  line two", "a \r b"])
    def test_folds_line_breaks_into_one_space(self, text: str) -> None:
        assert "\n" not in clean_name(text)
        assert "\r" not in clean_name(text)
        assert "  " not in clean_name(text)

    @pytest.mark.parametrize(
        "text", ["a\x00b", "tab\tinside", "esc\x1bx", "del\x7f", "c1\x85x", "ls\u2028x"]
    )
    def test_refuses_control_characters(self, text: str) -> None:
        with pytest.raises(TextError, match="control character"):
            clean_name(text)

    @pytest.mark.parametrize(
        ("text", "code", "position"),
        [
            ("Re\u200btail", "U+200B", 3),
            ("  Retail\u200d", "U+200D", 9),
            ("abc\u202etxt.exe", "U+202E", 4),
            ("\u2066Ops\u2069", "U+2066", 1),
            ("Soft\u00adhyphen", "U+00AD", 5),
            ("\ufeffRetail", "U+FEFF", 1),
        ],
    )
    def test_refuses_invisible_format_characters_naming_the_position(
        self, text: str, code: str, position: int
    ) -> None:
        with pytest.raises(TextError, match=re.escape(code) + f".* at position {position}$"):
            clean_name(text)

    def test_names_the_position_of_a_control_character(self) -> None:
        with pytest.raises(TextError, match=r"U\+0009\) at position 4$"):
            clean_name(" ab\tc")

    @pytest.mark.parametrize("text", ["", "   ", "\n\t "])
    def test_refuses_blank(self, text: str) -> None:
        with pytest.raises(TextError, match="blank"):
            clean_name(text)

    def test_refuses_too_long(self) -> None:
        assert clean_name("x" * MAX_NAME_LENGTH) == "x" * MAX_NAME_LENGTH
        with pytest.raises(TextError, match="longer than"):
            clean_name("x" * (MAX_NAME_LENGTH + 1))

    def test_clean_text_allows_blank(self) -> None:
        assert clean_text("   ") == ""


class TestNameKey:
    def test_compares_after_normalisation(self) -> None:
        assert name_key(clean_name("Cafe\u0301")) == name_key(clean_name("CAF\u00c9"))

    def test_compares_ignoring_case(self) -> None:
        assert name_key("Straße") == name_key("STRASSE")
        assert name_key("Ops") != name_key("Opps")


class TestSpreadsheetSafe:
    @pytest.mark.parametrize(
        "cell",
        ['=HYPERLINK("x")', "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "\uff1d1+1"],
    )
    def test_prefixes_formula_starts(self, cell: str) -> None:
        assert spreadsheet_safe(cell) == "'" + cell

    @pytest.mark.parametrize("cell", ["Retail", "", "12.50", "-12.50", "a=b", "'quoted"])
    def test_leaves_other_cells(self, cell: str) -> None:
        assert spreadsheet_safe(cell) == cell
