"""Service accounts, API tokens and outbound webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from api.schemas.common import Flag, Schema
from domain.identity.roles import Role
from domain.identity.service_accounts import MAX_TOKEN_DAYS, ApiToken
from domain.identity.users import User
from domain.webhooks.service import Delivery, Subscription


class ServiceAccountCreate(Schema):
    name: str = Field(min_length=1, max_length=200, examples=["Nightly spend export"])
    role: Role
    node_ids: list[int] = Field(
        default_factory=list,
        max_length=100,
        description="the financial scope (owner roles), by the same rules as a person's",
    )


class ServiceAccountRead(Schema):
    id: int
    name: str
    email: str = Field(description="made up under .invalid: it cannot receive mail or log in")
    role: Role
    is_active: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> ServiceAccountRead:
        return cls(
            id=user.id,
            name=user.name,
            email=user.email,
            role=user.role,
            is_active=user.is_active,
            created_at=user.created_at,
        )


class ApiTokenCreate(Schema):
    name: str = Field(min_length=1, max_length=200, examples=["cron on billing-01"])
    expires_in_days: int | None = Field(
        default=90, ge=1, le=MAX_TOKEN_DAYS, description="null: the token never expires"
    )


class ApiTokenRead(Schema):
    id: int
    name: str
    prefix: str = Field(description="the token's first characters, to recognise it")
    status: Literal["active", "expired", "revoked"]
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    last_used_at: datetime | None = Field(description="to the minute")
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken, now: datetime) -> ApiTokenRead:
        status = token.status(now)
        assert status in ("active", "expired", "revoked")
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            status=status,
            created_at=token.created_at,
            created_by=token.created_by,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class ApiTokenCreated(ApiTokenRead):
    token: str = Field(description="send as `Authorization: Bearer <token>`; shown only now")


class WebhookSubscriptionCreate(Schema):
    url: str = Field(min_length=1, max_length=2000, examples=["https://hooks.corp.example/finops"])
    events: list[str] = Field(min_length=1, max_length=50, examples=[["schedule.submitted"]])
    secret: str | None = Field(
        default=None,
        min_length=32,
        max_length=200,
        description="the HMAC-SHA256 key deliveries are signed with; omit to have one generated",
    )


class WebhookSubscriptionUpdate(Schema):
    is_active: Flag


class WebhookSubscriptionRead(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, sub: Subscription) -> WebhookSubscriptionRead:
        return cls(
            id=sub.id,
            url=sub.url,
            events=list(sub.events),
            is_active=sub.is_active,
            created_at=sub.created_at,
            created_by=sub.created_by,
        )


class WebhookSubscriptionCreated(WebhookSubscriptionRead):
    secret: str = Field(description="the signing secret; shown only now")


class WebhookEventRead(Schema):
    type: str
    description: str


class WebhookDeliveryRead(Schema):
    id: int
    event_id: str
    event_type: str
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, d: Delivery) -> WebhookDeliveryRead:
        return cls(
            id=d.id,
            event_id=d.event_id,
            event_type=d.event_type,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_attempt_at=d.last_attempt_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            delivered_at=d.delivered_at,
            created_at=d.created_at,
        )
