from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field
from sqlalchemy import text

from api.deps import AppContainer, CurrentUser
from api.schemas.common import PROBLEM_RESPONSES, Schema

router = APIRouter(prefix="/api/v1", tags=["health"])


class HealthRead(Schema):
    status: str
    database: str
    allocation: str = Field(
        default="ok",
        description="`degraded` while the allocation rules are inconsistent and spend is "
        "served from the last consistent allocation (details on the billing periods)",
    )
    allocation_engine: str = Field(
        default="duckdb",
        description="the engine that allocates spend (`FINOPS_SPEND_ENGINE`: duckdb or spark)",
    )
    refresh_engine: str = Field(
        default="duckdb",
        description="the engine that refreshes the CUR into the spend store (each billing "
        "period names the engine that materialized it)",
    )


@router.get("/health", response_model=HealthRead)
async def health(container: AppContainer) -> HealthRead:
    """Liveness and readiness: answers 200 when the database answers."""
    # Outside any transaction: a long write (a large import) must not hold the probe up.
    async with container.engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("SELECT 1"))
    allocation = "ok" if container.allocated.problem is None else "degraded"
    return HealthRead(
        status="ok",
        database="ok",
        allocation=allocation,
        allocation_engine=container.allocated.engine.name,
        refresh_engine=container.cur.engine_name,
    )


class ConfigRead(Schema):
    currency: str
    cost_basis: str


@router.get("/config", response_model=ConfigRead, responses=PROBLEM_RESPONSES)
async def read_config(_user: CurrentUser, container: AppContainer) -> ConfigRead:
    """What the dashboard needs to know of the configuration: the currency of every amount
    and the cost basis of budget spend."""
    return ConfigRead(
        currency=container.settings.currency, cost_basis=container.settings.cost_basis
    )
