"""Where a refresh's CUR files are: a local file or folder, or copied down from S3."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from adapters.cur.formats import is_data_file, list_local
from adapters.cur.sql import violation

Progress = Callable[[str, int, int], None]
# (path DuckDB reads, name messages show, path relative to the source)
Located = tuple[Path, str, str]


def locate(source: str, download: Path, s3_client: Any, report: Progress) -> list[Located]:
    """Every data file of `source` (a local file or folder, or s3://bucket/prefix)."""
    if source.startswith("s3://"):
        return download_s3(source, download, s3_client, report)
    return list_local(Path(source).expanduser())


def download_s3(source: str, download: Path, client: Any, report: Progress) -> list[Located]:
    """Copy the data objects under an s3:// prefix to `download`, to be read locally.

    DuckDB's httpfs extension is not assumed (it is downloaded at run time); without a
    `client`, boto3 uses the service's usual AWS credentials chain.
    """
    bucket, _, prefix = source[len("s3://") :].partition("/")
    if not bucket:
        raise violation(source, "an S3 source looks like s3://bucket/prefix")
    if client is None:
        import boto3

        client = boto3.client("s3")
    keys: list[str] = []
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            relative = obj["Key"][len(prefix) :].lstrip("/")
            if is_data_file(relative or obj["Key"]):
                keys.append(obj["Key"])
    out = []
    for i, key in enumerate(sorted(keys), start=1):
        relative = key[len(prefix) :].lstrip("/") or key.rsplit("/", 1)[-1]
        target = download / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        client.download_file(bucket, key, str(target))
        out.append((target, f"s3://{bucket}/{key}", relative))
        report("download", i, len(keys))
    return out
