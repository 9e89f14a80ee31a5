from __future__ import annotations

from fastapi import UploadFile

from domain.errors import ErrorDetail, PayloadTooLarge

_CHUNK = 1024 * 1024


async def read_upload(file: UploadFile, limit_mb: int) -> bytes:
    """Read an uploaded file, stopping as soon as it passes the limit (413)."""
    limit = limit_mb * 1024 * 1024
    if file.size is not None and file.size > limit:
        raise _too_large(limit_mb)
    parts: list[bytes] = []
    total = 0
    while chunk := await file.read(_CHUNK):
        total += len(chunk)
        if total > limit:
            raise _too_large(limit_mb)
        parts.append(chunk)
    return b"".join(parts)


def _too_large(limit_mb: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the file is larger than the {limit_mb} MB limit",
        [ErrorDetail(message=f"at most {limit_mb} MB", field="file")],
    )
