from __future__ import annotations

import pytest

from adapters.recommendations.sample import SampleResource, arn_of
from domain.recommendations.arns import cur_resource_id, parse_arn

# (ARN in the export, resource id in CUR 2.0 line_item_resource_id) — see docs/recommendations.md
TABLE = [
    ("arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123", "i-0abc123"),
    ("arn:aws:ec2:eu-west-1:123456789012:volume/vol-0def456", "vol-0def456"),
    ("arn:aws:ec2:eu-west-1:123456789012:natgateway/nat-0aa", "nat-0aa"),
    ("arn:aws:ec2:eu-west-1:123456789012:snapshot/snap-01", "snap-01"),
    ("arn:aws:s3:::my-bucket", "my-bucket"),
    (
        "arn:aws:lambda:us-east-1:123456789012:function:fn-1:$LATEST",
        "arn:aws:lambda:us-east-1:123456789012:function:fn-1",
    ),
    (
        "arn:aws:lambda:us-east-1:123456789012:function:fn-1",
        "arn:aws:lambda:us-east-1:123456789012:function:fn-1",
    ),
    ("arn:aws:rds:us-east-1:123456789012:db:db-1", "arn:aws:rds:us-east-1:123456789012:db:db-1"),
    (
        "arn:aws:dynamodb:us-east-1:123456789012:table/t",
        "arn:aws:dynamodb:us-east-1:123456789012:table/t",
    ),
    (
        "arn:aws:ecs:us-east-1:123456789012:service/cluster/svc",
        "arn:aws:ecs:us-east-1:123456789012:service/cluster/svc",
    ),
    ("arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-9", "i-9"),
    ("  arn:aws:ec2:us-east-1:123456789012:instance/i-1  ", "i-1"),
    ("i-0abc123", "i-0abc123"),
    ("not an arn", "not an arn"),
]


@pytest.mark.parametrize(("arn", "resource_id"), TABLE)
def test_the_mapping_table(arn, resource_id):
    assert cur_resource_id(arn) == resource_id


def test_parse_keeps_colons_of_the_resource_part():
    parsed = parse_arn("arn:aws:rds:us-east-1:123456789012:db:db-1")
    assert parsed is not None
    assert (parsed.service, parsed.account_id, parsed.resource) == (
        "rds",
        "123456789012",
        "db:db-1",
    )
    assert parse_arn("arn:aws") is None


@pytest.mark.parametrize(
    "resource_id",
    [
        "i-0abc",
        "vol-01",
        "my-bucket",
        "arn:aws:rds:us-east-1:123456789012:db:db-1",
        "arn:aws:lambda:us-east-1:123456789012:function:fn-1",
    ],
)
def test_the_synthetic_arns_come_back_to_the_cur_ids(resource_id):
    assert cur_resource_id(arn_of(SampleResource("123456789012", resource_id))) == resource_id
