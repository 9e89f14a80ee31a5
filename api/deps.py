"""Dependencies every router uses, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from adapters.db.scope import resolve_user_scope
from adapters.db.uow import UnitOfWork
from adapters.logging import request_id_var
from api.container import Container
from domain.audit import Actor
from domain.errors import Forbidden, TooManyRequests, Unauthenticated
from domain.identity import service_accounts
from domain.identity.roles import Permission, can
from domain.identity.service_accounts import looks_like_api_token
from domain.identity.users import User
from domain.ports import Clock
from domain.scope import ResolvedScope, Scope


async def get_container(request: Request) -> Container:
    # `async`: FastAPI runs a plain function dependency in a worker thread, a hand-off per call
    container: Container = request.app.state.container
    return container


AppContainer = Annotated[Container, Depends(get_container)]


async def get_clock(container: AppContainer) -> Clock:
    return container.clock


AppClock = Annotated[Clock, Depends(get_clock)]


async def get_uow(container: AppContainer) -> AsyncIterator[UnitOfWork]:
    """The request's transaction: committed when the handler returns, rolled back on any error.
    `scope="function"` below makes the commit happen before the response is sent, so a
    failed commit is the client's error response, not a silent loss."""
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session, request_id_var.get(), dispatch=container.dispatch)
        try:
            yield uow
        except BaseException:
            await uow.rollback()
            raise
        else:
            await uow.commit()


UoW = Annotated[UnitOfWork, Depends(get_uow, scope="function")]


async def get_read_uow(container: AppContainer) -> AsyncIterator[UnitOfWork]:
    """A transaction that only reads: on SQLite it begins deferred (a snapshot of the
    write-ahead log) instead of taking the single write lock, so it is answered while a long
    write, such as a 50,000-row chart import, holds that lock. Never committed. The
    authentication reads through it too (one per request, shared with a reading handler)."""
    async with container.read_sessionmaker() as session:
        uow = UnitOfWork(session, request_id_var.get(), dispatch=container.dispatch, read_only=True)
        try:
            yield uow
        finally:
            await uow.rollback()


ReadUoW = Annotated[UnitOfWork, Depends(get_read_uow, scope="function")]

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _handler_writes(request: Request) -> bool:
    """Whether the route's handler takes the write unit of work (`UoW`): then the caller is
    read in that transaction, else in the read-only one the handler shares, so no request
    holds two connections. Worked out once per route."""
    route = request.scope.get("route")
    if route is None:
        return False
    known = _WRITING_ROUTES.get(id(route))
    if known is None:
        known = _WRITING_ROUTES[id(route)] = _takes_uow(getattr(route, "dependant", None))
    return known


_WRITING_ROUTES: dict[int, bool] = {}


def _takes_uow(dependant: Any) -> bool:
    if dependant is None or dependant.call is get_current_user:
        return False
    return dependant.call is get_uow or any(_takes_uow(d) for d in dependant.dependencies)


async def get_current_user(
    request: Request,
    container: AppContainer,
    write_uow: UoW,
    read_uow: ReadUoW,
    token: Annotated[str | None, Depends(_bearer)],
) -> User:
    """The caller, read in the handler's own transaction (a read-only one unless the handler
    writes; both are lazy, the unused one never takes a connection). A warm caller costs
    one query, the database's write version: the user is kept under it
    (`api.identity_cache`), and every change that ends a session moves it."""
    if not token:
        raise Unauthenticated("not authenticated: send a bearer token")
    if looks_like_api_token(token):
        return await _service_account(container, token)
    subject = await container.tokens.verify(token)
    uow = write_uow if _handler_writes(request) else read_uow
    key = ("id", subject.user_id) if subject.user_id is not None else ("email", subject.email)
    version = await uow.audit.head_version()  # before the user: an entry is never older
    request.state.write_version = version
    user = container.identities.user(key, version)
    if user is None:
        if subject.user_id is not None:
            user = await uow.users.get(subject.user_id)
        else:
            user = await uow.users.get_by_email(subject.email or "")
        if user is not None:
            container.identities.put_user(key, version, user)
    # A deactivated (or unknown) user's tokens stop working at once: checked on every request.
    if user is None or not user.is_active:
        raise Unauthenticated("invalid or expired token")
    # A password, role or activity change since the token was issued ends its session.
    if subject.token_version is not None and subject.token_version != user.token_version:
        raise Unauthenticated("invalid or expired token")
    return user


async def _service_account(container: Container, token: str) -> User:
    """A service account's API token: looked up on every request (a revoked token or a
    deactivated account stops at once) and throttled per token. Its use is recorded (a
    write), in a short transaction of its own."""
    async with container.sessionmaker() as session:
        uow = UnitOfWork(session, request_id_var.get(), dispatch=container.dispatch)
        try:
            user, api_token = await service_accounts.authenticate(uow, container.clock, token)
        except BaseException:
            await uow.rollback()
            raise
        await uow.commit()
    limiter = container.token_requests
    if limiter is not None:
        key = f"token:{api_token.id}"
        wait = limiter.retry_after(key)
        if wait is not None:
            raise TooManyRequests(
                "too many requests with this API token; slow down", retry_after=wait
            )
        limiter.record_failure(key)  # counts a request, whatever its outcome
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, email=user.email)


def require(permission: Permission) -> Callable[[User], Awaitable[User]]:
    async def check(user: CurrentUser) -> User:
        if not can(user.role, permission):
            raise Forbidden(f"your role ({user.role.value}) may not do this")
        return user

    return check


def RequirePermission(permission: Permission) -> object:  # noqa: N802 (reads as a type alias)
    return Depends(require(permission))


async def get_scope(
    request: Request,
    user: CurrentUser,
    write_uow: UoW,
    read_uow: ReadUoW,
    container: AppContainer,
) -> ResolvedScope:
    """The caller's financial scope, resolved once per request (kept with the caller under
    the database's write version: a mapping or node change moves it). Every scoped
    repository read takes it, so no router filters by hand."""
    if Scope.of(user.role, frozenset()).unrestricted:
        return ResolvedScope(prefixes=None)  # finance roles: no mapping to read
    # the version the caller was read under (none for a service account's API token)
    version = getattr(request.state, "write_version", None)
    scope = None if version is None else container.identities.scope(user.id, version)
    if scope is None:
        uow = write_uow if _handler_writes(request) else read_uow
        scope = await resolve_user_scope(uow.session, user.id)
        if version is not None:
            container.identities.put_scope(user.id, version, scope)
    return scope


ScopeFilter = Annotated[ResolvedScope, Depends(get_scope)]
