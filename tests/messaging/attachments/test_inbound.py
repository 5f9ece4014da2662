"""Media that arrives with messages (an MMS through Twilio, a WhatsApp image, a Telegram photo):
listed with the message at once as `pending`, fetched by the worker from the provider with the
channel's credentials, checked like an upload (metadata removed) and kept for staff."""

from __future__ import annotations

from typing import Any

import httpx

from maitred.config import Settings
from maitred.kit.db import Database
from tests.factories import Actor, deliver_everything
from tests.files.images import GPS_IFD, WINDOWS_PROGRAM, decoded
from tests.messaging.attachments.given import (
    ALICE,
    BOT_TOKEN,
    PHONE_NUMBER_ID,
    WHATSAPP_TOKEN,
    given_business,
    inbox,
    post_telegram,
    post_twilio,
    post_whatsapp,
)
from tests.messaging.attachments.providers_api import PHOTO, PNG
from tests.messaging.inbox.given import twilio_sms
from tests.messaging.providers import twilio_api
from tests.messaging.providers.given import basic_auth
from tests.messaging.providers.standin import Answer, StandIn


def twilio_mms(api: str, *media: str, body: str = "Here is our patio") -> dict[str, str]:
    form = twilio_sms(body) | {"NumMedia": str(len(media)), "AccountSid": twilio_api.ACCOUNT_SID}
    for index, url in enumerate(media):
        form[f"MediaUrl{index}"] = url
        form[f"MediaContentType{index}"] = "image/jpeg"
    return form


def twilio_media_url(api: str, media_sid: str = "ME0123456789abcdef0123456789abcdef") -> str:
    return f"{api}/2010-04-01/Accounts/{twilio_api.ACCOUNT_SID}/Messages/MM1/Media/{media_sid}"


async def downloaded(client: httpx.AsyncClient, admin: Actor) -> list[bytes]:
    (message,) = await inbox(client, admin)
    answers = [
        await client.get(attachment["url"], headers=admin.headers)
        for attachment in message["attachments"]
    ]
    assert all(answer.status_code == 200 for answer in answers)
    return [answer.content for answer in answers]


