"""Rendered JSON answers of heavy reads (the hierarchy, spend, the allocation summary), kept in
this process while the version of what they were computed from holds.

A key is (endpoint, its parameters, the caller's resolved scope, a version read from the shared
database, and the allocation's and the day's where the answer depends on them). Every
committed service write is audited and so moves the audit chain's head (`data_version`); a
split or claim change moves the allocation rules version; a CUR refresh moves its periods'
`refreshed_at`. The version is read before the figures, so an answer may be newer than its
key but never older: nothing stale is served after a write, and two scopes never share an
entry. Each server worker keeps its own; they agree because the version comes from the
shared database and data folder on every request. The same idea as the dashboard's kept
answers (branch `dashperf`); the two are meant to become one.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable

from fastapi import Response

JSON = "application/json"


class ReadCache:
    """A least-recently-used map of keys to rendered bodies, bounded in bytes, with one
    computation per key at a time (concurrent cold reads wait for the first)."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._building: dict[Hashable, asyncio.Future[bytes | None]] = {}
        self.hits = 0
        self.misses = 0

    def _get(self, key: Hashable) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def _put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        previous = self._bodies.pop(key, None)
        self._size += len(body) - (len(previous) if previous is not None else 0)
        self._bodies[key] = body
        while self._size > self.max_bytes:
            _, dropped = self._bodies.popitem(last=False)
            self._size -= len(dropped)

    def clear(self) -> None:
        self._bodies.clear()
        self._size = 0

    async def respond(self, key: Hashable, render: Callable[[], Awaitable[bytes]]) -> Response:
        """The kept body of `key`, else `render()`'s, kept. An error reaches its caller and is
        never kept; a read that was waiting on it renders the answer itself."""
        body = self._get(key)
        if body is None and (building := self._building.get(key)) is not None:
            body = await asyncio.shield(building)
        if body is not None:
            self.hits += 1
            return Response(content=body, media_type=JSON)
        self.misses += 1
        done: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        self._building.setdefault(key, done)
        try:
            body = await render()
            self._put(key, body)
        finally:
            done.set_result(body)
            if self._building.get(key) is done:
                del self._building[key]
        return Response(content=body, media_type=JSON)
