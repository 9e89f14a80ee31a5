from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from adapters.db.models import ApiTokenRow
from adapters.db.repository import Repository
from domain.identity.service_accounts import ApiToken, NewApiToken


def to_token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        created_by=row.created_by,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


class ApiTokenRepository(Repository[ApiTokenRow]):
    model = ApiTokenRow

    async def add(self, new: NewApiToken) -> ApiToken:
        row = await self.add_row(
            ApiTokenRow(
                user_id=new.user_id,
                name=new.name,
                prefix=new.prefix,
                token_hash=new.token_hash,
                created_by=new.created_by,
                created_at=new.created_at,
                expires_at=new.expires_at,
            )
        )
        return to_token(row)

    async def get(self, token_id: int) -> ApiToken | None:
        row = await self.get_row(token_id)
        return to_token(row) if row else None

    async def of_user(self, user_id: int) -> list[ApiToken]:
        stmt = self.select().where(ApiTokenRow.user_id == user_id).order_by(ApiTokenRow.id.desc())
        return [to_token(r) for r in await self.all(stmt)]

    async def find_by_hash(self, token_hash: str) -> ApiToken | None:
        row = await self.first(self.select().where(ApiTokenRow.token_hash == token_hash))
        return to_token(row) if row else None

    async def revoke(self, token_id: int, at: datetime) -> ApiToken:
        row = await self.get_row(token_id)
        assert row is not None
        row.revoked_at = at
        await self.session.flush()
        return to_token(row)

    async def touch(self, token_id: int, at: datetime) -> None:
        await self.session.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=at)
        )
