"""AWS Organizations: "check for new accounts" with ListAccounts (paginated), run with the
delegated administrator account's credentials from the usual AWS chain."""

from __future__ import annotations

from typing import Any

from domain.accounts.model import AccountSource, DiscoveredAccount


def list_organization_accounts(client: Any = None) -> list[DiscoveredAccount]:
    if client is None:
        import boto3

        client = boto3.client("organizations")
    found: list[DiscoveredAccount] = []
    for page in client.get_paginator("list_accounts").paginate():
        for item in page["Accounts"]:
            joined = item.get("JoinedTimestamp")
            found.append(
                DiscoveredAccount(
                    account_id=str(item["Id"]).zfill(12),
                    name=item.get("Name"),
                    email=item.get("Email"),
                    status=item.get("State") or item.get("Status"),
                    vended_date=joined.date() if joined is not None else None,
                    source=AccountSource.ORGANIZATIONS,
                )
            )
    return found
