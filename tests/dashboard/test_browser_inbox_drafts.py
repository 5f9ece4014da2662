"""The inbox's helpers for a reply: a template worded with the customer's booking, the customer's
mood as the assistant read it, and the assistant's draft sent as staff edited it. (Apart from
test_browser_inbox.py, whose live server's worker would answer these messages itself.)"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from maitred.ai.models import AiMessage, AiThread
from maitred.kit.db import Database
from maitred.messaging import inbound
from maitred.messaging.models import Conversation, Message
from tests.bookings.given import given_book, given_customer, seed_001_form
from tests.dashboard.conftest import Server
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import bearer, given_user, sign_in

pytestmark = pytest.mark.browser


async def test_staff_answer_from_a_template_and_send_the_assistants_draft(
    browser_page: Any, server: Server, database: Database, accessible: Any
) -> None:
    book = await given_book(database)
    customer = await given_customer(database, book, "Rita Moreno", phone="+19165550177")
    staff = await given_user(database, book.organization, "staff")
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        made = await api.post(
            "/api/v1/bookings",
            json=seed_001_form(customer, book, status="pending", guest_count=20),
            headers=bearer(await sign_in(api, staff.email)),
        )
    assert made.status_code == 201, made.text
    async with database.transaction() as session:
        await inbound.receive(
            session,
            book.organization.id,
            "sms",
            "twilio",
            "+19165550177",
            "Nobody answered me yesterday!",
            "SM-draft-1",
            contact_name="Rita Moreno",
        )
        conversation = await session.scalar(select(Conversation))
        assert conversation is not None
        # What the assistant leaves on a channel in draft mode (tests/ai makes it for real).
        thread = AiThread(
            organization_id=book.organization.id,
            channel="sms",
            conversation_id=conversation.id,
            customer_id=customer,
            state={"reply_to": {"channel": "sms", "address": "+19165550177"}},
        )
        session.add(thread)
        await session.flush()
        session.add_all(
            [
                AiMessage(
                    organization_id=book.organization.id,
                    thread_id=thread.id,
                    role="user",
                    content="Nobody answered me yesterday!",
                    sentiment=-0.7,
                ),
                AiMessage(
                    organization_id=book.organization.id,
                    thread_id=thread.id,
                    role="assistant",
                    content="Sorry for the wait, Rita.",
                    status="draft",
                ),
            ]
        )
    page = browser_page
    await sign_in_through_page(page, staff.email)
    await page.goto(f"/app/inbox?c={conversation.id}")

    assert "Upset" in await page.locator("#sentiment").inner_text()
    await page.get_by_label("Start from a template").select_option("booking_confirmation")
    await (
        page.get_by_label("Reply", exact=True)
        .filter(has_text=made.json()["reference_number"])
        .wait_for()
    )
    await accessible(page)
    await page.get_by_label("The assistant's draft answer").fill(
        "Sorry for the wait, Rita: all set."
    )
    await page.get_by_role("button", name="Send the draft").click()
    await page.get_by_role("status").filter(has_text="The assistant's draft was sent.").wait_for()

    async with database.transaction() as session:
        draft = await session.scalar(select(AiMessage).where(AiMessage.role == "assistant"))
        sent = (await session.scalars(select(Message).where(Message.direction == "outbound"))).all()
    assert draft is not None
    assert (draft.status, draft.content) == ("sent", "Sorry for the wait, Rita: all set.")
    assert [(m.contact, m.body_text) for m in sent if m.template is None] == [
        ("+19165550177", "Sorry for the wait, Rita: all set.")
    ]
