"""Files sent with messages, through HTTP and the worker: an MMS through Twilio (which fetches
the file from a signed, expiring link of ours), a WhatsApp document by link, a Telegram photo
uploaded with sendPhoto; listed with the message and downloadable by staff only."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import update

from maitred.config import Settings
from maitred.files import signing
from maitred.files.models import StoredFile
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import deliver_everything, signed_in_as
from tests.files.images import GPS_IFD, PDF, WINDOWS_PROGRAM, decoded, phone_photo, png
from tests.messaging.attachments.given import (
    ALICE,
    BOT_TOKEN,
    PHONE_NUMBER_ID,
    given_business,
    inbox,
    put_channel,
    send,
    upload,
)
from tests.messaging.providers.standin import StandIn


def local_path(settings: Settings, url: str) -> str:
    """A link we gave a provider, as our app serves it (the provider would use the public URL)."""
    base = settings.public_url.rstrip("/")
    assert url.startswith(f"{base}/api/v1/files/signed/")
    return url.removeprefix(base)


async def test_an_mms_goes_to_twilio_with_a_signed_link_twilio_can_fetch(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    uploaded = await upload(client, admin, phone_photo(), name="table setup.jpg")
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()
    assert (attachment["name"], attachment["content_type"], attachment["status"]) == (
        "table setup.jpg",
        "image/jpeg",
        "stored",
    )

    sent = await send(client, admin, "sms", {"phone": ALICE}, attachment_ids=[attachment["id"]])
    await deliver_everything(database, settings)

    assert sent.status_code == 201, sent.text
    (request,) = provider_apis.requests
    form = request.form_lists()
    assert form["Body"] == ["Your menu"]
    (media_url,) = form["MediaUrl"]
    fetched = await client.get(local_path(settings, media_url))  # as Twilio would, no sign-in
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/jpeg"
    assert fetched.headers["x-content-type-options"] == "nosniff"
    assert GPS_IFD not in decoded(fetched.content).getexif()
    (listed,) = await inbox(client, admin)
    assert listed["status"] == "sent"
    assert [(a["id"], a["name"], a["size"]) for a in listed["attachments"]] == [
        (attachment["id"], "table setup.jpg", len(fetched.content))
    ]
    download = await client.get(listed["attachments"][0]["url"], headers=admin.headers)
    assert download.status_code == 200
    assert download.content == fetched.content
    assert download.headers["content-disposition"].startswith("attachment; ")
    assert download.headers["cache-control"] == "private, no-store"


async def test_a_signed_link_that_is_forged_expired_or_for_another_file_is_404(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    file_id = uuid.UUID((await upload(client, admin, phone_photo())).json()["id"])
    good = signing.token_for(settings, file_id)
    expired = signing.token_for(
        settings, file_id, now=time.time() - 2 * settings.signed_url_seconds
    )
    other = signing.token_for(settings, uuid.uuid4())
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")

    answers = {
        name: (await client.get(f"/api/v1/files/signed/{token}")).status_code
        for name, token in {
            "good": good,
            "expired": expired,
            "other": other,
            "forged": forged,
            "garbage": "..%2F..%2Fsecret_key",
        }.items()
    }

    assert answers == {"good": 200, "expired": 404, "other": 404, "forged": 404, "garbage": 404}


async def test_whatsapp_gets_a_document_by_link_with_the_text_as_caption(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    pdf = (await upload(client, admin, PDF, name="menu.pdf", content_type="text/plain")).json()

    sent = await send(client, admin, "whatsapp", {"phone": ALICE}, attachment_ids=[pdf["id"]])
    await deliver_everything(database, settings)

    assert sent.status_code == 201, sent.text
    assert pdf["content_type"] == "application/pdf"  # from the bytes, not the declared type
    (request,) = provider_apis.requests
    assert request.path == f"/{PHONE_NUMBER_ID}/messages"
    body = request.json()
    link = body["document"].pop("link")
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": ALICE.removeprefix("+"),
        "type": "document",
        "document": {"caption": "Your menu", "filename": "menu.pdf"},
    }
    assert (await client.get(local_path(settings, link))).content == PDF
    assert (await inbox(client, admin))[0]["status"] == "sent"


async def test_telegram_gets_the_photo_uploaded_with_send_photo(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    photo = (await upload(client, admin, phone_photo())).json()

    sent = await send(
        client, admin, "telegram", {"chat_id": "987654321"}, attachment_ids=[photo["id"]]
    )
    await deliver_everything(database, settings)

    assert sent.status_code == 201, sent.text
    (request,) = provider_apis.requests
    assert request.path == f"/bot{BOT_TOKEN}/sendPhoto"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    stored = await client.get(
        (await inbox(client, admin))[0]["attachments"][0]["url"], headers=admin.headers
    )
    assert stored.content in request.body  # the photo's bytes went up with the request
    assert b'name="chat_id"\r\n\r\n987654321' in request.body
    assert b'name="caption"\r\n\r\nYour menu' in request.body
    assert (await inbox(client, admin))[0]["status"] == "sent"


async def test_uploads_are_checked_and_only_this_organizations_unsent_ones_can_be_attached(
    client: httpx.AsyncClient, database: Database, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    other = await given_business(client, database, provider_apis.url)
    theirs = (await upload(client, other, phone_photo())).json()["id"]
    mine = (await upload(client, admin, phone_photo())).json()["id"]

    program = await upload(client, admin, WINDOWS_PROGRAM, name="invoice.pdf")
    by_email = await send(client, admin, "email", {"email": "a@example.com"}, attachment_ids=[mine])
    foreign = await send(client, admin, "sms", {"phone": ALICE}, attachment_ids=[theirs])
    first = await send(client, admin, "sms", {"phone": ALICE}, attachment_ids=[mine])
    reused = await send(client, admin, "sms", {"phone": ALICE}, attachment_ids=[mine])

    assert program.status_code == 415
    assert by_email.status_code == 422
    assert by_email.json()["details"] == {"attachment_ids": "Files go by sms, whatsapp or telegram"}
    assert foreign.status_code == 422
    assert foreign.json()["details"] == {
        "attachment_ids[0]": "No such upload (or it is already attached)"
    }
    assert first.status_code == 201
    assert reused.status_code == 422
    assert [len(m["attachments"]) for m in await inbox(client, admin)] == [1]  # one sent


async def test_attachments_are_for_staff_of_the_organization_only(
    client: httpx.AsyncClient, database: Database, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    photo = (await upload(client, admin, phone_photo())).json()["id"]
    await send(client, admin, "sms", {"phone": ALICE}, attachment_ids=[photo])
    url = (await inbox(client, admin))[0]["attachments"][0]["url"]
    intruder = await signed_in_as(client, database, Role.admin)
    customer = await signed_in_as(client, database, Role.customer, admin.organization)

    answers = [
        (await client.get(url)).status_code,
        (await client.get(url, headers=intruder.headers)).status_code,
        (await client.get(url, headers=customer.headers)).status_code,
        (await upload(client, customer, phone_photo())).status_code,
    ]

    assert answers == [401, 404, 403, 403]


async def test_an_upload_never_sent_is_let_go_after_a_day(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    assert admin.organization is not None
    fresh = (await upload(client, admin, phone_photo())).json()["id"]
    stale = (await upload(client, admin, png())).json()["id"]
    async with database.transaction() as session:  # as if uploaded two days ago
        await session.execute(
            update(StoredFile)
            .where(StoredFile.id == uuid.UUID(stale))
            .values(created_at=utcnow() - timedelta(days=2))
        )
    folder = settings.data_dir / "files" / str(admin.organization.id)
    assert len(list(folder.iterdir())) == 2

    await deliver_everything(database, settings)

    late = await send(client, admin, "sms", {"phone": ALICE}, attachment_ids=[stale])
    assert late.status_code == 422
    assert late.json()["details"] == {
        "attachment_ids[0]": "No such upload (or it is already attached)"
    }
    on_time = await send(client, admin, "sms", {"phone": ALICE}, attachment_ids=[fresh])
    assert on_time.status_code == 201
    assert len(list(folder.iterdir())) == 1


async def test_ringcentral_refuses_files_rather_than_dropping_them(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    await put_channel(
        client,
        admin,
        "sms",
        {
            "provider": "ringcentral",
            "options": {
                "client_id": "rc-client",
                "from_number": "+14155550000",
                "api_base": provider_apis.url,
            },
            "credentials": {"client_secret": "secret", "jwt": "jwt"},
        },
    )
    photo = (await upload(client, admin, phone_photo())).json()["id"]

    await send(client, admin, "sms", {"phone": ALICE}, attachment_ids=[photo])
    await deliver_everything(database, settings)

    (message,) = await inbox(client, admin)
    assert (message["status"], message["error"]) == (
        "failed",
        "no_media: ringcentral does not send files here; send MMS through twilio",
    )
    assert provider_apis.requests == []
