"""Small factories with keyword defaults for test data."""

from __future__ import annotations

import uuid

import httpx

from adapters.db.uow import UnitOfWork
from api.container import Container
from domain.audit import Actor
from domain.identity.roles import Role
from domain.identity.users import NewUserRequest, User, create_user

PASSWORD = "correct-horse-battery"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@corp.example"


async def make_user(
    container: Container,
    *,
    email: str | None = None,
    name: str = "Test User",
    role: Role = Role.ADMIN,
    password: str | None = PASSWORD,
) -> User:
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session)
        user = await create_user(
            uow,
            container.hasher,
            Actor.system("test"),
            NewUserRequest(
                email=email or unique_email(role.value),
                name=name,
                role=role.value,
                password=password,
            ),
        )
        await uow.commit()
        return user


async def token_for(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> str:
    response = await client.post(
        "/api/v1/auth/token", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def auth_headers(
    client: httpx.AsyncClient, container: Container, *, role: Role = Role.ADMIN
) -> dict[str, str]:
    user = await make_user(container, role=role)
    return {"Authorization": f"Bearer {await token_for(client, user.email)}"}
