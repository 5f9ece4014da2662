"""The staff side: threads with their messages, tool calls and cost; the visible "talk to a
person" choice and complaints handing a thread over (the assistant then silent) until staff
hand it back; FAQ entries, suggested ones from unanswered questions; settings and usage."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from maitred.kit.db import Database
from maitred.messaging.models import Message
from tests.ai.given import given_caterer, say
from tests.factories import deliver_everything, signed_in_as


async def test_threads_are_for_staff_of_the_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    answer = await say(client, caterer, "what is your deposit?")
    thread = answer["thread_id"]
    assert (await client.get("/api/v1/ai/threads")).status_code == 401
    customer = await signed_in_as(client, database, "customer", caterer.organization)
    denied = await client.get("/api/v1/ai/threads", headers=customer.headers)
    assert denied.status_code == 403
    staff = await signed_in_as(client, database, "staff", caterer.organization)
    listed = (await client.get("/api/v1/ai/threads", headers=staff.headers)).json()
    assert [t["thread_id"] for t in listed["items"]] == [thread]
    detail = (await client.get(f"/api/v1/ai/threads/{thread}", headers=staff.headers)).json()
    assert [(m["role"], m["content"][:14]) for m in detail["messages"]] == [
        ("user", "what is your d"),
        ("assistant", "We ask a depos"),
    ]
    assert detail["messages"][0]["sentiment"] is not None
    assert detail["cost"] == 0.0
    outsider = await signed_in_as(client, database, "admin")
    other = await client.get(f"/api/v1/ai/threads/{thread}", headers=outsider.headers)
    assert other.status_code == 404
    # A visitor cannot continue another organization's thread either.
    rival = await given_caterer(database, "Rival Hibachi")
    stolen = await client.post(
        "/api/v1/ai/chat", json={"message": "hi", "thread_id": thread}, headers=rival.headers
    )
    assert stolen.status_code == 404


async def test_choosing_a_person_hands_over_until_staff_hand_back(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    staff = await signed_in_as(client, database, "staff", caterer.organization)
    first = await say(client, caterer, "hi")
    assert {"type": "handoff", "label": "Talk to a person", "action": "handoff"} in first[
        "suggested_actions"
    ]
    thread = first["thread_id"]
    chosen = await client.post(
        "/api/v1/ai/chat/handoff", json={"thread_id": thread}, headers=caterer.headers
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["status"] == "handed_off"
    assert chosen.json()["assigned"] is True
    assert "team" in chosen.json()["response"]

    quiet = await say(client, caterer, "how much for 20 people?", thread)
    assert quiet["metadata"]["engine"] == "none"
    assert quiet["metadata"]["handed_off"] is True
    detail = (await client.get(f"/api/v1/ai/threads/{thread}", headers=staff.headers)).json()
    assert detail["status"] == "handed_off"
    assert detail["assigned_user_id"] == str(staff.user.id)
    assert detail["tool_calls"] == []

    await deliver_everything(database)
    async with database.transaction(write=False) as session:
        emails = (await session.scalars(select(Message).where(Message.channel == "email"))).all()
    assert [m.contact for m in emails] == [staff.user.email]

    back = await client.post(f"/api/v1/ai/threads/{thread}/hand-back", headers=staff.headers)
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "open"
    again = await say(client, caterer, "how much for 20 people?", thread)
    assert again["metadata"]["engine"] == "offline"
    assert "$" in again["response"]


async def test_a_complaint_goes_to_a_person_by_itself(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    answer = await say(
        client, caterer, "this is terrible, the chef never showed up and I am furious"
    )
    assert answer["metadata"]["handed_off"] is True
    assert "person on our team" in answer["response"]
    assert not [a for a in answer["suggested_actions"] if a["type"] == "handoff"]


async def test_unanswered_questions_become_suggested_faq_entries(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    manager = await signed_in_as(client, database, "manager", caterer.organization)
    question = "Do you bring your own grill?"
    first = await say(client, caterer, question)
    assert "noted the question" in first["response"]
    suggested = (
        await client.get("/api/v1/ai/faq", params={"status": "suggested"}, headers=manager.headers)
    ).json()
    assert [(e["question"], e["asked_count"]) for e in suggested] == [(question, 1)]
    approved = await client.patch(
        f"/api/v1/ai/faq/{suggested[0]['id']}",
        json={
            "answer": "Yes: the chef brings the grill, the propane and the tools.",
            "status": "approved",
        },
        headers=manager.headers,
    )
    assert approved.status_code == 200, approved.text
    second = await say(client, caterer, "do you bring the grill")
    assert second["response"] == "Yes: the chef brings the grill, the propane and the tools."
    empty = await client.post(
        "/api/v1/ai/faq", json={"question": "Parking?", "answer": ""}, headers=manager.headers
    )
    assert empty.status_code == 422
    viewer = await signed_in_as(client, database, "viewer", caterer.organization)
    refused = await client.post(
        "/api/v1/ai/faq", json={"question": "Parking?", "answer": "Yes"}, headers=viewer.headers
    )
    assert refused.status_code == 403
    assert len((await client.get("/api/v1/ai/faq", headers=manager.headers)).json()) == 1


async def test_policy_answers_follow_the_live_settings(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    before = await say(client, caterer, "what is your deposit?")
    assert "$100.00" in before["response"]
    changed = await client.patch(
        "/api/v1/settings/pricing", json={"deposit_fixed": 150}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.text
    after = await say(client, caterer, "what is your deposit?")
    assert "$150.00" in after["response"]
    menu = await say(client, caterer, "do you have vegan options?")
    assert "Vegetable Fried Rice" in menu["response"]
    assert "Hibachi Chicken" not in menu["response"]
    cancel = await say(client, caterer, "what is your cancellation policy?")
    assert "48 hours" in cancel["response"]
    assert "14 days" in cancel["response"]


async def test_settings_keep_the_key_secret_and_can_switch_the_web_chat_off(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    staff = await signed_in_as(client, database, "staff", caterer.organization)
    refused = await client.patch(
        "/api/v1/ai/settings", json={"channel_modes": {"web": "off"}}, headers=staff.headers
    )
    assert refused.status_code == 403
    saved = await client.patch(
        "/api/v1/ai/settings",
        json={"channel_modes": {"web": "off"}, "llm_api_key": "sk-very-secret"},
        headers=admin.headers,
    )
    assert saved.status_code == 200, saved.text
    shown = (await client.get("/api/v1/ai/settings", headers=admin.headers)).json()
    assert shown["llm_api_key_set"] is True
    assert "sk-very-secret" not in str(shown)
    off = await client.post("/api/v1/ai/chat", json={"message": "hi"}, headers=caterer.headers)
    assert off.status_code == 503
    assert off.json()["error"] == "service_unavailable"


async def test_usage_counts_every_call_by_engine(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    for text in ("hi", "what is your deposit?", "do you have vegan options?"):
        await say(client, caterer, text)
    usage = await client.get("/api/v1/ai/usage", headers=admin.headers)
    assert usage.status_code == 200, usage.text
    assert usage.json()["total_api_calls"] == 3
    assert usage.json()["calls_by_engine"] == {"offline": 3}
    assert usage.json()["total_cost_usd"] == 0.0
    project = await client.get(f"/api/v1/ai/usage/{caterer.organization.id}", headers=admin.headers)
    assert project.json()["total_api_calls"] == 3
    staff = await signed_in_as(client, database, "staff", caterer.organization)
    assert (await client.get("/api/v1/ai/usage", headers=staff.headers)).status_code == 403
