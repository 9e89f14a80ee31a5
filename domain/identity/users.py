"""Users: onboarding one at a time or in bulk, role changes, deactivation, log-in."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.audit import Actor, AuditEntry
from domain.budgets.text import TextError, clean_name
from domain.errors import Conflict, ErrorDetail, NotFound, RuleViolation
from domain.identity.emails import email_key, is_valid_email
from domain.identity.roles import Role, parse_role
from domain.ports import PasswordHasher, UnitOfWork

MIN_PASSWORD_LENGTH = 10
SERVICE_KIND = "service"


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: Role
    is_active: bool
    created_at: datetime
    password_hash: str | None = None
    #: Bumped by a password, role or activity change: tokens issued before it are refused.
    token_version: int = 0
    #: "person", or "service" for a service account (API tokens, never a password).
    kind: str = "person"

    @property
    def is_service(self) -> bool:
        return self.kind == SERVICE_KIND

    def audit_view(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role.value,
            "is_active": self.is_active,
        }


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    role: Role
    password_hash: str | None
    kind: str = "person"


@dataclass(frozen=True)
class UserChanges:
    name: str | None = None
    role: str | None = None
    is_active: bool | None = None
    password: str | None = None
    #: A new financial scope sent with the change (`[]` removes the mapping).
    node_ids: Sequence[int] | None = None


def _check_fields(
    email: str, name: str, role: str, password: str | None, *, row: int | None = None
) -> tuple[list[ErrorDetail], Role | None]:
    errors: list[ErrorDetail] = []

    def fail(field: str, message: str) -> None:
        if row is None:
            errors.append(ErrorDetail(message=message, field=field))
        else:
            errors.append(ErrorDetail(message=message, row=row, column=field))

    if not email:
        fail("email", "email is required")
    elif not is_valid_email(email):
        fail("email", f"'{email}' is not a valid e-mail address")
    try:
        clean_name(name)
    except TextError as exc:
        fail("name", str(exc))
    parsed = parse_role(role)
    if parsed is None:
        fail("role", f"unknown role '{role}'; expected one of: {', '.join(r.value for r in Role)}")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        fail("password", f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return errors, parsed


async def _hash(hasher: PasswordHasher, password: str | None) -> str | None:
    """Argon2 costs ~100 ms of CPU by design: hash in a worker thread, never on the event loop
    that answers every other request."""
    return None if password is None else await asyncio.to_thread(hasher.hash, password)


@dataclass(frozen=True)
class NewUserRequest:
    """A user to create as asked for (unchecked): `role` is the role's value, `password` None
    for a user who only signs in through OIDC."""

    email: str
    name: str
    role: str
    password: str | None


async def create_user(
    uow: UnitOfWork, hasher: PasswordHasher, actor: Actor, request: NewUserRequest
) -> User:
    users = uow.users
    email = request.email.strip()
    name, role, password = request.name, request.role, request.password
    errors, parsed = _check_fields(email, name, role, password)
    if errors or parsed is None:
        raise RuleViolation("the user cannot be created", errors)
    if await users.existing_email_keys([email_key(email)]):
        raise Conflict(
            "a user with this e-mail already exists",
            [ErrorDetail(message=f"'{email}' is already a user", field="email")],
        )
    hashed = await _hash(hasher, password)
    user = await users.add(
        NewUser(email=email, name=clean_name(name), role=parsed, password_hash=hashed)
    )
    await uow.audit.record(
        AuditEntry(actor, "user.create", "user", str(user.id), after=user.audit_view())
    )
    return user


USER_CSV_COLUMNS = ("email", "name", "role")


def parse_user_csv(data: bytes) -> list[tuple[int, str, str, str, str | None]]:
    """Parse `email,name,role[,password]`; returns (row, email, name, role, password) per user.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleViolation(
            "the file is not UTF-8 text",
            [ErrorDetail(message=f"byte {exc.start} is not valid UTF-8", row=None)],
        ) from exc
    if not text.strip():
        raise RuleViolation(
            "the file is empty", [ErrorDetail(message="the file is empty", field="file")]
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader)]
    if (
        header[:3] != list(USER_CSV_COLUMNS)
        or len(header) > 4
        or (len(header) == 4 and header[3] != "password")
    ):
        raise RuleViolation(
            "wrong header",
            [
                ErrorDetail(
                    message="the header must be 'email,name,role' or 'email,name,role,password', "
                    f"found '{','.join(header)}'",
                    row=1,
                )
            ],
        )
    rows: list[tuple[int, str, str, str, str | None]] = []
    bad: list[ErrorDetail] = []
    # Rows are records, numbered as a spreadsheet shows them: a quoted name spanning two lines
    # is still one row.
    for row, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            bad.append(
                ErrorDetail(message=f"expected {len(header)} fields, found {len(record)}", row=row)
            )
            continue
        password = record[3] if len(header) == 4 and record[3] != "" else None
        rows.append((row, record[0].strip(), record[1].strip(), record[2].strip(), password))
    if bad:
        raise RuleViolation("the file has rows that cannot be read", bad)
    if not rows:
        raise RuleViolation(
            "the file holds no users",
            [ErrorDetail(message="the file has a header but no users", row=2)],
        )
    return rows


