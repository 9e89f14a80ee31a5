"""Where a refresh's CUR files are: a local file or folder, or copied down from S3.

A refresh first lists the source (`survey`): every data file with its size and version (the
modification time of a local file; the ETag and LastModified of an S3 object), so that a billing
period whose files are all unchanged since the refresh that materialized it is not read (nor
downloaded) again. Only then are the other files fetched (`fetch`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.cur.formats import is_data_file, list_local
from adapters.cur.sql import violation

Progress = Callable[[str, int, int], None]
# (path DuckDB reads, name messages show, path relative to the source)
Located = tuple[Path, str, str]


@dataclass(frozen=True)
class Listed:
    """A data file of the source, before it is read: `where` is a local path or an S3 key."""

    relative: str
    name: str
    size: int
    version: str
    where: str

    @property
    def fingerprint(self) -> tuple[str, int, str]:
        """What the manifest records to tell whether a file changed."""
        return (self.relative, self.size, self.version)


def survey(source: str, client: Any) -> list[Listed]:
    """Every data file of `source` (a local file or folder, or s3://bucket/prefix)."""
    if source.startswith("s3://"):
        return _list_s3(source, client)
    out = []
    for path, name, relative in list_local(Path(source).expanduser()):
        st = path.stat()
        out.append(Listed(relative, name, st.st_size, f"mtime:{st.st_mtime_ns}", str(path)))
    return out


def fetch(
    source: str, listed: Sequence[Listed], download: Path, client: Any, report: Progress
) -> list[Located]:
    """The files DuckDB reads: local ones in place, S3 objects copied to `download` first.

    DuckDB's httpfs extension is not assumed (it is downloaded at run time); without a
    `client`, boto3 uses the service's usual AWS credentials chain.
    """
    if not source.startswith("s3://"):
        return [(Path(f.where), f.name, f.relative) for f in listed]
    bucket = _bucket(source)
    client = _client(client)
    out = []
    for i, f in enumerate(listed, start=1):
        target = download / f.relative
        target.parent.mkdir(parents=True, exist_ok=True)
        client.download_file(bucket, f.where, str(target))
        out.append((target, f.name, f.relative))
        report("download", i, len(listed))
    return out


def locate(source: str, download: Path, s3_client: Any, report: Progress) -> list[Located]:
    """Every data file of `source`, ready to be read."""
    return fetch(source, survey(source, s3_client), download, s3_client, report)


def _bucket(source: str) -> str:
    bucket = source[len("s3://") :].partition("/")[0]
    if not bucket:
        raise violation(source, "an S3 source looks like s3://bucket/prefix")
    return bucket


def _client(client: Any) -> Any:
    if client is None:
        import boto3

        client = boto3.client("s3")
    return client


def _list_s3(source: str, client: Any) -> list[Listed]:
    bucket = _bucket(source)
    prefix = source[len("s3://") :].partition("/")[2]
    client = _client(client)
    out = []
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            relative = key[len(prefix) :].lstrip("/")
            if not is_data_file(relative or key):
                continue
            modified = obj.get("LastModified")
            version = f"etag:{obj.get('ETag', '')}@{modified.isoformat() if modified else ''}"
            out.append(
                Listed(
                    relative or key.rsplit("/", 1)[-1],
                    f"s3://{bucket}/{key}",
                    int(obj.get("Size", 0)),
                    version,
                    key,
                )
            )
    return sorted(out, key=lambda f: f.where)