def attachments_of(messages: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [
        (a["status"], a["content_type"], a["url"] and "url")
        for message in messages
        for a in message["attachments"]
    ]


async def test_an_inbound_mms_is_fetched_from_twilio_and_kept_without_its_gps(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    url = twilio_media_url(provider_apis.url)

    await post_twilio(client, admin, twilio_mms(provider_apis.url, url))
    before = await inbox(client, admin)
    await deliver_everything(database, settings)

    assert attachments_of(before) == [("pending", "image/jpeg", None)]
    assert attachments_of(await inbox(client, admin)) == [("stored", "image/jpeg", "url")]
    (fetch,) = provider_apis.requests
    assert (fetch.method, fetch.path) == ("GET", url.removeprefix(provider_apis.url))
    assert fetch.headers["authorization"] == basic_auth(
        twilio_api.ACCOUNT_SID, twilio_api.AUTH_TOKEN
    )
    (kept,) = await downloaded(client, admin)
    assert decoded(kept).size == decoded(PHOTO).size
    assert GPS_IFD in decoded(PHOTO).getexif()
    assert GPS_IFD not in decoded(kept).getexif()


async def test_a_media_url_off_twilios_api_is_never_fetched(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    elsewhere = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"

    await post_twilio(client, admin, twilio_mms(provider_apis.url, elsewhere))
    await deliver_everything(database, settings)

    (message,) = await inbox(client, admin)
    (attachment,) = message["attachments"]
    assert (attachment["status"], attachment["url"]) == ("failed", None)
    assert attachment["error"].startswith("twilio media URL is not on ")
    assert provider_apis.requests == []


async def test_media_that_is_no_accepted_type_is_marked_failed_and_not_kept(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    provider_apis.answer_next(Answer(200, WINDOWS_PROGRAM, {"Content-Type": "image/jpeg"}))

    await post_twilio(
        client, admin, twilio_mms(provider_apis.url, twilio_media_url(provider_apis.url))
    )
    await deliver_everything(database, settings)

    (message,) = await inbox(client, admin)
    (attachment,) = message["attachments"]
    assert (attachment["status"], attachment["size"], attachment["url"]) == ("failed", 0, None)
    assert attachment["error"].startswith("This type of file is not accepted")


async def test_an_outage_of_the_provider_is_retried(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    provider_apis.answer_next(Answer(503, {"code": 20500, "message": "Service Unavailable"}))
    fast = settings.model_copy(update={"message_backoff_seconds": 0.001})

    await post_twilio(
        client, admin, twilio_mms(provider_apis.url, twilio_media_url(provider_apis.url))
    )
    await deliver_everything(database, fast)
    await deliver_everything(database, fast)

    assert attachments_of(await inbox(client, admin)) == [("stored", "image/jpeg", "url")]
    assert len(provider_apis.requests) == 2


async def test_a_whatsapp_image_is_fetched_by_its_media_id(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    image = {"id": "1037543291543636", "mime_type": "image/png", "caption": "The patio"}
    message = {"from": "19164445566", "id": "wamid.IN1", "type": "image", "image": image}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "14155550100", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Alice"}, "wa_id": "19164445566"}],
        "messages": [{"timestamp": "1749416383", **message}],
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }

    await post_whatsapp(client, admin, payload)
    await deliver_everything(database, settings)

    (listed,) = await inbox(client, admin)
    assert (listed["channel"], listed["content"]) == ("whatsapp", "The patio")
    assert attachments_of([listed]) == [("stored", "image/png", "url")]
    lookup, download = provider_apis.requests
    assert (lookup.method, lookup.path) == ("GET", "/1037543291543636")
    assert (download.method, download.path) == ("GET", "/whatsapp-media/1037543291543636")
    assert {lookup.headers["authorization"], download.headers["authorization"]} == {
        f"Bearer {WHATSAPP_TOKEN}"
    }
    (kept,) = await downloaded(client, admin)
    assert decoded(kept).size == decoded(PNG).size


async def test_a_telegram_photo_is_fetched_by_its_file_id(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    sizes = [
        {"file_id": "AgAD-small", "file_unique_id": "s", "width": 90, "height": 67},
        {"file_id": "AgAD-large", "file_unique_id": "l", "width": 40, "height": 30},
    ]
    update = {
        "update_id": 10001,
        "message": {
            "message_id": 77,
            "from": {"id": 987654321, "is_bot": False, "first_name": "Alice"},
            "chat": {"id": 987654321, "type": "private", "first_name": "Alice"},
            "date": 1749416383,
            "photo": sizes,
            "caption": "Our patio",
        },
    }

    await post_telegram(client, admin, update)
    await deliver_everything(database, settings)

    (listed,) = await inbox(client, admin)
    assert (listed["channel"], listed["content"]) == ("telegram", "Our patio")
    assert attachments_of([listed]) == [("stored", "image/jpeg", "url")]
    get_file, download = provider_apis.requests
    assert (get_file.path, get_file.json()) == (
        f"/bot{BOT_TOKEN}/getFile",
        {"file_id": "AgAD-large"},
    )
    assert (download.method, download.path) == ("GET", f"/file/bot{BOT_TOKEN}/photos/file_7.jpg")
    assert listed["attachments"][0]["name"] == "file_7.jpg"


async def test_erasing_the_customer_removes_their_attachments_and_bytes(
    client: httpx.AsyncClient, database: Database, settings: Settings, provider_apis: StandIn
) -> None:
    admin = await given_business(client, database, provider_apis.url)
    customer = await client.post(
        "/api/v1/customers", json={"name": "Alice Johnson", "phone": ALICE}, headers=admin.headers
    )
    await post_twilio(
        client, admin, twilio_mms(provider_apis.url, twilio_media_url(provider_apis.url))
    )
    await deliver_everything(database, settings)
    (message,) = await inbox(client, admin)
    url = message["attachments"][0]["url"]
    assert admin.organization is not None
    (kept,) = await downloaded(client, admin)
    (on_disk,) = (settings.data_dir / "files" / str(admin.organization.id)).iterdir()
    assert on_disk.read_bytes() == kept

    erased = await client.delete(
        f"/api/v1/customers/{customer.json()['id']}", headers=admin.headers
    )
    await deliver_everything(database, settings)

    assert erased.status_code == 204
    assert (await client.get(url, headers=admin.headers)).status_code == 404
    assert [m["attachments"] for m in await inbox(client, admin)] == [[]]
    assert not on_disk.exists()
