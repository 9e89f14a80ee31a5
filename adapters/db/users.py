from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from adapters.db.models import UserRow
from adapters.db.repository import Repository
from domain.identity.emails import email_key
from domain.identity.roles import Role
from domain.identity.users import NewUser, User


def to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        is_active=row.is_active,
        created_at=row.created_at,
        password_hash=row.password_hash,
        token_version=row.token_version,
        kind=row.kind,
    )


class UserRepository(Repository[UserRow]):
    model = UserRow

    async def get(self, user_id: int) -> User | None:
        row = await self.get_row(user_id)
        return to_user(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        row = await self.first(self.select().where(UserRow.email_key == email_key(email)))
        return to_user(row) if row else None

    async def existing_email_keys(self, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            stmt = select(UserRow.email_key).where(UserRow.email_key.in_(chunk))
            found.update((await self.session.scalars(stmt)).all())
        return found

    async def add(self, new: NewUser) -> User:
        row = await self.add_row(
            UserRow(
                email=new.email,
                email_key=email_key(new.email),
                name=new.name,
                role=new.role.value,
                password_hash=new.password_hash,
                is_active=True,
                kind=new.kind,
            )
        )
        return to_user(row)

    async def save(self, user: User) -> User:
        row = await self.get_row(user.id)
        assert row is not None
        row.name, row.role, row.is_active = user.name, user.role.value, user.is_active
        row.password_hash, row.token_version = user.password_hash, user.token_version
        await self.session.flush()
        return to_user(row)

    async def count_active_admins(self) -> int:
        stmt = select(func.count()).where(UserRow.role == Role.ADMIN.value, UserRow.is_active)
        return int(await self.session.scalar(stmt) or 0)

    async def list(
        self,
        *,
        q: str | None = None,
        role: str | None = None,
        active: bool | None = None,
        kind: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[User], int]:
        stmt = self.select()
        if q:
            # autoescape: `%` and `_` in the query are literal characters, not wildcards.
            text = q.casefold()
            stmt = stmt.where(
                UserRow.email_key.contains(text, autoescape=True)
                | func.lower(UserRow.name).contains(text, autoescape=True)
            )
        if role:
            stmt = stmt.where(UserRow.role == role)
        if active is not None:
            stmt = stmt.where(UserRow.is_active == active)
        if kind is not None:
            stmt = stmt.where(UserRow.kind == kind)
        total = await self.count(stmt)
        rows = await self.all(stmt.order_by(UserRow.email_key).limit(limit).offset(offset))
        return [to_user(r) for r in rows], total
