"""Fixtures for the allocation engine tests that read the public billing samples."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PUBLIC_DATA = REPO.parent / "shared" / "data" / "public"
WA_LABS = PUBLIC_DATA / "wa-labs-workshop-cur"


@pytest.fixture(scope="module")
def wa_labs_cur() -> Path:
    """The AWS Well-Architected Labs workshop CUR (legacy CUR parquet, two real accounts),
    read in place; skipped where the team's shared data folder is not next to the repository."""
    if not PUBLIC_DATA.is_dir():
        pytest.skip(
            f"{PUBLIC_DATA} is absent: the public billing samples live only on the team's "
            "machines, next to the repository"
        )
    if not any(WA_LABS.glob("*.parquet")):
        pytest.skip(f"{WA_LABS} holds no parquet file")
    return WA_LABS
