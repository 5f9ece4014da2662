"""Orders are not kept in maitred yet: a customer asking after one is told so plainly, in their
language, with the visible way to a person who can help; no tool runs and nothing is handed off
until they choose it."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.ai.given import given_caterer, say


async def test_an_order_question_says_orders_are_not_kept_here_and_offers_a_person(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)

    english = await say(client, caterer, "status of order ORD-2026-000045")
    assert english["intent"] == "order_status"
    assert english["response"].startswith(
        "Orders aren't kept here yet, so I can't look up ORD-2026-000045."
    )
    assert {a["type"]: a["label"] for a in english["suggested_actions"]} == {
        "handoff": "Talk to a person"
    }
    assert english["metadata"]["handed_off"] is False

    spanish = await say(client, caterer, "¿dónde está mi pedido? ya lo pagué hace una semana")
    assert spanish["intent"] == "order_status"
    assert spanish["response"].startswith(
        "Aquí todavía no se guardan los pedidos, así que no puedo consultarlos."
    )
    assert [a["label"] for a in spanish["suggested_actions"]] == ["Hablar con una persona"]
