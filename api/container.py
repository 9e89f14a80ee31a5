"""What the app holds for its lifetime: built by the app factory, never at import time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters import duck
from adapters.allocation.close_figures import ClosePeriodFigures
from adapters.allocation.credit_spend import AllocatedMonthlySpend
from adapters.allocation.daily_spend import AllocatedDailySpend
from adapters.allocation.dashboard_spend import AllocatedDashboardSpend
from adapters.allocation.engines import build_allocation_engine
from adapters.allocation.focus import FocusExport
from adapters.allocation.materialized import AllocatedSpend
from adapters.allocation.spend_store import CurSpendStore
from adapters.aws.discovery import AccountDiscovery
from adapters.aws.organizations import list_organization_accounts
from adapters.clock import SystemClock
from adapters.config import Settings
from adapters.cur.engines import build_refresh_engine
from adapters.cur.lookup import CurResourceDirectory
from adapters.cur.refresh_board import FileRefreshBoard
from adapters.cur.store import CurStore
from adapters.db.base import READ_ONLY, build_engine, build_sessionmaker
from adapters.db.job_lease import JobLease
from adapters.objectstore import object_store_from_url
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.throttle import SharedFailureLimiter
from adapters.security.tokens import JwksFetcher, OidcVerifier, TokenService, http_jwks_fetcher
from adapters.webhooks.deliverer import WebhookDeliverer
from adapters.webhooks.sender import DnsResolver, HttpWebhookSender
from api.answer_cache import AnswerCache
from api.identity_cache import IdentityCache
from domain.accounts.model import DiscoveredAccount
from domain.allocation.rules import AllocationRules, CostBasis
from domain.audit import Actor
from domain.close.ports import ClosePeriodReader, CreditLedger
from domain.credits.service import CloseLedger
from domain.events import DomainEvent
from domain.identity.ratelimit import Limit
from domain.ports import AccountDirectory, Clock, ObjectStore, ResourceDirectory
from domain.spend.ports import SpendUnitOfWork


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    tokens: TokenService
    hasher: Argon2PasswordHasher
    # shared by the server's workers (a file in the data folder), so the limits are per host
    account_failures: SharedFailureLimiter
    address_failures: SharedFailureLimiter
    objects: ObjectStore
    cur: CurStore
    allocated: AllocatedSpend
    # "Check for new accounts" in AWS Organizations; None when not enabled.
    organizations: Callable[[], list[DiscoveredAccount]] | None
    # requests per service-account token and minute, shared by the workers like the above
    token_requests: SharedFailureLimiter | None = None
    clock: Clock = field(default_factory=SystemClock)
    resolver: DnsResolver = field(default_factory=DnsResolver)
    background: set[asyncio.Task[None]] = field(default_factory=set)
    # The handlers of domain events (api/jobs.py), wired by the app factory.
    dispatch: Callable[[DomainEvent], Awaitable[None]] | None = None
    # rendered answers of heavy reads (dashboard, hierarchy, spend, allocation summary), kept
    # while the version of what they were computed from holds
    answers: AnswerCache = field(default_factory=AnswerCache)
    # authenticated callers and their scopes, kept under the database's write version
    identities: IdentityCache = field(default_factory=IdentityCache)
    _read_sessions: async_sessionmaker[AsyncSession] | None = field(default=None, repr=False)

    @property
    def read_sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        """Sessions that only read (`adapters.db.base.READ_ONLY`): on SQLite each
        transaction begins deferred (a snapshot; never the write lock), even one begun again
        after the session gave its connection back. On PostgreSQL each statement runs in
        autocommit: at READ COMMITTED a statement sees the same inside a transaction or not,
        and no BEGIN and ROLLBACK round trips are paid."""
        if self._read_sessions is None:
            options: dict[str, Any] = {READ_ONLY: True}
            if self.engine.dialect.name == "postgresql":
                options["isolation_level"] = "AUTOCOMMIT"
            self._read_sessions = build_sessionmaker(self.engine.execution_options(**options))
        return self._read_sessions

    @property
    def accounts(self) -> AccountDirectory:
        """Where "check for new accounts" looks (Organizations as configured now, and the CUR)."""
        return AccountDiscovery(self.organizations, self.cur)

    @property
    def resources(self) -> ResourceDirectory:
        """Which accounts a CUR resource shows under (claims check it)."""
        return CurResourceDirectory(self.cur)

    @property
    def refresh_board(self) -> FileRefreshBoard:
        """Where a CUR refresh posts its progress (a file shared by the server processes); one
        refresh keeps the board it started on."""
        return FileRefreshBoard(self.settings.data_dir / "cur-refresh.json")

    @property
    def spend(self) -> CurSpendStore:
        """The spend store port of the spend services (built on the current CUR store and
        materialized allocations, so a test that swaps either is seen)."""
        return CurSpendStore(self.cur, self.allocated)

    def credit_spend(self, uow: SpendUnitOfWork) -> AllocatedMonthlySpend:
        """The credits' reader of budgets' monthly spend, for one unit of work."""
        return AllocatedMonthlySpend(self.spend, uow)

    def daily_spend(self, rules: AllocationRules | None = None) -> AllocatedDailySpend:
        """Budgets' daily spend for forecasts and anomalies (with `rules`, also their lines)."""
        return AllocatedDailySpend(self.allocated, rules)

    def dashboard_spend(self, uow: SpendUnitOfWork) -> AllocatedDashboardSpend:
        """The dashboard's reader of spend per budget and month, for one unit of work."""
        return AllocatedDashboardSpend(self.spend, uow)

    @property
    def close_figures(self) -> ClosePeriodReader:
        """The month close's reader of a period's invoices and allocation."""
        return ClosePeriodFigures(self.allocated)

    def credit_ledger(self, uow: SpendUnitOfWork, clock: Clock, actor: Actor) -> CreditLedger:
        """The FinOps credits a close applies, in the close's transaction."""
        return CloseLedger(uow, clock, actor, self.credit_spend(uow))

    @property
    def focus(self) -> FocusExport:
        """The FOCUS 1.2 exporter over the materialized allocations."""
        return FocusExport(self.allocated)

    def lease(self, job: str) -> JobLease:
        """A lease on `job` in the database: one holder at a time across every worker."""
        return JobLease(
            self.sessionmaker, job, ttl=timedelta(seconds=self.settings.job_lease_seconds)
        )

    @property
    def webhooks(self) -> WebhookDeliverer:
        """The outbound webhooks' deliverer (on the current clock, so tests can pin it)."""
        sender = HttpWebhookSender(
            allow_private=self.settings.webhook_allow_private, resolver=self.resolver
        )
        return WebhookDeliverer(self.sessionmaker, self.clock, sender)

    def spawn(self, job: Coroutine[Any, Any, None]) -> None:
        """Run a job in the background, keeping a reference until it ends."""
        task = asyncio.get_running_loop().create_task(job)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def idle(self) -> None:
        """Wait for every background job (tests, shutdown)."""
        while self.background:
            await asyncio.gather(*list(self.background), return_exceptions=True)

    async def close(self) -> None:
        await self.idle()
        await self.engine.dispose()
        self.allocated.close()
        self.cur.close()
        self.account_failures.close()
        self.address_failures.close()
        if self.token_requests is not None:
            self.token_requests.close()


