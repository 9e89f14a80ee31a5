"""One endpoint profiled in process (pyinstrument) against a database `load.py --keep` left:

    python benchmarks/profile_endpoint.py DATABASE DATA_DIR EMAIL PATH [--requests 200]

e.g. `... finops_load_0123456789 /tmp/finops-load-xyz/data portfolio@load.bench /api/v1/tasks`.
The app is built as `finops serve` builds it and called over ASGI (no server, no wrk): a few
warming requests, then `--requests` sequential ones under the profiler. Prints this process's
CPU per request and the profile (wall time: where a request waits as well as computes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from organisation import PASSWORD, pg_url  # noqa: E402


async def profile(path: str, email: str, requests: int) -> None:
    from pyinstrument import Profiler

    from adapters.config import Settings
    from api.app import create_app
    from api.container import build_container

    container = build_container(Settings())
    app = create_app(container=container)
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://bench") as http,
            app.router.lifespan_context(app),
        ):
            r = await http.post(
                "/api/v1/auth/token", data={"username": email, "password": PASSWORD}
            )
            r.raise_for_status()
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            for _ in range(5):
                (await http.get(path, headers=headers)).raise_for_status()
            profiler = Profiler(interval=0.0005, async_mode="enabled")
            cpu = time.process_time()
            profiler.start()
            for _ in range(requests):
                (await http.get(path, headers=headers)).raise_for_status()
            profiler.stop()
            used = (time.process_time() - cpu) * 1000 / requests
            print(f"CPU per request (client and profiler included): {used:.1f} ms")
            print(profiler.output_text(unicode=False, color=False))
    finally:
        await container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database")
    parser.add_argument("data_dir")
    parser.add_argument("email")
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    os.environ.update(
        FINOPS_DATA_DIR=args.data_dir,
        FINOPS_DATABASE_URL=pg_url(args.database),
        FINOPS_JWT_SECRET="load-bench-" + "j" * 40,  # as load.py's server
        FINOPS_TOKEN_TTL_MINUTES="240",
    )
    asyncio.run(profile(args.path, args.email, args.requests))


if __name__ == "__main__":
    main()