async def import_users(
    uow: UnitOfWork, hasher: PasswordHasher, actor: Actor, data: bytes
) -> list[User]:
    """All-or-nothing bulk onboarding: every bad row is listed and nobody is created."""
    users = uow.users
    rows = parse_user_csv(data)
    errors: list[ErrorDetail] = []
    checked: list[tuple[int, str, str, Role, str | None]] = []
    first_row_of: dict[str, int] = {}
    for row, email, name, role, password in rows:
        row_errors, parsed = _check_fields(email, name, role, password, row=row)
        errors.extend(row_errors)
        key = email_key(email)
        if email and key in first_row_of:
            errors.append(
                ErrorDetail(
                    message=f"'{email}' appears twice in the file "
                    f"(first on row {first_row_of[key]})",
                    row=row,
                    column="email",
                )
            )
        elif email:
            first_row_of[key] = row
        if parsed is not None and not row_errors:
            checked.append((row, email, name, parsed, password))
    taken = await users.existing_email_keys(list(first_row_of))
    for row, email, *_ in rows:
        if email_key(email) in taken and first_row_of.get(email_key(email)) == row:
            errors.append(
                ErrorDetail(message=f"'{email}' is already a user", row=row, column="email")
            )
    if errors:
        errors.sort(key=lambda e: (e.row or 0, e.column or ""))
        raise RuleViolation(f"{len(errors)} error(s) in the file; no user was created", errors)
    created: list[User] = []
    for _row, email, name, parsed_role, password in checked:
        hashed = await _hash(hasher, password)
        user = await users.add(
            NewUser(email=email, name=clean_name(name), role=parsed_role, password_hash=hashed)
        )
        await uow.audit.record(
            AuditEntry(
                actor,
                "user.create",
                "user",
                str(user.id),
                after=user.audit_view(),
                details={"via": "import"},
            )
        )
        created.append(user)
    return created


async def update_user(
    uow: UnitOfWork, hasher: PasswordHasher, actor: Actor, user_id: int, changes: UserChanges
) -> User:
    """Rename, change the role, reset the password, (de)activate; with a role change the
    financial scope must fit the new role, or a new mapping (`node_ids`) comes with it."""
    # Imported here: the budget service itself builds on `User`.
    from domain.budgets.scope_service import check_scope_fits_role, map_scope

    saved = await _update(uow, hasher, actor, user_id, changes)
    if changes.node_ids is not None:
        await map_scope(uow, actor, user=saved, node_ids=changes.node_ids)
    elif changes.role is not None:
        await check_scope_fits_role(uow, user=saved)
    return saved


async def _update(
    uow: UnitOfWork, hasher: PasswordHasher, actor: Actor, user_id: int, changes: UserChanges
) -> User:
    users = uow.users
    user = await users.get(user_id)
    if user is None:
        raise NotFound("user not found")
    errors: list[ErrorDetail] = []
    updated = user
    if changes.name is not None:
        try:
            updated = replace(updated, name=clean_name(changes.name))
        except TextError as exc:
            errors.append(ErrorDetail(message=str(exc), field="name"))
    if changes.role is not None:
        role = parse_role(changes.role)
        if role is None:
            errors.append(ErrorDetail(message=f"unknown role '{changes.role}'", field="role"))
        else:
            updated = replace(updated, role=role)
    if changes.is_active is not None:
        updated = replace(updated, is_active=changes.is_active)
    if changes.password is not None and user.is_service:
        errors.append(
            ErrorDetail(
                message="a service account has no password: it authenticates with API tokens",
                field="password",
            )
        )
    elif changes.password is not None:
        if len(changes.password) < MIN_PASSWORD_LENGTH:
            errors.append(
                ErrorDetail(
                    message=f"password must have at least {MIN_PASSWORD_LENGTH} characters",
                    field="password",
                )
            )
        else:
            updated = replace(
                updated, password_hash=await asyncio.to_thread(hasher.hash, changes.password)
            )
    if errors:
        raise RuleViolation("the user cannot be changed", errors)
    losing_admin = (
        user.role is Role.ADMIN
        and user.is_active
        and (updated.role is not Role.ADMIN or not updated.is_active)
    )
    if losing_admin and await users.count_active_admins() <= 1:
        raise Conflict(
            "the last active Admin cannot be demoted or deactivated",
            [ErrorDetail(message="at least one active Admin must remain", field="role")],
        )
    if updated == user:
        return user
    if (
        updated.password_hash != user.password_hash
        or updated.role is not user.role
        or updated.is_active != user.is_active
    ):
        # Ends the sessions opened with the old password, role or activity.
        updated = replace(updated, token_version=user.token_version + 1)
    saved = await users.save(updated)
    before, after = user.audit_view(), saved.audit_view()
    if changes.password is not None:
        before["password"], after["password"] = "(unchanged)", "(changed)"
    await uow.audit.record(
        AuditEntry(actor, "user.update", "user", str(user.id), before=before, after=after)
    )
    return saved


async def ensure_admin(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    *,
    email: str,
    password: str,
    name: str = "Administrator",
) -> User | None:
    """Create the first Admin at installation; does nothing once any active Admin exists."""
    if await uow.users.count_active_admins() > 0:
        return None
    return await create_user(
        uow,
        hasher,
        Actor.system("installation"),
        NewUserRequest(email=email, name=name, role=Role.ADMIN.value, password=password),
    )


def visible_fields(users_list: Sequence[User]) -> list[dict[str, Any]]:
    return [u.audit_view() for u in users_list]
