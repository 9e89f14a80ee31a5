"""Chart-of-accounts load: a 20,000-product file through the real HTTP endpoint on SQLite.

Run: .venv/bin/python benchmarks/budgets_import.py [--rows N]
The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
from pathlib import Path

import httpx

from adapters.config import Settings
from adapters.db.migrate import upgrade
from api.app import create_app
from api.container import build_container
from domain.audit import Actor
from domain.identity.users import NewUserRequest, create_user


def chart(rows: int, amount: int = 1000) -> bytes:
    lines = ["Business Unit,Department,Portfolio,Product,Annual Budget,Cost Centre"]
    for i in range(rows):
        lines.append(
            f"BU {i % 10},Dept {i % 100},Portfolio {i % 1000},Product {i},"
            f"{amount + i % 997}.{i % 100:02d},CC-{i:05d}"
        )
    return ("\n".join(lines) + "\n").encode()


async def run(rows: int) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await asyncio.to_thread(upgrade, url)
        settings = Settings(data_dir=Path(tmp), database_url=url, jwt_secret="b" * 40)
        container = build_container(settings)
        async with container.sessionmaker() as session:
            from adapters.db.uow import UnitOfWork

            uow = UnitOfWork(session)
            await create_user(
                uow,
                container.hasher,
                Actor.system(),
                NewUserRequest(
                    email="bench@corp.com",
                    name="Bench",
                    role="financial_admin",
                    password="bench-password",
                ),
            )
            await uow.commit()
        app = create_app(container=container)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://b", timeout=600
        ) as client:
            token = (
                await client.post(
                    "/api/v1/auth/token",
                    data={"username": "bench@corp.com", "password": "bench-password"},
                )
            ).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            timings = {}
            for label, data, name in (
                ("new_year", chart(rows), "Bench_2025_true_2025-01-01_false_Budget_v1.csv"),
                (
                    "july_update",
                    chart(rows, 2000),
                    "Bench_2025_false_2025-07-01_false_Budget_v2.csv",
                ),
            ):
                started = time.perf_counter()
                response = await client.post(
                    "/api/v1/budget-imports",
                    headers=headers,
                    files={"file": (name, data, "text/csv")},
                )
                timings[label] = time.perf_counter() - started
                assert response.status_code == 201, response.text[:500]
                print(f"{label}: {rows} rows in {timings[label]:.2f} s -> {response.json()}")
        await container.close()
    return {
        "rows": rows,
        "new_year_seconds": round(timings["new_year"], 3),
        "update_seconds": round(timings["july_update"], 3),
        "rows_per_second": round(rows / timings["new_year"]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.rows))))


if __name__ == "__main__":
    main()