def build_container(settings: Settings, *, jwks_fetcher: JwksFetcher | None = None) -> Container:
    settings.ensure_data_dir()
    duck.configure(duck.DuckDBLimits(settings.duckdb_memory_limit, settings.duckdb_timeout_seconds))
    engine = build_engine(settings.resolved_database_url())
    oidc = None
    if settings.oidc_jwks_url:
        oidc = OidcVerifier(
            jwks_fetcher or http_jwks_fetcher(settings.oidc_jwks_url),
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
            email_claim=settings.oidc_email_claim,
        )
    window = settings.login_window_seconds
    cur = CurStore(
        settings.data_dir / "cur-store",
        engine=build_refresh_engine(settings.spend_engine, spark=settings.spark_config()),
    )
    container = Container(
        settings=settings,
        engine=engine,
        sessionmaker=build_sessionmaker(engine),
        tokens=TokenService(
            settings.resolved_jwt_secret(), settings.token_ttl_minutes * 60, oidc=oidc
        ),
        hasher=Argon2PasswordHasher(),
        account_failures=SharedFailureLimiter(
            settings.data_dir / "login-failures.db",
            Limit(settings.login_failures_per_account, window),
        ),
        address_failures=SharedFailureLimiter(
            settings.data_dir / "login-failures.db",
            Limit(settings.login_failures_per_address, window),
        ),
        token_requests=SharedFailureLimiter(
            settings.data_dir / "token-requests.db", Limit(settings.token_requests_per_minute, 60)
        ),
        objects=object_store_from_url(settings.object_store_url, settings.data_dir),
        cur=cur,
        allocated=AllocatedSpend(
            cur,
            settings.data_dir / "allocations",
            basis=CostBasis(settings.cost_basis),
            engine=build_allocation_engine(
                settings.spend_engine,
                spark=settings.spark_config(),
                temp_dir=settings.data_dir / "allocations" / ".tmp",
            ),
        ),
        organizations=list_organization_accounts if settings.aws_organizations else None,
    )
    from api.jobs import dispatcher  # the jobs take the container: wired once it exists

    container.dispatch = dispatcher(container)
    return container
