"""Recommendations import: a synthetic Cost Optimization Hub export of N resources through the
real HTTP endpoint on SQLite (no CUR: every resource is "not in the CUR"), then the same
export with rotated ids (every row updated) and one without its first 10% (resolved).

Run: PYTHONPATH=$PWD .venv/bin/python benchmarks/recommendations_import.py [--resources N]
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
from adapters.db.uow import UnitOfWork
from adapters.recommendations.sample import SampleResource, sample_export, write_parquet
from api.app import create_app
from api.container import build_container
from domain.audit import Actor
from domain.identity.users import NewUserRequest, create_user


async def run(count: int) -> dict[str, float | int]:
    resources = [SampleResource(f"{100000000000 + n % 50}", f"i-{n:017x}") for n in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await asyncio.to_thread(upgrade, url)
        settings = Settings(data_dir=Path(tmp), database_url=url, jwt_secret="b" * 40)
        container = build_container(settings)
        async with container.sessionmaker() as session:
            uow = UnitOfWork(session)
            await create_user(
                uow,
                container.hasher,
                Actor.system(),
                NewUserRequest(
                    email="bench@corp.com",
                    name="Bench",
                    role="financial_admin",
                    password="bench-pw-1",
                ),
            )
            await uow.commit()
        app = create_app(container=container)
        timings: dict[str, float] = {}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=900
        ) as client:
            token = (
                await client.post(
                    "/api/v1/auth/token",
                    data={"username": "bench@corp.com", "password": "bench-pw-1"},
                )
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            for label, rows in (
                ("first", sample_export(resources)),
                ("rotated", sample_export(resources, rotation=1)),
                ("dropped", sample_export(resources, rotation=1, drop=count // 10)),
            ):
                data = write_parquet(Path(tmp) / f"{label}.parquet", rows).read_bytes()
                started = time.perf_counter()
                r = await client.post(
                    "/api/v1/recommendations/imports",
                    headers=headers,
                    files={"file": (f"{label}.parquet", data, "application/octet-stream")},
                )
                timings[label] = time.perf_counter() - started
                assert r.status_code == 201, r.text[:500]
                print(f"{label}: {len(rows)} rows in {timings[label]:.2f} s -> {r.json()}")
            started = time.perf_counter()
            r = await client.get("/api/v1/recommendations", headers=headers, params={"limit": 100})
            timings["list"] = time.perf_counter() - started
            assert r.status_code == 200
        await container.close()
    return {
        "resources": count,
        "first_seconds": round(timings["first"], 2),
        "rotated_seconds": round(timings["rotated"], 2),
        "dropped_seconds": round(timings["dropped"], 2),
        "list_ms": round(timings["list"] * 1000),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resources", type=int, default=10_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.resources))))


if __name__ == "__main__":
    main()
