"""From a recommendation's resource ARN to the resource id the CUR shows.

Cost Optimization Hub names resources by ARN; CUR 2.0's `line_item_resource_id` names some of
them by ARN too and others by a bare id. The table below says which, per service and resource
type (checked against the public CUR samples in `/work/shared/data`: EC2 instances and EBS
volumes as `i-…` / `vol-…`, RDS, KMS and Lambda as their full ARN, S3 buckets by name):

| ARN                                                    | CUR resource id              |
|--------------------------------------------------------|------------------------------|
| `arn:aws:ec2:<r>:<acct>:instance/i-123`                | `i-123`                      |
| `arn:aws:ec2:<r>:<acct>:volume/vol-123`                | `vol-123`                    |
| `arn:aws:ec2:<r>:<acct>:<type>/<id>` (snapshot, nat…)  | `<id>`                       |
| `arn:aws:s3:::<bucket>`                                | `<bucket>`                   |
| `arn:aws:lambda:<r>:<acct>:function:<name>[:<qual>]`   | the ARN without a qualifier  |
| `arn:aws:rds:…`, `arn:aws:dynamodb:…`, anything else   | the ARN itself               |

A bare id (`i-123`) is kept as it is. Purchase recommendations (Savings Plans, Reserved
Instances) carry no resource the CUR knows; they map through their account only.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ParsedArn", "cur_resource_id", "parse_arn"]


@dataclass(frozen=True)
class ParsedArn:
    partition: str
    service: str
    region: str
    account_id: str
    resource: str


def parse_arn(value: str) -> ParsedArn | None:
    """The parts of an ARN (`arn:partition:service:region:account:resource`), None when
    `value` is not one. The resource part may itself contain colons."""
    parts = value.strip().split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[2]:
        return None
    return ParsedArn(parts[1], parts[2], parts[3], parts[4], parts[5])


def cur_resource_id(resource_arn: str) -> str:
    """The id under which the CUR shows the resource named by `resource_arn` (the table in
    the module docstring)."""
    value = resource_arn.strip()
    arn = parse_arn(value)
    if arn is None:
        return value
    if arn.service == "ec2" and "/" in arn.resource:
        return arn.resource.rsplit("/", 1)[1]
    if arn.service == "s3" and not arn.account_id:
        return arn.resource.split("/", 1)[0]
    if arn.service == "lambda" and arn.resource.startswith("function:"):
        name = arn.resource.split(":")[1]
        return f"arn:{arn.partition}:lambda:{arn.region}:{arn.account_id}:function:{name}"
    return value
