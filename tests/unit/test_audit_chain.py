"""`verify_chain` names the first row edited, inserted or removed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from domain.audit import GENESIS_HASH, ChainHead, ChainLink, verify_chain


def _chain(n: int) -> list[ChainLink]:
    links, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        link = ChainLink(
            id=i,
            occurred_at=datetime(2026, 12, 3, 1, 2, 3, i, tzinfo=UTC),
            actor_id=1,
            actor_email="a@corp.example",
            action="user.create",
            entity_type="user",
            entity_id=str(i),
            before=None,
            after={"amount": "12.50", "name": "Zoë"},
            details=None,
            request_id=None,
        )
        digest = link.computed_hash(prev)
        links.append(replace(link, prev_hash=prev, hash=digest))
        prev = digest
    return links


def _verify(links: list[ChainLink], head_of: list[ChainLink]):
    last = head_of[-1] if head_of else None
    head = ChainHead(
        last_id=last.id if last else 0,
        last_hash=last.hash or "" if last else GENESIS_HASH,
        row_count=len(head_of),
    )
    return verify_chain([link.checked() for link in links], head)


class TestVerifyChain:
    def test_intact(self):
        links = _chain(5)
        verdict = _verify(links, links)
        assert verdict.intact
        assert verdict.describe() == "intact (5 rows)"

    def test_empty_log_is_intact(self):
        assert _verify([], []).describe() == "intact (0 rows)"

    def test_edited(self):
        links = _chain(5)
        tampered = [*links[:2], replace(links[2], action="user.delete"), *links[3:]]
        assert _verify(tampered, links).row_id == 3

    def test_removed_in_the_middle(self):
        links = _chain(5)
        verdict = _verify([*links[:2], *links[3:]], links)
        assert "a row was removed after row 2" in (verdict.problem or "")

    def test_removed_first(self):
        links = _chain(3)
        verdict = _verify(links[1:], links)
        assert "a row was removed before row 2" in (verdict.problem or "")

    def test_removed_at_the_end(self):
        links = _chain(5)
        verdict = _verify(links[:3], links)
        assert "rows were removed after row 3" in (verdict.problem or "")

    def test_inserted_in_the_middle_without_chaining(self):
        links = _chain(4)
        alien = replace(links[1], id=25, prev_hash="1" * 64)
        alien = replace(alien, hash=alien.computed_hash("1" * 64))
        verdict = _verify([*links[:2], alien, *links[2:]], links)
        assert verdict.problem == "row 25 was inserted"

    def test_inserted_in_the_middle_chaining_onto_its_predecessor(self):
        links = _chain(4)
        alien = replace(links[1], id=25, entity_id="x", prev_hash=links[1].hash)
        alien = replace(alien, hash=alien.computed_hash(links[1].hash or ""))
        verdict = _verify([*links[:2], alien, *links[2:]], links)
        assert verdict.problem == "row 25 was inserted"

    def test_inserted_at_the_end_chaining_onto_the_last(self):
        links = _chain(3)
        alien = replace(links[2], id=4, entity_id="x", prev_hash=links[2].hash)
        alien = replace(alien, hash=alien.computed_hash(links[2].hash or ""))
        verdict = _verify([*links, alien], links)
        assert (verdict.problem or "").startswith("row 4 was inserted")

    def test_a_row_without_hash_is_inserted(self):
        links = _chain(3)
        alien = replace(links[2], id=4, prev_hash=None, hash=None)
        verdict = _verify([*links, alien], links)
        assert (verdict.problem or "").startswith("row 4 was inserted")
