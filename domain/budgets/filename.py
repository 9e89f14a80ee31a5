"""Load options of a chart-of-accounts file, from its name and/or given explicitly.

Convention: ``<Customer>_<effectiveYear>_<isNew>_<startDate>_<isOverride>_Budget_<version>.csv``
e.g. ``Customer_2025_true_2025-11-01_false_Budget_v1.csv``. The customer may itself
contain underscores (the name is read from the right); ``Budget``, the booleans and the
``.csv`` extension are case-insensitive; a directory part is ignored.

Decisions:
- Options given explicitly win over the name, field by field; a bad token in the name is
  not an error when the explicit option replaces it.
- When the name does not follow the convention, the explicit options must supply
  `effective_year` and `start_date` (not needed when `is_new`). `is_new` and
  `is_override` default to false (the non-destructive choice); `customer` and `version`
  are labels and default to ``""``.
- `is_new` sets the start date to ``effective_year-01-01`` whatever date was given.
  Otherwise the start date must be the 1st of a month within `effective_year`.
- Every error is an `ErrorDetail` whose `field` is the option's name (snake_case, as in
  `LoadOptions`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from domain.budgets.model import year_end
from domain.budgets.text import TextError, clean_text
from domain.errors import ErrorDetail, RuleViolation

FILENAME_PATTERN = (
    "<Customer>_<effectiveYear>_<isNew>_<startDate>_<isOverride>_Budget_<version>.csv"
)
MIN_YEAR, MAX_YEAR = 1900, 9999

_CONVENTION = re.compile(
    r"(?P<customer>.+)_(?P<effective_year>[^_]*)_(?P<is_new>[^_]*)_(?P<start_date>[^_]*)"
    r"_(?P<is_override>[^_]*)_budget_(?P<version>.+)\.csv",
    re.IGNORECASE | re.DOTALL,
)
T = TypeVar("T")
_YEAR = re.compile(r"[0-9]{4}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class LoadOptions:
    """How a chart-of-accounts file is loaded into its fiscal year (already validated)."""

    customer: str
    effective_year: int
    is_new: bool
    start_date: date
    is_override: bool
    version: str

    @property
    def end_date(self) -> date:
        """The budgets of the load run to the end of the fiscal year."""
        return year_end(self.effective_year)


@dataclass(frozen=True)
class LoadOptionOverrides:
    """Options given explicitly (e.g. in the API call); `None` means "not given"."""

    customer: str | None = None
    effective_year: int | None = None
    is_new: bool | None = None
    start_date: date | None = None
    is_override: bool | None = None
    version: str | None = None


def parse_bool(text: str) -> bool:
    """``true``/``false`` in any case (surrounding spaces ignored); `ValueError` otherwise."""
    value = text.strip().lower()
    if value == "true":
        return True
    if value == "false":
        return False
    raise ValueError(f"expected true or false, not {text!r}")


def _parse_year(text: str) -> int:
    if not _YEAR.fullmatch(text):
        raise ValueError(f"expected a four-digit year, not {text!r}")
    return int(text)


def _parse_date(text: str) -> date:
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"expected a date as YYYY-MM-DD, not {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def safe_filename(filename: str) -> str:
    """An uploaded file's name, safe in an object key or a Content-Disposition header: the
    last path segment, anything but letters, digits, `.`, `_` and `-` as `_`, 120 at most."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in base)
    return cleaned[:120] or "upload.csv"


def _basename(filename: str) -> str:
    return re.split(r"[/\\]", filename)[-1].strip()


def _name_tokens(filename: str) -> dict[str, str] | None:
    match = _CONVENTION.fullmatch(_basename(filename))
    return match.groupdict() if match is not None else None


