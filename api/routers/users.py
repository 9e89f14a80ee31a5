"""User onboarding and management (Admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile

from api.deps import AppContainer, RequirePermission, UoW, actor_of
from api.params import Id, Offset
from api.schemas.common import PROBLEM_RESPONSES, Page
from api.schemas.users import UserCreate, UserImportResult, UserRead, UserUpdate
from api.tables import CSV_RESPONSES, CsvWanted, table
from api.uploads import read_upload
from domain.errors import NotFound
from domain.identity import users as service
from domain.identity.roles import Permission, Role
from domain.identity.users import User

router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=PROBLEM_RESPONSES)

Admin = Annotated[User, RequirePermission(Permission.MANAGE_USERS)]


@router.post("", response_model=UserRead, status_code=201)
async def create_user(
    body: UserCreate, admin: Admin, uow: UoW, container: AppContainer
) -> UserRead:
    """Onboard one user. E-mails are unique compared case-insensitively; `+` addresses are
    distinct users."""
    user = await service.create_user(
        uow,
        container.hasher,
        actor_of(admin),
        service.NewUserRequest(
            email=body.email, name=body.name, role=body.role, password=body.password
        ),
    )
    return UserRead.of(user)


@router.get("", response_model=Page[UserRead], responses=CSV_RESPONSES)
async def list_users(
    _admin: Admin,
    want: CsvWanted,
    uow: UoW,
    q: Annotated[str | None, Query(max_length=254, description="e-mail or name contains")] = None,
    role: Role | None = None,
    active: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[UserRead] | Response:
    """List users, filtered by text, role or active flag."""
    found, total = await uow.users.list(
        q=q, role=role.value if role else None, active=active, limit=limit, offset=offset
    )
    items = [UserRead.of(u) for u in found]
    page = Page[UserRead](items=items, total=total, limit=limit, offset=offset)
    return table(want, page, items, UserRead, "users")


@router.post("/import", response_model=UserImportResult, status_code=201)
async def import_users(
    admin: Admin,
    uow: UoW,
    container: AppContainer,
    file: Annotated[UploadFile, File(description="CSV: email,name,role[,password]")],
) -> UserImportResult:
    """Onboard many users from a CSV file, all or nothing: any bad row rejects the file and
    every error is listed with its row."""
    data = await read_upload(file, container.settings.upload_limit_mb)
    created = await service.import_users(uow, container.hasher, actor_of(admin), data)
    return UserImportResult(created=len(created), users=[UserRead.of(u) for u in created])


@router.get("/{user_id}", response_model=UserRead)
async def get_user(user_id: Id, _admin: Admin, uow: UoW) -> UserRead:
    """One user."""
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user not found")
    return UserRead.of(user)


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: Id, body: UserUpdate, admin: Admin, uow: UoW, container: AppContainer
) -> UserRead:
    """Rename, change the role, reset the password, or (de)activate. Users are never deleted;
    a deactivated user's tokens stop working at once, and a password or role change ends the
    user's sessions. A role change keeps the financial scope only when it fits the new role;
    otherwise send the new one as `node_ids`."""
    user = await service.update_user(
        uow,
        container.hasher,
        actor_of(admin),
        user_id,
        service.UserChanges(
            name=body.name,
            role=body.role,
            is_active=body.is_active,
            password=body.password,
            node_ids=body.node_ids,
        ),
    )
    return UserRead.of(user)
