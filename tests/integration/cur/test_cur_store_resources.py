"""The CUR store's resource listing and search."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from adapters.cur.store import CurStore
from domain.errors import RuleViolation


class TestResources:
    @pytest.fixture
    def loaded(self, store: CurStore, generated_cur: Path) -> CurStore:
        store.refresh(str(generated_cur))
        return store

    def all_resources(self, store: CurStore, **filters: str) -> list[tuple[str, str]]:
        page = store.resources(limit=1000, **filters)  # type: ignore[arg-type]
        assert page.next_cursor is None
        return [(r.resource_id, r.account_id) for r in page.items]

    def test_defaults_to_the_latest_period(self, loaded: CurStore) -> None:
        page = loaded.resources(limit=5)

        assert {r.period for r in page.items} == {"2026-03"}

    def test_pages_walk_every_resource_once_in_order(self, loaded: CurStore) -> None:
        expected = self.all_resources(loaded, period="2026-01")
        walked: list[tuple[str, str]] = []
        cursor = None
        while True:
            page = loaded.resources(period="2026-01", limit=37, cursor=cursor)
            walked += [(r.resource_id, r.account_id) for r in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor

        assert walked == expected
        assert walked == sorted(walked)
        assert len(walked) == len(set(walked)) > 100

    def test_cost_is_the_resources_unblended_cost_in_the_period(
        self, loaded: CurStore, generated_cur: Path
    ) -> None:
        expected = dict(
            duckdb.execute(
                f"""
                SELECT line_item_resource_id, sum(line_item_unblended_cost::DECIMAL(20,10))
                FROM read_parquet('{generated_cur}/data/BILLING_PERIOD=2026-02/*.parquet')
                WHERE line_item_resource_id <> ''
                GROUP BY 1
                """
            ).fetchall()
        )

        page = loaded.resources(period="2026-02", limit=1000)

        assert {r.resource_id: r.cost for r in page.items} == expected

    def test_search_matches_resource_ids_and_tag_values(self, loaded: CurStore) -> None:
        page = loaded.resources(period="2026-01", limit=1000)
        named = next(r for r in page.items if "user_name" in r.tags)
        by_id = loaded.resources(period="2026-01", q=named.resource_id[-6:].upper(), limit=1000)
        by_tag = loaded.resources(period="2026-01", q=named.tags["user_name"], limit=1000)

        assert named.resource_id in [r.resource_id for r in by_id.items]
        assert [r.resource_id for r in by_tag.items] == [named.resource_id]

    def test_filters_by_service_account_and_tag(self, loaded: CurStore) -> None:
        everything = loaded.resources(period="2026-01", limit=1000).items
        account = everything[0].account_id

        ec2 = loaded.resources(period="2026-01", service="amazonec2", limit=1000).items
        mine = loaded.resources(period="2026-01", account_id=account, limit=1000).items
        tagged = loaded.resources(period="2026-01", tag="cost_center", limit=1000).items
        cc = everything[[i for i, r in enumerate(everything) if r.tags][0]].tags
        value = cc["user_cost_center"]
        exact = loaded.resources(
            period="2026-01", tag=f"user_cost_center={value}", limit=1000
        ).items

        assert ec2
        assert all(r.service == "AmazonEC2" for r in ec2)
        assert len(ec2) == sum(r.service == "AmazonEC2" for r in everything)
        assert mine
        assert {r.account_id for r in mine} == {account}
        assert 0 < len(tagged) < len(everything)
        assert all("user_cost_center" in r.tags for r in tagged)
        assert exact
        assert all(r.tags["user_cost_center"] == value for r in exact)
        assert len(exact) == sum(r.tags.get("user_cost_center") == value for r in everything)

    def test_account_ids_keep_only_those_accounts(self, loaded: CurStore) -> None:
        everything = self.all_resources(loaded, period="2026-01")
        accounts = sorted({a for _, a in everything})[:2]

        mine = loaded.resources(period="2026-01", account_ids=accounts, limit=1000)
        one = loaded.resources(period="2026-01", account_ids=accounts[0], limit=1000)
        both = loaded.resources(
            period="2026-01", account_ids=set(accounts), account_id=accounts[1], limit=1000
        )

        assert [(r.resource_id, r.account_id) for r in mine.items] == [
            (rid, a) for rid, a in everything if a in accounts
        ]
        assert {r.account_id for r in one.items} == {accounts[0]}
        assert {r.account_id for r in both.items} == {accounts[1]}
        assert loaded.resources(period="2026-01", account_ids=[]).items == ()
        assert loaded.resources(period="2026-01", account_ids=["999999999999"]).items == ()

    def test_only_resource_ids_keeps_those_resources(self, loaded: CurStore) -> None:
        everything = self.all_resources(loaded, period="2026-01")
        chosen = [rid for rid, _ in everything[::9]]
        # a long list, mostly of ids the period does not have
        wanted = chosen + [f"i-{n:017x}" for n in range(20_000)]

        page = loaded.resources(period="2026-01", only_resource_ids=wanted, limit=1000)

        assert [r.resource_id for r in page.items] == chosen
        assert loaded.resources(period="2026-01", only_resource_ids=()).items == ()
        assert loaded.resources(period="2026-01", only_resource_ids=["nope"]).items == ()

    def test_exclude_resource_ids_leaves_those_out(self, loaded: CurStore) -> None:
        everything = self.all_resources(loaded, period="2026-01")
        dropped = {rid for rid, _ in everything[::3]}

        page = loaded.resources(period="2026-01", exclude_resource_ids=dropped, limit=1000)
        nothing_dropped = loaded.resources(period="2026-01", exclude_resource_ids=[], limit=1000)

        assert [(r.resource_id, r.account_id) for r in page.items] == [
            (rid, a) for rid, a in everything if rid not in dropped
        ]
        assert [(r.resource_id, r.account_id) for r in nothing_dropped.items] == everything

    def test_pages_walk_the_filtered_resources_once_in_order(self, loaded: CurStore) -> None:
        everything = self.all_resources(loaded, period="2026-01")
        accounts = sorted({a for _, a in everything})[:4]
        excluded = [rid for rid, _ in everything[::4]]
        only = [rid for rid, _ in everything[::2]]
        filters = {
            "account_ids": accounts,
            "only_resource_ids": only,
            "exclude_resource_ids": excluded,
        }
        expected = [
            (rid, a)
            for rid, a in everything
            if a in accounts and rid in set(only) and rid not in set(excluded)
        ]
        walked: list[tuple[str, str]] = []
        cursor = None
        while True:
            page = loaded.resources(period="2026-01", limit=7, cursor=cursor, **filters)
            walked += [(r.resource_id, r.account_id) for r in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor

        assert len(expected) > 7
        assert walked == expected

    def test_bad_arguments_are_rule_violations(self, loaded: CurStore) -> None:
        with pytest.raises(RuleViolation, match="cursor"):
            loaded.resources(cursor="not-a-cursor!")
        with pytest.raises(RuleViolation, match="limit"):
            loaded.resources(limit=0)
        with pytest.raises(RuleViolation, match="YYYY-MM"):
            loaded.resources(period="January")

    def test_an_empty_store_has_no_resources(self, store: CurStore) -> None:
        assert store.resources() == store.resources(period="2026-01")
        assert store.resources().items == ()