def _parse_tokens(tokens: dict[str, str]) -> tuple[LoadOptionOverrides, list[ErrorDetail]]:
    errors: list[ErrorDetail] = []

    def attempt(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(tokens[name])
        except ValueError as exc:  # TextError is a ValueError
            errors.append(ErrorDetail(message=f"in the file name, {name}: {exc}", field=name))
            return None

    options = LoadOptionOverrides(
        customer=attempt("customer", clean_text),
        effective_year=attempt("effective_year", _parse_year),
        is_new=attempt("is_new", parse_bool),
        start_date=attempt("start_date", _parse_date),
        is_override=attempt("is_override", parse_bool),
        version=attempt("version", clean_text),
    )
    return options, errors


def _merge(base: LoadOptionOverrides, over: LoadOptionOverrides) -> LoadOptionOverrides:
    """`over`'s options where given, else `base`'s."""
    return LoadOptionOverrides(
        customer=over.customer if over.customer is not None else base.customer,
        effective_year=(
            over.effective_year if over.effective_year is not None else base.effective_year
        ),
        is_new=over.is_new if over.is_new is not None else base.is_new,
        start_date=over.start_date if over.start_date is not None else base.start_date,
        is_override=over.is_override if over.is_override is not None else base.is_override,
        version=over.version if over.version is not None else base.version,
    )


def parse_load_filename(filename: str) -> LoadOptionOverrides | None:
    """The options a file name carries; `None` when it does not follow the convention.

    Raises `RuleViolation` when it follows the convention but a part is malformed.
    """
    tokens = _name_tokens(filename)
    if tokens is None:
        return None
    options, errors = _parse_tokens(tokens)
    if errors:
        raise RuleViolation(f"the file name {_basename(filename)!r} is malformed", errors=errors)
    return options


def _clean_label(name: str, value: str | None, errors: list[ErrorDetail]) -> str:
    if value is None:
        return ""
    try:
        return clean_text(value)
    except TextError as exc:
        errors.append(ErrorDetail(message=f"{name} {exc}", field=name))
        return ""


def resolve_load_options(
    filename: str | None, explicit: LoadOptionOverrides | None = None
) -> LoadOptions:
    """Combine the file name's options with explicit ones (which win) and validate them.

    Raises `RuleViolation` listing every problem: malformed name parts that no explicit
    option replaces, missing options, an effective year out of range, a start date that
    is not the 1st of a month of the effective year.
    """
    explicit = explicit or LoadOptionOverrides()
    errors: list[ErrorDetail] = []
    from_name = LoadOptionOverrides()
    tokens = _name_tokens(filename) if filename else None
    if tokens is not None:
        from_name, token_errors = _parse_tokens(tokens)
        errors += [e for e in token_errors if getattr(explicit, e.field or "") is None]
    merged = _merge(from_name, explicit)

    customer = _clean_label("customer", merged.customer, errors)
    version = _clean_label("version", merged.version, errors)
    is_new = bool(merged.is_new)
    is_override = bool(merged.is_override)
    year, start = merged.effective_year, merged.start_date
    failed = {e.field for e in errors}
    missing: list[str] = []
    if year is None and "effective_year" not in failed:
        missing.append("effective_year")
    if not is_new and start is None and "start_date" not in failed:
        missing.append("start_date")
    if missing:
        shown = _basename(filename) if filename else "(no file name)"
        errors.append(
            ErrorDetail(
                message=(
                    f"the file name {shown!r} does not follow {FILENAME_PATTERN}; "
                    f"give these options explicitly: {', '.join(missing)}"
                ),
                field=missing[0],
            )
        )
        errors += [
            ErrorDetail(message=f"option {name} is missing", field=name) for name in missing[1:]
        ]
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        errors.append(
            ErrorDetail(
                message=f"effective_year must be between {MIN_YEAR} and {MAX_YEAR}, not {year}",
                field="effective_year",
            )
        )
        year = None
    if not is_new and start is not None:
        if start.day != 1:
            errors.append(
                ErrorDetail(
                    message=f"start_date {start.isoformat()} must be the 1st of a month",
                    field="start_date",
                )
            )
        if year is not None and start.year != year:
            errors.append(
                ErrorDetail(
                    message=(
                        f"start_date {start.isoformat()} must fall within the effective year {year}"
                    ),
                    field="start_date",
                )
            )
    if errors or year is None:
        raise RuleViolation("the load options are invalid", errors=errors)
    if is_new:
        start = date(year, 1, 1)
    assert start is not None  # required above unless is_new
    return LoadOptions(
        customer=customer,
        effective_year=year,
        is_new=is_new,
        start_date=start,
        is_override=is_override,
        version=version,
    )
