"""The `whatsapp_cloud` provider: Meta's WhatsApp Business Cloud API (Graph API).

POST {api_base}/{phone_number_id}/messages with a bearer token and `{"messaging_product":
"whatsapp", "to", "type": "text", "text": {"body"}}`; the answer's `messages[0].id` (a
`wamid.…`) identifies the message in status webhooks. Files go as `image`, `audio`, `video` or
`document` messages by `link` (our signed URL), the text as the first one's caption; inbound
media ids are read back with GET {api_base}/{media id} and then its `url`. Errors are Graph's
`{"error": {"code", "message", "type", "error_subcode", "fbtrace_id"}}`: throttling and Meta's
own trouble may pass, a bad recipient, parameter or token never will. A free-form text only
reaches someone who wrote within 24 hours (131047 otherwise); templates are not sent by this
provider yet.
"""

from __future__ import annotations

import re
from typing import Any

from maitred.messaging.providers.base import (
    FetchedMedia,
    Media,
    OutgoingMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from maitred.messaging.providers.http_api import base_url, body_of, call, failure, fetch
from maitred.messaging.providers.setup import ProviderFields, ProviderSetup, require_settings

NAME = "whatsapp_cloud"
FIELDS = ProviderFields(
    options=("phone_number_id", "api_base"),
    required_options=("phone_number_id",),
    # app_secret and verify_token: check Meta's webhook calls (webhook_secrets.py).
    credentials=("access_token", "app_secret", "verify_token"),
    required_credentials=("access_token",),
)
# Graph error codes that may pass: temporary errors, call and throughput limits.
TRANSIENT_CODES = frozenset(
    {1, 2, 4, 17, 32, 341, 613, 80007, 130429, 131000, 131016, 131048, 131056, 133004}
)
_MEDIA_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


def _media_part(media: Media, caption: str) -> tuple[str, dict[str, Any]]:
    """The message type and its object for one file, sent by link (Meta fetches it)."""
    kind = media.content_type.split("/")[0]
    kind = kind if kind in ("image", "audio", "video") else "document"
    part: dict[str, Any] = {"link": media.url}
    if caption and kind != "audio":
        part["caption"] = caption
    if kind == "document":
        part["filename"] = media.name
    return kind, part


class WhatsAppCloudProvider:
    name = NAME
    channel = "whatsapp"

    def __init__(self, *, phone_number_id: str, access_token: str, api_base: str) -> None:
        self.phone_number_id = phone_number_id
        self.access_token = access_token
        self.api_base = api_base

    async def send(self, message: OutgoingMessage) -> SendResult:
        require_settings(
            NAME,
            self.channel,
            {"phone_number_id": self.phone_number_id, "access_token": self.access_token},
        )
        if not message.media:
            return await self._post(message.to, "text", {"body": message.body_text})
        first_id = None
        caption = message.body_text
        if caption and message.media[0].content_type.startswith("audio/"):
            first_id = await self._send_text(message.to, caption)
            caption = ""
        for media in message.media:
            kind, part = _media_part(media, caption)
            result = await self._post(message.to, kind, part)
            first_id, caption = first_id or result.provider_message_id, ""
        return SendResult(provider_message_id=first_id, sender=self.phone_number_id)

    async def _send_text(self, to: str, text: str) -> str | None:
        return (await self._post(to, "text", {"body": text})).provider_message_id

    async def _post(self, to: str, kind: str, part: dict[str, Any]) -> SendResult:
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.removeprefix("+"),  # a WhatsApp id is the number's digits
            "type": kind,
            kind: part,
        }
        response = await call(
            NAME,
            "POST",
            f"{base_url(self.api_base)}/{self.phone_number_id}/messages",
            json=payload,
            headers={"Authorization": f"Bearer {self.access_token}"},
        )
        body = body_of(response)
        if response.status_code >= 400:
            error = body.get("error")
            error = error if isinstance(error, dict) else {}
            code = error.get("code")
            transient = True if code in TRANSIENT_CODES or response.status_code >= 500 else None
            raise failure(
                NAME, response.status_code, code, error.get("message"), transient=transient
            )
        messages = body.get("messages") or [{}]
        message_id = messages[0].get("id") if isinstance(messages[0], dict) else None
        if not message_id:
            raise TransientSendError(f"{NAME} accepted the message without an id")
        return SendResult(provider_message_id=str(message_id), sender=self.phone_number_id)

    async def fetch_media(self, ref: str, *, max_bytes: int) -> FetchedMedia:
        """A media id of an inbound message: Graph answers its short-lived URL and type, and
        the bytes are fetched from there with the same token (as Meta documents)."""
        require_settings(NAME, self.channel, {"access_token": self.access_token})
        if not _MEDIA_ID.fullmatch(ref):
            raise PermanentSendError(f"{NAME} media id is malformed", code="bad_media_id")
        auth = {"Authorization": f"Bearer {self.access_token}"}
        response = await call(NAME, "GET", f"{base_url(self.api_base)}/{ref}", headers=auth)
        body = body_of(response)
        if response.status_code >= 400 or not isinstance(body.get("url"), str):
            error = body.get("error")
            error = error if isinstance(error, dict) else {}
            raise failure(NAME, response.status_code, error.get("code"), error.get("message"))
        data, content_type = await fetch(NAME, body["url"], max_bytes=max_bytes, headers=auth)
        return FetchedMedia(data, str(body.get("mime_type") or content_type))


def from_setup(setup: ProviderSetup) -> WhatsAppCloudProvider:
    settings = setup.settings
    if setup.from_environment:
        return WhatsAppCloudProvider(
            phone_number_id=settings.whatsapp_phone_number_id,
            access_token=settings.whatsapp_access_token,
            api_base=settings.whatsapp_api_base,
        )
    return WhatsAppCloudProvider(
        phone_number_id=setup.option("phone_number_id"),
        access_token=setup.secret("access_token"),
        api_base=setup.option("api_base", settings.whatsapp_api_base),
    )
