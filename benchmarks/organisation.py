"""The load benchmarks' scaled organisation, seeded into a fresh database: 2,000 product
budgets (4 business units x 5 departments x 10 portfolios x 10 products), 300 accounts each
split onto one or two budgets, 1,000 workloads holding 50,000 claimed resources, a year of
generated CUR and the three users the benchmarks log in as. Used by `load.py` and
`spend_read.py`; the PostgreSQL helpers create and drop their databases."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import duckdb
from sqlalchemy import insert, select, update

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.config import Settings  # noqa: E402
from adapters.cur.generator import generate_cur  # noqa: E402
from adapters.db.models import (  # noqa: E402
    ClaimRow,
    RulesVersionRow,
    SplitLineRow,
    SplitVersionRow,
    WorkloadRow,
)
from adapters.db.scope import ResolvedScope  # noqa: E402
from adapters.db.uow import UnitOfWork  # noqa: E402
from api.container import build_container  # noqa: E402
from domain.accounts import service as accounts_service  # noqa: E402
from domain.accounts.model import AccountSource, DiscoveredAccount  # noqa: E402
from domain.audit import Actor  # noqa: E402
from domain.budgets import scope_service  # noqa: E402
from domain.budgets import service as budgets_service  # noqa: E402
from domain.budgets.filename import LoadOptionOverrides  # noqa: E402
from domain.identity.roles import Role  # noqa: E402
from domain.identity.users import NewUserRequest, create_user  # noqa: E402

PG_ADMIN = os.environ.get("FINOPS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
YEAR = 2026
PASSWORD = "load-bench-2026"
USERS = (
    (Role.ADMIN, "admin@load.bench"),
    (Role.FINANCIAL_ADMIN, "fin@load.bench"),
    (Role.PORTFOLIO_OWNER, "portfolio@load.bench"),
)
SHAPE = (4, 5, 10, 10)  # business units, departments per unit, portfolios, products: 2,000
ACCOUNTS = 300
WORKLOADS = 1_000
CLAIMS = 50_000


# ---------------------------------------------------------------------------- the database


async def pg_execute(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def pg_url(database: str) -> str:
    base = PG_ADMIN.split("://", 1)[1].rsplit("/", 1)[0]
    return f"postgresql+asyncpg://{base}/{database}"


# ---------------------------------------------------------------------------- the organisation


def chart_csv() -> bytes:
    units, departments, portfolios, products = SHAPE
    lines = ["Business Unit,Department,Portfolio,Product,Annual Budget,Cost Centre"]
    n = 0
    for u in range(units):
        for d in range(departments):
            for p in range(portfolios):
                for _ in range(products):
                    n += 1
                    amount = 10_000 + (n * 7919) % 990_000
                    lines.append(
                        f"Unit {u:02d},Dept {u:02d}-{d:02d},Portfolio {u:02d}-{d:02d}-{p:02d},"
                        f"Product {n:04d},{amount}.00,CC-{n:04d}"
                    )
    return ("\n".join(lines) + "\n").encode()


async def seed(settings: Settings, cur_rows: int, say: Any) -> int:
    """Load the organisation; return the Portfolio Owner's portfolio node id."""
    container = build_container(settings)
    actor = Actor.system("load-benchmark")

    try:
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            for role, email in USERS:
                await create_user(
                    uow,
                    container.hasher,
                    actor,
                    NewUserRequest(
                        email=email,
                        name=email.split("@")[0].title(),
                        role=role.value,
                        password=PASSWORD,
                    ),
                )
            await budgets_service.import_chart(
                uow,
                container.clock,
                container.objects,
                actor,
                budgets_service.ChartUpload(
                    f"Load_{YEAR}_true_{YEAR}-01-01_false_Budget_v1.csv",
                    chart_csv(),
                    LoadOptionOverrides(),
                ),
            )
            nodes = await uow.budgets.nodes(YEAR)
            portfolio = next(n for n in nodes if n.level == 3)
            owner = await uow.users.get_by_email("portfolio@load.bench")
            assert owner is not None
            await scope_service.set_user_scope(
                uow, actor, user_id=owner.id, node_ids=[portfolio.id]
            )
            await uow.commit()
        say(f"chart: {len(nodes)} nodes; generating {cur_rows:,} CUR rows")

        cur_dir = Path(settings.resolved_cur_path())
        started = time.perf_counter()
        await asyncio.to_thread(
            generate_cur,
            cur_dir,
            rows=cur_rows,
            accounts=ACCOUNTS,
            resources=CLAIMS * 2,
            months=12,
            start=f"{YEAR}-01",
        )
        await asyncio.to_thread(container.cur.refresh, str(cur_dir))
        say(f"CUR generated and refreshed in {time.perf_counter() - started:.0f} s")
        seen = await asyncio.to_thread(container.cur.accounts_seen)
        resources = await asyncio.to_thread(resources_of, cur_dir)

        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            await accounts_service.discover(
                uow,
                actor,
                found=[
                    DiscoveredAccount(
                        a.account_id, a.name, None, None, a.first_seen, AccountSource.CUR
                    )
                    for a in seen
                ],
            )
            budgets = await uow.budgets.list_budgets(ResolvedScope(prefixes=None), year=YEAR)
            budget_ids = [b.id for b in budgets]
            account_ids = sorted(a.account_id for a in seen)[:ACCOUNTS]
            # set-based inserts: the services would audit 50,000 claims one by one
            await session.execute(
                insert(SplitVersionRow),
                [
                    {
                        "account_id": a,
                        "effective_from": date(YEAR, 1, 1),
                        "effective_to": None,
                        "created_by": "load-benchmark",
                    }
                    for a in account_ids
                ],
            )
            versions = dict(
                (
                    await session.execute(select(SplitVersionRow.account_id, SplitVersionRow.id))
                ).all()
            )
            lines = []
            for i, a in enumerate(account_ids):
                first, second = (
                    budget_ids[(i * 7) % len(budget_ids)],
                    budget_ids[(i * 13 + 1) % len(budget_ids)],
                )
                if i % 2 or first == second:
                    lines.append({"version_id": versions[a], "budget_id": first, "percent": 100})
                else:
                    lines += [
                        {"version_id": versions[a], "budget_id": first, "percent": 60},
                        {"version_id": versions[a], "budget_id": second, "percent": 40},
                    ]
            await session.execute(insert(SplitLineRow), lines)
            known = set(account_ids)
            claimable = [r for r in resources if r[0] in known][:CLAIMS]
            by_account: dict[str, list[str]] = {}
            for account, resource in claimable:
                by_account.setdefault(account, []).append(resource)
            workload_rows = []
            for i in range(WORKLOADS):
                account = account_ids[i % len(account_ids)]
                workload_rows.append(
                    {
                        "budget_id": budget_ids[(i * 3) % len(budget_ids)],
                        "account_id": account,
                        "name": f"Workload {i:04d}",
                        "calculator_url": f"https://calculator.aws/#/estimate?id=load-{i}",
                        "monthly_estimate": Decimal("1000.00"),
                        "launch_month": date(YEAR, 1, 1),
                        "end_month": date(YEAR, 12, 1),
                        "created_by": "load-benchmark",
                    }
                )
            await session.execute(insert(WorkloadRow), workload_rows)
            workloads = (
                await session.execute(
                    select(WorkloadRow.id, WorkloadRow.account_id, WorkloadRow.budget_id)
                )
            ).all()
            per_account: dict[str, list[tuple[int, int]]] = {}
            for w_id, account, budget_id in workloads:
                per_account.setdefault(account, []).append((w_id, budget_id))
            claim_rows = []
            for account, ids in by_account.items():
                owners = per_account.get(account)
                if not owners:
                    continue
                for j, resource in enumerate(ids):
                    w_id, budget_id = owners[j % len(owners)]
                    claim_rows.append(
                        {
                            "account_id": account,
                            "resource_id": resource,
                            "workload_id": w_id,
                            "budget_id": budget_id,
                            "claimed_by": "load-benchmark",
                            "effective_from": date(YEAR, 2, 1),
                            "effective_to": None,
                        }
                    )
            for start in range(0, len(claim_rows), 5_000):
                await session.execute(insert(ClaimRow), claim_rows[start : start + 5_000])
            await session.execute(
                update(RulesVersionRow).values(version=RulesVersionRow.version + 1)
            )
            await session.commit()
        say(
            f"{len(account_ids)} accounts with splits, {WORKLOADS} workloads, "
            f"{len(claim_rows):,} claims"
        )
        return portfolio.id
    finally:
        await container.close()


def resources_of(cur_dir: Path) -> list[tuple[str, str]]:
    """(account, resource) pairs to claim: the CUR's own resources, then made-up ones of the
    same accounts (claimed but idle this year) until there are enough."""
    found = duckdb.sql(
        "SELECT DISTINCT line_item_usage_account_id, line_item_resource_id "
        f"FROM read_parquet('{cur_dir}/data/*/*.parquet') "
        "WHERE line_item_resource_id <> '' ORDER BY ALL"
    ).fetchall()
    pairs = [(str(a), str(r)) for a, r in found]
    accounts = sorted({a for a, _ in pairs})
    for n in range(max(0, CLAIMS - len(pairs))):
        account = accounts[n % len(accounts)]
        pairs.append((account, f"arn:aws:ec2:us-east-1:{account}:instance/i-idle{n:08d}"))
    return pairs
