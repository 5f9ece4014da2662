"""The `twilio` SMS provider: Twilio's Programmable Messaging REST API.

POST {api_base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form fields To, From, Body (and
StatusCallback, and MediaUrl once per file of an MMS), HTTP basic auth AccountSid:AuthToken; 201
answers the message resource, whose `sid` identifies it in status callbacks. Errors are
`{"code", "message", "more_info", "status"}`: a 400 (21211 invalid To, 21610 unsubscribed
recipient, …) or 401/403/404 never works on retry; 429 (20429) and 5xx may.
"""

from __future__ import annotations

from typing import Any

from maitred.messaging.providers.base import (
    FetchedMedia,
    OutgoingMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from maitred.messaging.providers.http_api import base_url, body_of, call, failure, fetch
from maitred.messaging.providers.setup import ProviderFields, ProviderSetup, require_settings

NAME = "twilio"
FIELDS = ProviderFields(
    options=("account_sid", "from_number", "status_callback", "api_base"),
    required_options=("account_sid", "from_number"),
    credentials=("auth_token",),
    required_credentials=("auth_token",),
)


class TwilioProvider:
    name = NAME
    channel = "sms"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base: str,
        status_callback: str = "",
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.api_base = api_base
        self.status_callback = status_callback

    async def send(self, message: OutgoingMessage) -> SendResult:
        require_settings(
            NAME,
            self.channel,
            {
                "account_sid": self.account_sid,
                "auth_token": self.auth_token,
                "from_number": self.from_number,
            },
        )
        form: dict[str, Any] = {
            "To": message.to,
            "From": self.from_number,
            "Body": message.body_text,
        }
        if message.media:  # an MMS: Twilio fetches each file from its signed link
            form["MediaUrl"] = [media.url for media in message.media]
        if self.status_callback:
            form["StatusCallback"] = self.status_callback
        response = await call(
            NAME,
            "POST",
            f"{base_url(self.api_base)}/2010-04-01/Accounts/{self.account_sid}/Messages.json",
            data=form,
            auth=(self.account_sid, self.auth_token),
        )
        body = body_of(response)
        if response.status_code >= 400:
            raise failure(NAME, response.status_code, body.get("code"), body.get("message"))
        sid = body.get("sid")
        if not sid:
            raise TransientSendError(f"{NAME} accepted the message without a sid")
        return SendResult(
            provider_message_id=str(sid), sender=str(body.get("from") or self.from_number)
        )

    async def fetch_media(self, ref: str, *, max_bytes: int) -> FetchedMedia:
        """An inbound MMS's MediaUrl, with the account's credentials (Twilio may require them);
        only a URL on Twilio's API is fetched, so the credentials go nowhere else."""
        if not ref.startswith(base_url(self.api_base) + "/"):
            raise PermanentSendError(f"{NAME} media URL is not on {self.api_base}", code="bad_url")
        data, content_type = await fetch(
            NAME, ref, max_bytes=max_bytes, auth=(self.account_sid, self.auth_token)
        )
        return FetchedMedia(data, content_type)


def from_setup(setup: ProviderSetup) -> TwilioProvider:
    settings = setup.settings
    if setup.from_environment:
        return TwilioProvider(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            from_number=settings.twilio_from_number,
            api_base=settings.twilio_api_base,
        )
    return TwilioProvider(
        account_sid=setup.option("account_sid"),
        auth_token=setup.secret("auth_token"),
        from_number=setup.option("from_number"),
        api_base=setup.option("api_base", settings.twilio_api_base),
        status_callback=setup.option("status_callback"),
    )
