from __future__ import annotations

from pydantic import Field

from api.schemas.common import ACCOUNT_ID_PATTERN, IsoDate, Name, Schema
from domain.accounts.model import Account, AccountSource, AccountType


class AccountCreate(Schema):
    account_id: str = Field(
        pattern=ACCOUNT_ID_PATTERN,
        description="12 digits, leading zeros kept",
        examples=["011254002932"],
    )
    name: Name
    email: str | None = Field(default=None, max_length=254)
    account_type: AccountType | None = None
    vended_date: IsoDate | None = None


class AccountUpdate(Schema):
    name: Name | None = None
    email: str | None = Field(default=None, max_length=254)
    status: str | None = Field(default=None, max_length=32)
    account_type: AccountType | None = None
    vended_date: IsoDate | None = None


class AccountRead(Schema):
    account_id: str
    name: str
    email: str | None
    status: str
    vended_date: IsoDate | None
    source: AccountSource
    account_type: AccountType | None

    @classmethod
    def of(cls, a: Account) -> AccountRead:
        return cls(
            account_id=a.account_id,
            name=a.name,
            email=a.email,
            status=a.status,
            vended_date=a.vended_date,
            source=a.source,
            account_type=a.account_type,
        )


class DiscoveryRead(Schema):
    created: list[str]
    updated: list[str]
    unchanged: int
    sources: dict[str, str] = Field(
        description="per source: 'ok', 'not configured', or why it could not be read"
    )
