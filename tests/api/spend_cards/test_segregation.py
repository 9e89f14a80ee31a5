"""Segregation of duties on spend cards: nobody decides a card they answered, and a card no
Portfolio Owner but its responder may decide goes up to the Financial Admins — in their tasks,
their notifications and the card's `pending_with`."""

from __future__ import annotations

from tests.api.spend_cards.test_spend_cards import act, open_card  # noqa: F401 (fixture)
from tests.factories import token_for


async def me(client, headers) -> int:
    r = await client.get("/api/v1/me", headers=headers)
    assert r.status_code == 200, r.text
    return int(r.json()["id"])


async def patch_user(client, org, user_id, **body):
    r = await client.patch(f"/api/v1/users/{user_id}", headers=org["admin"], json=body)
    assert r.status_code == 200, r.text


async def card_tasks(client, headers, card_id):
    tasks = (await client.get("/api/v1/tasks", headers=headers)).json()
    return [t["actions"] for t in tasks if t.get("card_id") == card_id]


async def read(client, headers, card_id):
    r = await client.get(f"/api/v1/spend-cards/{card_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


class TestNoPortfolioOwnerLeft:
    async def test_the_financial_admins_inherit_the_decision(
        self,
        client,
        org,
        open_card,  # noqa: F811
    ):
        fin_id = await me(client, org["fin"])
        # the only Portfolio Owner above Checkout leaves
        await patch_user(client, org, org["pf_user"].id, is_active=False)
        # until then nothing waits on finance
        assert await card_tasks(client, org["fin"], open_card["id"]) == []
        r = await act(client, org["fin"], open_card, "approve")
        assert r.status_code == 409, r.text  # open: nobody decides yet, whoever they are
        card = (await act(client, org["po"], open_card, "accept")).json()
        assert card["status"] == "accepted"
        assert fin_id in {p["id"] for p in card["pending_with"]}
        notes = (await client.get("/api/v1/notifications", headers=org["fin"])).json()
        assert [n["kind"] for n in notes if n["link"] == f"/spend-cards/{card['id']}"] == [
            "spend_card.accept"
        ]
        assert await card_tasks(client, org["fin"], card["id"]) == [["approve", "reject"]]
        assert (await read(client, org["fin"], card["id"]))["actions"] == ["approve", "reject"]
        # the Admin is the level after the Financial Admins: not theirs while one is active
        assert (await act(client, org["admin"], card, "approve")).status_code == 403
        r = await act(client, org["fin"], card, "approve")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved"
        po_notes = (await client.get("/api/v1/notifications", headers=org["po"])).json()
        assert any(n["kind"] == "spend_card.approve" for n in po_notes)

    async def test_with_a_portfolio_owner_finance_may_not_decide(
        self,
        client,
        org,
        open_card,  # noqa: F811
    ):
        card = (await act(client, org["po"], open_card, "accept")).json()
        assert [p["id"] for p in card["pending_with"]] == [org["pf_user"].id]
        assert await card_tasks(client, org["fin"], card["id"]) == []
        assert (await act(client, org["fin"], card, "approve")).status_code == 403
        notes = (await client.get("/api/v1/notifications", headers=org["fin"])).json()
        assert [n for n in notes if n["link"] == f"/spend-cards/{card['id']}"] == []


class TestTheResponderIsTheOnlyDecider:
    async def test_it_goes_up_and_the_responder_is_refused(
        self,
        client,
        org,
        open_card,  # noqa: F811
    ):
        card = (await act(client, org["po"], open_card, "dispute", "not ours")).json()
        # the Product Owner who disputed becomes the only Portfolio Owner above the product
        await patch_user(client, org, org["pf_user"].id, is_active=False)
        web = await client.get(f"/api/v1/users/{org['pf_user'].id}/scope", headers=org["admin"])
        assert web.status_code == 200, web.text
        await patch_user(
            client,
            org,
            org["po_user"].id,
            role="portfolio_owner",
            node_ids=web.json()["node_ids"],
        )
        former_po = {"Authorization": f"Bearer {await token_for(client, org['po_user'].email)}"}
        card = await read(client, former_po, card["id"])
        assert org["po_user"].id not in {p["id"] for p in card["pending_with"]}
        assert card["actions"] == []
        assert await card_tasks(client, former_po, card["id"]) == []
        r = await act(client, former_po, card, "resolve", "I resolve my own dispute")
        assert r.status_code == 403, r.text
        assert await card_tasks(client, org["fin"], card["id"]) == [["resolve"]]
        r = await act(client, org["fin"], card, "resolve", "reallocated")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "resolved"
