from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from adapters.objectstore import LocalObjectStore, S3ObjectStore, object_store_from_url
from domain.errors import NotFound


class TestLocalObjectStore:
    async def test_round_trip_and_missing(self, tmp_path):
        store = LocalObjectStore(tmp_path)
        location = await store.put("budget-imports/2025/a.csv", b"x,y\n", "text/csv")
        assert location.endswith("budget-imports/2025/a.csv")
        assert await store.get("budget-imports/2025/a.csv") == b"x,y\n"
        with pytest.raises(NotFound):
            await store.get("budget-imports/2025/b.csv")

    @pytest.mark.parametrize("key", ["../escape.csv", "/etc/passwd", "a/../../b"])
    async def test_keys_cannot_leave_the_folder(self, tmp_path, key):
        with pytest.raises(ValueError, match="unsafe"):
            await LocalObjectStore(tmp_path / "root").put(key, b"x", "text/csv")


class TestS3ObjectStore:
    async def test_round_trip_under_a_prefix(self):
        with mock_aws():
            client = boto3.client("s3", region_name="us-east-1")
            client.create_bucket(Bucket="finops-raw")
            store = S3ObjectStore("finops-raw", "uploads/", client=client)
            assert await store.put("budget-imports/a.csv", b"data", "text/csv") == (
                "s3://finops-raw/uploads/budget-imports/a.csv"
            )
            assert await store.get("budget-imports/a.csv") == b"data"
            head = client.head_object(Bucket="finops-raw", Key="uploads/budget-imports/a.csv")
            assert head["ServerSideEncryption"] == "AES256"
            with pytest.raises(NotFound):
                await store.get("budget-imports/missing.csv")

    def test_urls_choose_the_store(self, tmp_path):
        assert isinstance(object_store_from_url("", tmp_path), LocalObjectStore)
        assert isinstance(object_store_from_url(str(tmp_path / "x"), tmp_path), LocalObjectStore)
        with mock_aws():
            store = object_store_from_url("s3://bucket/pre/fix", tmp_path)
            assert isinstance(store, S3ObjectStore)
            assert (store.bucket, store.prefix) == ("bucket", "pre/fix")
