from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.recommendations.sample import SampleResource, sample_export
from domain.errors import RuleViolation
from domain.recommendations.importing import (
    EXPORT_COLUMNS,
    REQUIRED_COLUMNS,
    parse_export,
    plan_import,
)
from domain.recommendations.machine import Status
from domain.recommendations.model import Recommendation

RESOURCES = [
    SampleResource("111122223333", "i-0aa"),
    SampleResource("111122223333", "vol-0bb"),
    SampleResource("444455556666", "arn:aws:rds:us-east-1:444455556666:db:db-1"),
    SampleResource("444455556666", "arn:aws:lambda:us-east-1:444455556666:function:fn"),
    SampleResource("444455556666", "bucket-1"),
    SampleResource("444455556666", "i-0cc"),
]
AT = datetime(2026, 11, 15, tzinfo=UTC)


def stored(rows, *, status=Status.NEW, resolved=False):
    return [
        Recommendation(
            id=n,
            key=r.key,
            row=r,
            status=status,
            version=1,
            resource_id="x",
            in_cur=True,
            resolved_at=AT if resolved else None,
            first_seen_at=AT,
            last_seen_at=AT,
        )
        for n, r in enumerate(rows, start=1)
    ]


class TestColumns:
    @pytest.mark.parametrize("missing", REQUIRED_COLUMNS)
    def test_a_missing_required_column_is_named(self, missing):
        columns = [c for c in EXPORT_COLUMNS if c != missing]
        with pytest.raises(RuleViolation) as e:
            parse_export(columns, [])
        assert [d.column for d in e.value.errors] == [missing]

    def test_optional_columns_may_be_missing_and_extra_ones_are_ignored(self):
        rows = [
            {c: r[c] for c in REQUIRED_COLUMNS} | {"extra": "x"} for r in sample_export(RESOURCES)
        ]
        parsed = parse_export([*REQUIRED_COLUMNS, "extra"], rows)
        assert parsed.rows
        assert all(r.region is None for r in parsed.rows)


class TestRows:
    def test_nulls_unknown_types_and_duplicates(self):
        raw = sample_export(RESOURCES)
        parsed = parse_export(EXPORT_COLUMNS, raw)
        assert parsed.read == len(raw)
        assert parsed.duplicates == 2
        assert len(parsed.rows) == len(raw) - 2
        assert any(r.monthly_savings is None for r in parsed.rows)
        assert parsed.unknown_action_types == ("ModernizeToServerless",)
        # the earlier-refreshed duplicate lost, whatever its savings
        assert all(r.monthly_savings != Decimal("999999.99") for r in parsed.rows)

    def test_bad_values_are_all_listed(self):
        raw = sample_export(RESOURCES)
        raw[1]["account_id"] = "12ab"
        raw[2]["estimated_monthly_cost_before_discount"] = "1,000"
        raw[3]["restart_needed"] = "maybe"
        raw[4]["resource_arn"] = None
        with pytest.raises(RuleViolation) as e:
            parse_export(EXPORT_COLUMNS, raw)
        assert sorted((d.row, d.column) for d in e.value.errors) == [
            (2, "account_id"),
            (3, "estimated_monthly_cost_before_discount"),
            (4, "restart_needed"),
            (5, "resource_arn"),
        ]

    def test_account_ids_read_as_numbers_get_their_zeros_back(self):
        raw = sample_export([SampleResource("012345678901", "i-1")])
        raw[1]["account_id"] = "12345678901"
        parsed = parse_export(EXPORT_COLUMNS, raw)
        assert {r.account_id for r in parsed.rows} == {"012345678901"}

    @given(st.randoms(use_true_random=False))
    def test_the_kept_row_does_not_depend_on_file_order(self, rnd: random.Random):
        raw = sample_export(RESOURCES)
        shuffled = list(raw)
        rnd.shuffle(shuffled)
        assert parse_export(EXPORT_COLUMNS, shuffled).rows == parse_export(EXPORT_COLUMNS, raw).rows


class TestPlan:
    def test_rotation_updates_nothing_but_the_id(self):
        first = parse_export(EXPORT_COLUMNS, sample_export(RESOURCES)).rows
        rotated = parse_export(EXPORT_COLUMNS, sample_export(RESOURCES, rotation=2)).rows
        plan = plan_import(stored(first, status=Status.APPROVED), rotated)
        assert plan.create == ()
        assert plan.resolve == ()
        assert len(plan.update) == len(first)
        assert {u.row.recommendation_id for u in plan.update}.isdisjoint(
            r.recommendation_id for r in first
        )

    def test_same_export_changes_nothing(self):
        rows = parse_export(EXPORT_COLUMNS, sample_export(RESOURCES)).rows
        plan = plan_import(stored(rows), rows)
        assert (plan.create, plan.update, plan.resolve) == ((), (), ())
        assert len(plan.unchanged) == len(rows)

    def test_gone_ones_resolve_and_come_back(self):
        rows = parse_export(EXPORT_COLUMNS, sample_export(RESOURCES)).rows
        existing = stored(rows)
        plan = plan_import(existing, rows[1:])
        assert [r.id for r in plan.resolve] == [existing[0].id]
        existing[0] = replace(existing[0], resolved_at=AT)
        back = plan_import(existing, rows)
        assert [(u.id, u.reappears) for u in back.update] == [(existing[0].id, True)]
        assert back.reappeared == 1
        # already resolved and still gone: not resolved again
        assert plan_import(existing, rows[1:]).resolve == ()

    def test_a_new_target_is_a_new_recommendation(self):
        rows = parse_export(EXPORT_COLUMNS, sample_export(RESOURCES)).rows
        changed = replace(rows[0], recommended_resource_summary="t4g.nano")
        plan = plan_import(stored(rows), [changed, *rows[1:]])
        assert plan.create == (changed,)
        assert [r.key for r in plan.resolve] == [rows[0].key]
