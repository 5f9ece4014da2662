"""The inbox, live: two staff sessions see a customer's new message arrive without reloading,
and one of them replies on the channel it came from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from maitred.config import Settings
from maitred.domains import import_event_handlers
from maitred.kit.db import Database
from maitred.messaging import inbound
from maitred.messaging.models import Message
from tests.dashboard.conftest import WIDTHS, Server, running_server
from tests.dashboard.given import page_sign_in
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import given_organization, given_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def live_server(
    settings: Settings, migrated: None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    """A server whose embedded worker hands new messages to its inbox sockets."""
    home = tmp_path_factory.mktemp("live-inbox-server")
    async with running_server(
        settings, home, MAITRED_EMBEDDED_WORKER="true", MAITRED_OUTBOX_POLL_SECONDS="0.2"
    ) as running:
        yield running


async def test_two_staff_see_a_new_message_live_and_one_replies(
    chromium: Any, live_server: Server, database: Database, width: str, accessible: Any
) -> None:
    organization = await given_organization(database)
    first = await given_user(database, organization, "staff")
    second = await given_user(database, organization, "manager")
    w, h = WIDTHS[width]
    pages = []
    for user in (first, second):
        context = await chromium.new_context(
            viewport={"width": w, "height": h}, base_url=live_server.base_url
        )
        page = await context.new_page()
        await sign_in_through_page(page, user.email)
        await page.goto("/app/inbox")
        await page.locator("#live-state").filter(has_text="Live").wait_for()
        pages.append(page)
    try:
        await accessible(pages[0])
        import_event_handlers()  # the outbox delivers to the handlers known when emitting
        async with database.transaction() as session:
            await inbound.receive(
                session,
                organization.id,
                "sms",
                "twilio",
                "+19165550177",
                "Is Saturday the 12th free for 20?",
                "SM-live-1",
                contact_name="Rita Moreno",
            )

        for page in pages:
            await page.get_by_role("link", name="Rita Moreno").wait_for(timeout=15_000)
        await pages[1].get_by_role("link", name="Rita Moreno").click()
        await pages[1].get_by_text("Is Saturday the 12th free for 20?").wait_for()
        await pages[1].get_by_label("Reply").fill("Yes, Saturday is free: shall I hold it?")
        await pages[1].get_by_role("button", name="Send reply").click()
        await pages[1].get_by_role("status").filter(has_text="Reply queued.").wait_for()
        await accessible(pages[1])
    finally:
        for page in pages:
            await page.context.close()

    async with database.transaction() as session:
        outbound = select(Message).where(Message.direction == "outbound")
        # The assistant may leave its own answer as a draft (SMS is in draft mode): a draft is
        # never sent, so the customer got exactly the staff member's reply.
        sent = (await session.scalars(outbound.where(Message.status != "draft"))).all()
    assert [(m.channel, m.contact, m.body_text) for m in sent] == [
        ("sms", "+19165550177", "Yes, Saturday is free: shall I hold it?")
    ]


@pytest.mark.parametrize("origin", ["https://evil.example", None])
async def test_another_site_cannot_open_the_inbox_socket_with_the_cookie(
    server: Server, database: Database, origin: str | None
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        assert (await page_sign_in(client, staff.email)).status_code == 303
        cookie = client.cookies["maitred_session"]
    headers = {"Cookie": f"maitred_session={cookie}"}
    if origin:
        headers["Origin"] = origin

    async with connect(
        server.base_url.replace("http://", "ws://") + "/ws/inbox", additional_headers=headers
    ) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
