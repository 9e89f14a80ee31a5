"""AWS accounts: onboarded from AWS Organizations, seen in the CUR, or added by hand.

Accounts are never deleted: a closed account keeps its history (and its allocations).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from domain.errors import ErrorDetail

_ACCOUNT_ID = re.compile(r"[0-9]{12}")


class AccountType(StrEnum):
    PRODUCTION = "Production"
    PRE_PRODUCTION = "Pre-Production"
    SHARED = "Shared"
    DEVELOPMENT = "Development"
    SANDBOX = "Sandbox"


class AccountSource(StrEnum):
    ORGANIZATIONS = "organizations"
    CUR = "cur"
    MANUAL = "manual"


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    email: str | None
    status: str
    vended_date: date | None
    source: AccountSource
    account_type: AccountType | None


@dataclass(frozen=True)
class DiscoveredAccount:
    """An account as a source reports it (Organizations' ListAccounts, or the CUR)."""

    account_id: str
    name: str | None
    email: str | None
    status: str | None
    vended_date: date | None
    source: AccountSource


@dataclass(frozen=True)
class Discovery:
    """What the account sources reported, and per source 'ok', 'not configured', or why it
    could not be read (one unreachable source does not stop the others)."""

    found: tuple[DiscoveredAccount, ...]
    sources: Mapping[str, str] = field(default_factory=dict)


def is_account_id(value: str) -> bool:
    """An AWS account id: exactly 12 ASCII digits, leading zeros included."""
    return _ACCOUNT_ID.fullmatch(value) is not None


def account_id_errors(account_id: str, field: str = "account_id") -> list[ErrorDetail]:
    if not is_account_id(account_id):
        return [
            ErrorDetail(
                message="an AWS account id is exactly 12 digits (leading zeros included)",
                field=field,
            )
        ]
    return []


def parse_account_type(value: str | None) -> AccountType | None:
    if value is None:
        return None
    for member in AccountType:
        if member.value.casefold() == value.strip().casefold():
            return member
    return None
