"""`domain.ports.AccountDirectory`: the accounts AWS Organizations (when enabled) and the CUR
report. AWS refusing or unreachable is reported per source, and the CUR is read still."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from adapters.cur.store import CurStore
from domain.accounts.model import AccountSource, DiscoveredAccount, Discovery


class AccountDiscovery:
    def __init__(
        self, organizations: Callable[[], list[DiscoveredAccount]] | None, cur: CurStore
    ) -> None:
        self.organizations = organizations
        self.cur = cur

    async def discover(self) -> Discovery:
        found: list[DiscoveredAccount] = []
        sources: dict[str, str] = {}
        if self.organizations is None:
            sources["organizations"] = "not configured"
        else:
            try:
                found += await asyncio.to_thread(self.organizations)
                sources["organizations"] = "ok"
            except Exception as exc:  # AWS refused or unreachable: report it, use the CUR still
                sources["organizations"] = f"unavailable: {exc.__class__.__name__}: {exc}"[:300]
        seen = await asyncio.to_thread(self.cur.accounts_seen)
        found += [
            DiscoveredAccount(
                account_id=a.account_id,
                name=a.name,
                email=None,
                status=None,
                vended_date=a.first_seen,
                source=AccountSource.CUR,
            )
            for a in seen
        ]
        sources["cur"] = "ok"
        return Discovery(tuple(found), sources)
