"""The user service against in-memory fakes of its ports: milliseconds, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from domain.audit import Actor
from domain.errors import Conflict, NotFound, RuleViolation
from domain.identity.emails import email_key, is_valid_email
from domain.identity.roles import Role
from domain.identity.users import (
    NewUserRequest,
    User,
    UserChanges,
    create_user,
    ensure_admin,
    import_users,
    update_user,
)

ACTOR = Actor(user_id=1, email="admin@corp.com")


class FakeUsers:
    def __init__(self) -> None:
        self.rows: dict[int, User] = {}

    async def get(self, user_id):
        return self.rows.get(user_id)

    async def get_by_email(self, email):
        return next((u for u in self.rows.values() if email_key(u.email) == email_key(email)), None)

    async def existing_email_keys(self, keys):
        return {email_key(u.email) for u in self.rows.values()} & set(keys)

    async def add(self, new):
        user = User(
            id=len(self.rows) + 1,
            email=new.email,
            name=new.name,
            role=new.role,
            is_active=True,
            created_at=datetime.now(UTC),
            password_hash=new.password_hash,
        )
        self.rows[user.id] = user
        return user

    async def save(self, user):
        self.rows[user.id] = user
        return user

    async def count_active_admins(self):
        return sum(1 for u in self.rows.values() if u.role is Role.ADMIN and u.is_active)


class FakeHasher:
    def hash(self, password):
        return "h:" + password

    def verify(self, password_hash, password):
        return password_hash == "h:" + password


class FakeAudit:
    def __init__(self) -> None:
        self.entries = []

    async def record(self, entry):
        self.entries.append(entry)


class FakeScopes:
    async def scope_of(self, user_id):  # noqa: ARG002
        return frozenset()


def _uow(ports):
    users, _hasher, audit = ports
    return SimpleNamespace(users=users, audit=audit, budgets=FakeScopes())


@pytest.fixture
def ports():
    return FakeUsers(), FakeHasher(), FakeAudit()


class TestEmails:
    @pytest.mark.parametrize(
        "email",
        ["ana@corp.com", "ana+finops@corp.com", "first.last@sub.corp.co.uk", "o'neil@corp.io"],
    )
    def test_valid(self, email):
        assert is_valid_email(email)

    @pytest.mark.parametrize(
        "email",
        [
            "ana",
            "ana@",
            "@corp.com",
            "ana@corp",
            "a b@corp.com",
            "ana@@corp.com",
            "ana@corp..com",
            ".ana@corp.com",
        ],
    )
    def test_invalid(self, email):
        assert not is_valid_email(email)


class TestCreate:
    async def test_creates_hashes_and_audits(self, ports):
        users, hasher, audit = ports
        user = await create_user(
            _uow(ports),
            hasher,
            ACTOR,
            NewUserRequest(
                email=" ana@corp.com ", name="Ana", role="product_owner", password="long-password"
            ),
        )
        assert user.email == "ana@corp.com"
        assert user.role is Role.PRODUCT_OWNER
        assert user.password_hash == "h:long-password"
        (entry,) = audit.entries
        assert (entry.action, entry.entity_id, entry.actor) == ("user.create", "1", ACTOR)
        assert "password" not in str(entry.after)

    async def test_every_field_error_is_reported_at_once(self, ports):
        with pytest.raises(RuleViolation) as caught:
            await create_user(
                _uow(ports),
                ports[1],
                ACTOR,
                NewUserRequest(email="x", name="", role="king", password="1"),
            )
        assert {e.field for e in caught.value.errors} == {"email", "name", "role", "password"}
        assert ports[0].rows == {}


class TestImport:
    async def test_rows_are_reported_with_their_file_row_numbers(self, ports):
        # A quoted name spanning two lines is one row; its zero-width space is the error.
        data = 'email,name,role\na@c.com,"multi\nline\u200b",admin\nbad,B,admin\n'.encode()
        with pytest.raises(RuleViolation) as caught:
            await import_users(_uow(ports), ports[1], ACTOR, data)
        assert [(e.row, e.column) for e in caught.value.errors] == [(2, "name"), (3, "email")]
        assert ports[0].rows == {}


class TestUpdate:
    async def test_unknown_user(self, ports):
        with pytest.raises(NotFound):
            await update_user(_uow(ports), ports[1], ACTOR, 42, UserChanges(name="x"))

    async def test_no_change_writes_no_audit(self, ports):
        users, hasher, audit = ports
        user = await create_user(
            _uow(ports),
            hasher,
            ACTOR,
            NewUserRequest(email="a@c.com", name="A", role="admin", password=None),
        )
        await update_user(_uow(ports), hasher, ACTOR, user.id, UserChanges(name="A"))
        assert len(audit.entries) == 1

    async def test_last_admin_stays(self, ports):
        users, hasher, audit = ports
        user = await create_user(
            _uow(ports),
            hasher,
            ACTOR,
            NewUserRequest(email="a@c.com", name="A", role="admin", password=None),
        )
        with pytest.raises(Conflict):
            await update_user(_uow(ports), hasher, ACTOR, user.id, UserChanges(is_active=False))
        users.rows[2] = replace(user, id=2, email="b@c.com")
        demoted = await update_user(
            _uow(ports), hasher, ACTOR, user.id, UserChanges(role="cloud_engineer")
        )
        assert demoted.role is Role.CLOUD_ENGINEER


class TestEnsureAdmin:
    async def test_creates_once(self, ports):
        first = await ensure_admin(
            _uow(ports), ports[1], email="root@c.com", password="long-password"
        )
        second = await ensure_admin(
            _uow(ports), ports[1], email="other@c.com", password="long-password"
        )
        assert first is not None
        assert first.role is Role.ADMIN
        assert second is None
        assert len(ports[0].rows) == 1
