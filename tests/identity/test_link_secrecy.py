"""Password-reset and invitation links are emailed, never logged (issue 17, item 3).

The probe found a reset link at INFO in the log that worked. Now the link is an email to the
account, sent by the worker through the instance's own channel; in development the console
provider's history shows it, in production neither the log nor the history does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.db import Database
from tests.conftest import make_settings
from tests.factories import PASSWORD, deliver_everything, sign_in, signed_in_as
from tests.identity.mailbox import tokens_emailed_to
from tests.notifications.given import HISTORY, sent_messages

RESET = "/api/v1/auth/password-reset/request"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "a passphrase of my own"
LINK = re.compile(r"reset-password\?token=(\S+)")


async def test_reset_and_invitation_links_reach_history_but_never_the_log(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin = await signed_in_as(client, database, "admin")
    staff = await signed_in_as(client, database, "staff", admin.organization)
    assert admin.organization is not None

    with caplog.at_level(logging.DEBUG):
        requested = await client.post(RESET, json={"email": staff.user.email})
        invited = await client.post(
            f"/api/v1/organizations/{admin.organization.id}/members",
            json={"email": "newcomer@hibachi.example", "role": "staff"},
            headers=admin.headers,
        )
        await deliver_everything(database, settings)
    history = await client.get(HISTORY, params={"channel": "email"}, headers=admin.headers)

    assert (requested.status_code, invited.status_code) == (202, 201)
    links = {
        item["to"]: LINK.findall(item["body_text"])
        for item in history.json()["items"]
        if item["template"] in ("account.reset", "account.invite")
    }
    [reset_token] = links[staff.user.email]
    [invite_token] = links["newcomer@hibachi.example"]
    for token in (reset_token, invite_token):
        assert token not in caplog.text
    assert "reset-password" not in caplog.text
    assert f"password reset link sent to user {staff.user.id}" in caplog.text
    assert "GET /api/v1/notifications/history" in caplog.text  # where a developer reads them

    reset = await client.post(CONFIRM, json={"token": reset_token, "new_password": NEW_PASSWORD})
    accepted = await client.post(CONFIRM, json={"token": invite_token, "new_password": PASSWORD})
    assert (reset.status_code, accepted.status_code) == (200, 200)
    assert (await sign_in(client, staff.user.email, NEW_PASSWORD))["user"]["id"] == str(
        staff.user.id
    )
    assert (await sign_in(client, "newcomer@hibachi.example"))["user"]["role"] == "staff"


@pytest.fixture
def production(data_dir: Path, database_url: str) -> Settings:
    return make_settings(data_dir, database_url, env="production")


@pytest.fixture
async def production_client(
    production: Settings, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(production, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_in_production_no_link_in_the_log_nor_in_history_and_the_console_redacts(
    production_client: httpx.AsyncClient,
    database: Database,
    production: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = production_client
    admin = await signed_in_as(client, database, "admin")
    staff = await signed_in_as(client, database, "staff", admin.organization)
    # The admin points the organization's email at a relay of their own: account links must not
    # go through it (it would hand them the staff member's account).
    relay = await client.put(
        "/api/v1/messaging/channels/email",
        json={"provider": "smtp", "options": {"host": "relay.attacker.example", "port": 25}},
        headers=admin.headers,
    )
    assert relay.status_code == 200, relay.text

    with caplog.at_level(logging.DEBUG):
        requested = await client.post(RESET, json={"email": staff.user.email})
        [token] = await tokens_emailed_to(database, staff.user.email)  # the queued email
        await deliver_everything(database, production)
    history = await client.get(HISTORY, params={"channel": "email"}, headers=admin.headers)
    [message] = await sent_messages(database, template="account.reset")

    assert requested.status_code == 202
    assert token not in caplog.text
    assert "reset-password" not in caplog.text
    assert staff.user.email not in caplog.text  # the console masks the recipient
    assert f"{staff.user.email[0]}***@" in caplog.text
    [item] = [i for i in history.json()["items"] if i["template"] == "account.reset"]
    assert token not in item["body_text"]
    assert "withheld" in item["body_text"]
    assert (message.status, message.provider) == ("sent", "console")  # not the admin's relay
    assert token not in message.body_text  # erased once sent: only the mailbox has it
    assert message.body_html is None
