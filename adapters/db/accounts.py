from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, or_, select

from adapters.db.allocation import accounts_reaching
from adapters.db.models import AccountRow
from adapters.db.repository import Repository
from domain.accounts.model import Account, AccountSource, AccountType
from domain.scope import ResolvedScope


def _account(row: AccountRow) -> Account:
    return Account(
        account_id=row.account_id,
        name=row.name,
        email=row.email,
        status=row.status,
        vended_date=row.vended_date,
        source=AccountSource(row.source),
        account_type=AccountType(row.account_type) if row.account_type else None,
    )


class AccountRepository(Repository[AccountRow]):
    model = AccountRow

    async def get(self, account_id: str) -> Account | None:
        row = await self.get_row(account_id)
        return _account(row) if row else None

    async def get_many(self, account_ids: Sequence[str]) -> dict[str, Account]:
        out: dict[str, Account] = {}
        for start in range(0, len(account_ids), 500):
            rows = await self.all(
                self.select().where(
                    AccountRow.account_id.in_(list(account_ids[start : start + 500]))
                )
            )
            out.update({r.account_id: _account(r) for r in rows})
        return out

    async def add(self, account: Account) -> None:
        await self.add_row(
            AccountRow(
                account_id=account.account_id,
                name=account.name,
                email=account.email,
                status=account.status,
                vended_date=account.vended_date,
                source=account.source.value,
                account_type=account.account_type.value if account.account_type else None,
            )
        )

    async def save(self, account: Account) -> None:
        row = await self.get_row(account.account_id)
        assert row is not None
        row.name, row.email, row.status = account.name, account.email, account.status
        row.vended_date, row.source = account.vended_date, account.source.value
        row.account_type = account.account_type.value if account.account_type else None
        await self.session.flush()

    def _in(self, scope: ResolvedScope) -> Select[Any]:
        stmt = select(AccountRow)
        if scope.unrestricted:
            return stmt
        split, work = accounts_reaching(scope)
        return stmt.where(or_(AccountRow.account_id.in_(split), AccountRow.account_id.in_(work)))

    async def find(self, scope: ResolvedScope, account_id: str) -> Account | None:
        row = await self.first(self._in(scope).where(AccountRow.account_id == account_id))
        return _account(row) if row else None

    async def list(
        self,
        scope: ResolvedScope,
        *,
        q: str | None = None,
        account_type: str | None = None,
        source: str | None = None,
    ) -> list[Account]:
        stmt = self._in(scope)
        if q:
            # autoescape: `%` and `_` in the query are literal characters, not wildcards.
            stmt = stmt.where(
                AccountRow.account_id.contains(q, autoescape=True)
                | AccountRow.name.icontains(q, autoescape=True)
            )
        if account_type:
            stmt = stmt.where(AccountRow.account_type == account_type)
        if source:
            stmt = stmt.where(AccountRow.source == source)
        return [_account(r) for r in await self.all(stmt.order_by(AccountRow.account_id))]
