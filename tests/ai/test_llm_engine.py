"""The LLM engine through the official SDK against the stand-in: tool calls, streaming, the
usage ledger, and the offline engine answering when the model fails or the budget is spent."""

from __future__ import annotations

from datetime import timedelta

import httpx

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.ai.given import LINK, bookings, events_of, given_caterer, given_llm, say
from tests.ai.llm_standin import StandIn, Step
from tests.factories import signed_in_as


def next_saturday() -> str:
    today = utcnow().date()
    return (today + timedelta(days=(5 - today.weekday()) % 7 or 7)).isoformat()


async def test_birthday_through_the_llm_with_streaming(
    client: httpx.AsyncClient, database: Database, llm: StandIn
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    await given_llm(client, admin.headers, llm.url)
    saturday = next_saturday()
    llm.script(
        Step(
            tool_calls=[
                ("check_availability", {"date": saturday, "guest_count": 12, "location": "Folsom"})
            ]
        ),
        Step(content="Saturday is open at 17:00, 18:00 and 19:00. Which time suits you?"),
    )
    first = await client.post(
        "/api/v1/ai/chat/stream",
        json={"message": "we're 12 for my mom's birthday next Saturday in Folsom"},
        headers=caterer.headers,
    )
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("text/event-stream")
    events = events_of(first.text)
    assert events[0]["type"] == "start"
    assert [e["tool"] for e in events if e["type"] == "tool"] == ["check_availability"]
    assert "".join(e["content"] for e in events if e["type"] == "token").startswith("Saturday is")
    done = events[-1]
    assert done["type"] == "done"
    assert done["metadata"]["engine"] == "llm"
    assert done["metadata"]["tokens_used"] == 300
    # What the model was shown of the tool: the real slots, from the availability service.
    tool_result = llm.requests[1]["messages"][-1]
    assert tool_result["role"] == "tool"
    assert '"17:00"' in tool_result["content"]
    thread = events[0]["thread_id"]

    booking = {
        "name": "Maria Lopez",
        "phone": "916-555-0177",
        "event_date": saturday,
        "event_time": "18:00",
        "guest_count": 12,
        "event_type": "birthday",
        "location": "Folsom",
    }
    llm.script(
        Step(tool_calls=[("create_booking", booking)]),
        Step(content="I've prepared your request: press Confirm to send it."),
    )
    second = await client.post(
        "/api/v1/ai/chat/stream",
        json={"message": "6pm, Maria Lopez 916-555-0177", "thread_id": thread},
        headers=caterer.headers,
    )
    done = events_of(second.text)[-1]
    tokens = [a["confirmation_token"] for a in done["suggested_actions"] if a["type"] == "confirm"]
    assert len(tokens) == 1
    assert tokens[0] not in llm.shown_to_model()  # the model never holds the token
    assert await bookings(database) == 0

    confirmed = await client.post(
        "/api/v1/ai/confirm",
        json={"thread_id": thread, "confirmation_token": tokens[0]},
        headers=caterer.headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["result"]["total_amount"] == 714.45
    assert LINK.search(confirmed.json()["result"]["deposit_link"])
    assert await bookings(database) == 1

    # Staff see the thread, its tool calls and its cost.
    seen = await client.get(f"/api/v1/ai/threads/{thread}", headers=admin.headers)
    assert seen.status_code == 200, seen.text
    detail = seen.json()
    assert [(c["tool"], c["outcome"]) for c in detail["tool_calls"]] == [
        ("check_availability", "ok"),
        ("create_booking", "draft"),
        ("create_booking", "confirmed"),
    ]
    # 2 turns x 2 calls x (120 in, 30 out) at the default price table.
    assert detail["cost"] > 0
    usage = (await client.get("/api/v1/ai/usage", headers=admin.headers)).json()
    assert usage["total_api_calls"] == 2
    assert usage["total_tokens_used"] == 600
    assert usage["calls_by_engine"] == {"llm": 2}


async def test_the_llm_engines_buttons_are_in_the_customers_language(
    client: httpx.AsyncClient, database: Database, llm: StandIn
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    await given_llm(client, admin.headers, llm.url)
    booking = {
        "name": "María López",
        "phone": "916-555-0177",
        "event_date": next_saturday(),
        "event_time": "18:00",
        "guest_count": 12,
        "event_type": "birthday",
        "location": "Folsom",
    }
    llm.script(
        Step(tool_calls=[("create_booking", booking)]),
        Step(content="Preparé su solicitud: pulse Confirmar para enviarla."),
    )
    answer = await client.post(
        "/api/v1/ai/chat",
        json={"message": "somos 12 para el cumpleaños de mi mamá el sábado a las 6 en Folsom"},
        headers=caterer.headers,
    )
    assert answer.status_code == 200, answer.text
    labels = {a["type"]: a["label"] for a in answer.json()["suggested_actions"]}
    assert labels == {"confirm": "Confirmar", "handoff": "Hablar con una persona"}
    assert await bookings(database) == 0


async def test_a_failing_model_is_answered_offline_and_says_so(
    client: httpx.AsyncClient, database: Database, llm: StandIn
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    await given_llm(client, admin.headers, llm.url)
    for status, reason in ((429, "rate_limited"), (500, "http_500"), (503, "http_503")):
        llm.script(Step(status=status), Step(status=status))  # the SDK retries once
        answer = await say(client, caterer, "what is your deposit?")
        assert answer["metadata"]["engine"] == "offline"
        assert answer["metadata"]["fallback_reason"] == reason
        assert "$100.00" in answer["response"]
        assert "basic assistant" in answer["response"]


async def test_a_spent_budget_is_answered_offline(
    client: httpx.AsyncClient, database: Database, llm: StandIn
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    await given_llm(client, admin.headers, llm.url)
    budget = await client.patch(
        "/api/v1/ai/settings",
        json={
            "monthly_budget": 0.0001,
            "price_table": {"stand-in-1": {"input_per_1k": 1, "output_per_1k": 1}},
        },
        headers=admin.headers,
    )
    assert budget.status_code == 200, budget.text
    llm.script(Step(content="The deposit is $100."))
    first = await say(client, caterer, "what is your deposit?")
    assert first["metadata"]["engine"] == "llm"
    second = await say(client, caterer, "what is your deposit?")
    assert second["metadata"]["engine"] == "offline"
    assert second["metadata"]["fallback_reason"] == "budget"
    assert len(llm.requests) == 1  # the model was not called again
