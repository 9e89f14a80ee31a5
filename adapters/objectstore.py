"""Object stores for raw uploaded files: a local folder by default, S3 when configured."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from domain.errors import NotFound


def _safe_key(key: str) -> str:
    parts = PurePosixPath(key).parts
    if not parts or any(p in {"..", "/", ""} or p.startswith("/") for p in parts):
        raise ValueError(f"unsafe object key: {key!r}")
    return "/".join(parts)


class LocalObjectStore:
    """Files under a local folder. Disk I/O runs in a worker thread, off the event loop."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def put(self, key: str, data: bytes, content_type: str) -> str:  # noqa: ARG002
        return await asyncio.to_thread(self._put, key, data)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._get, key)

    def _put(self, key: str, data: bytes) -> str:
        target = self.root / _safe_key(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
        return str(target)

    def _get(self, key: str) -> bytes:
        target = self.root / _safe_key(key)
        if not target.is_file():
            raise NotFound(f"no stored object {key}")
        return target.read_bytes()


class S3ObjectStore:
    """Objects in an S3 bucket; boto3 blocks, so each call runs in a worker thread."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def _key(self, key: str) -> str:
        key = _safe_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        return await asyncio.to_thread(self._put, key, data, content_type)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._get, key)

    def _put(self, key: str, data: bytes, content_type: str) -> str:
        full = self._key(key)
        self.client.put_object(
            Bucket=self.bucket,
            Key=full,
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )
        return f"s3://{self.bucket}/{full}"

    def _get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise NotFound(f"no stored object {key}") from exc
        body: bytes = response["Body"].read()
        return body


def object_store_from_url(url: str, data_dir: Path) -> LocalObjectStore | S3ObjectStore:
    """`""` → `<data dir>/objects`; `s3://bucket/prefix` → S3 with the AWS credential chain;
    anything else is a local folder path."""
    if not url:
        return LocalObjectStore(data_dir / "objects")
    if url.startswith("s3://"):
        bucket, _, prefix = url[len("s3://") :].partition("/")
        return S3ObjectStore(bucket, prefix)
    return LocalObjectStore(Path(url))
