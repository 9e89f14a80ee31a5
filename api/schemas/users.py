from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from api.schemas.common import Flag, Name, NodeId, Schema
from domain.identity.roles import Permission, Role
from domain.identity.users import User


class UserCreate(Schema):
    email: str = Field(max_length=254, examples=["ana+finops@corp.com"])
    name: Name
    role: Role
    password: str | None = Field(
        default=None,
        min_length=10,
        max_length=512,
        description="omit for users who log in through OIDC",
    )


class UserUpdate(Schema):
    name: Name | None = None
    role: Role | None = None
    is_active: Flag | None = None
    password: str | None = Field(default=None, min_length=10, max_length=512)
    node_ids: list[NodeId] | None = Field(
        default=None,
        max_length=100,
        description="the financial scope that goes with a role change ([] removes it); "
        "without it a role change keeps the mapping and is refused when it no longer fits",
    )


class UserRead(Schema):
    id: int
    email: str
    name: str
    role: Role
    is_active: bool
    created_at: datetime
    kind: Literal["person", "service"] = Field(
        default="person", description="a person, or a service account (API tokens only)"
    )

    @classmethod
    def of(cls, user: User) -> UserRead:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role,
            is_active=user.is_active,
            created_at=user.created_at,
            kind="service" if user.is_service else "person",
        )


class MeRead(UserRead):
    permissions: list[Permission]


class UserImportResult(Schema):
    created: int
    users: list[UserRead]


class TokenRead(Schema):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
