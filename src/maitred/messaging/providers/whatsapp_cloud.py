"""The `whatsapp_cloud` provider: Meta's WhatsApp Business Cloud API (Graph API).

POST {api_base}/{phone_number_id}/messages with a bearer token and `{"messaging_product":
"whatsapp", "to", "type": "text", "text": {"body"}}`; the answer's `messages[0].id` (a
`wamid.…`) identifies the message in status webhooks. Errors are Graph's `{"error": {"code",
"message", "type", "error_subcode", "fbtrace_id"}}`: throttling and Meta's own trouble may pass,
a bad recipient, parameter or token never will. A free-form text only reaches someone who wrote
within 24 hours (131047 otherwise); templates are not sent by this provider yet.
"""

from __future__ import annotations

from maitred.messaging.providers.base import OutgoingMessage, SendResult, TransientSendError
from maitred.messaging.providers.http_api import base_url, body_of, call, failure
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
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to.removeprefix("+"),  # a WhatsApp id is the number's digits
            "type": "text",
            "text": {"body": message.body_text},
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
