"""The `ringcentral` SMS provider: RingCentral's REST API with the JWT grant.

An access token comes from POST {api_base}/restapi/oauth/token (grant_type jwt-bearer, the JWT
credential as `assertion`, basic auth client id:secret) and is kept in this process until
shortly before it expires, so a batch of messages signs in once. Messages go to POST
{api_base}/restapi/v1.0/account/~/extension/~/sms. Errors are `{"errorCode", "message",
"errors": [...]}` (OAuth's `{"error", "error_description"}` at the token endpoint); a 401 on
send means the token lapsed early: it is fetched again once.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from maitred.messaging.providers.base import (
    OutgoingMessage,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from maitred.messaging.providers.http_api import base_url, body_of, call, failure
from maitred.messaging.providers.setup import ProviderFields, ProviderSetup, require_settings

NAME = "ringcentral"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
EXPIRY_MARGIN_SECONDS = 60.0
FIELDS = ProviderFields(
    options=("client_id", "from_number", "api_base"),
    required_options=("client_id", "from_number"),
    # verification_token: checks RingCentral's webhook calls (webhook_secrets.py).
    credentials=("client_secret", "jwt", "verification_token"),
    required_credentials=("client_secret", "jwt"),
)


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float  # time.monotonic()


# hash of (api base, client id, JWT) -> the access token it got
_tokens: dict[str, _Token] = {}


def forget_tokens() -> None:
    """Drops every cached access token (tests; a rotated credential)."""
    _tokens.clear()


def _error(body: dict[str, Any]) -> tuple[object, object]:
    first = (body.get("errors") or [{}])[0]
    first = first if isinstance(first, dict) else {}
    code = body.get("errorCode") or first.get("errorCode") or body.get("error")
    message = body.get("message") or body.get("error_description") or first.get("message")
    return code, message


class RingCentralProvider:
    name = NAME
    channel = "sms"

    def __init__(
        self, *, client_id: str, client_secret: str, jwt: str, from_number: str, api_base: str
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.jwt = jwt
        self.from_number = from_number
        self.api_base = api_base
        self._cache_key = hashlib.sha256(f"{api_base}\0{client_id}\0{jwt}".encode()).hexdigest()

    async def send(self, message: OutgoingMessage) -> SendResult:
        require_settings(
            NAME,
            self.channel,
            {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "jwt": self.jwt,
                "from_number": self.from_number,
            },
        )
        if message.media:  # said at once rather than sending the text without its files
            raise PermanentSendError(
                f"{NAME} does not send files here; send MMS through twilio", code="no_media"
            )
        payload = {
            "from": {"phoneNumber": self.from_number},
            "to": [{"phoneNumber": message.to}],
            "text": message.body_text,
        }
        url = f"{base_url(self.api_base)}/restapi/v1.0/account/~/extension/~/sms"
        for fresh in (False, True):
            token = await self._access_token(fresh=fresh)
            response = await call(
                NAME, "POST", url, json=payload, headers={"Authorization": f"Bearer {token}"}
            )
            if response.status_code != 401 or fresh:
                break
            _tokens.pop(self._cache_key, None)
        body = body_of(response)
        if response.status_code >= 400:
            code, text = _error(body)
            raise failure(NAME, response.status_code, code, text)
        if body.get("id") is None:
            raise TransientSendError(f"{NAME} accepted the message without an id")
        sent_from = body.get("from")
        sender = sent_from.get("phoneNumber") if isinstance(sent_from, dict) else None
        sender = sender or self.from_number
        return SendResult(provider_message_id=str(body["id"]), sender=str(sender))

    async def _access_token(self, *, fresh: bool) -> str:
        cached = _tokens.get(self._cache_key)
        if cached is not None and not fresh and cached.expires_at > time.monotonic():
            return cached.value
        response = await call(
            NAME,
            "POST",
            f"{base_url(self.api_base)}/restapi/oauth/token",
            data={"grant_type": JWT_GRANT, "assertion": self.jwt},
            auth=(self.client_id, self.client_secret),
        )
        body = body_of(response)
        if response.status_code >= 400:
            code, text = _error(body)
            raise failure(NAME, response.status_code, code, f"sign-in refused: {text}")
        value = body.get("access_token")
        if not value:
            raise PermanentSendError(f"{NAME} sign-in answered without an access token")
        lifetime = float(body.get("expires_in") or 3600)
        expires_at = time.monotonic() + max(lifetime - EXPIRY_MARGIN_SECONDS, 0.0)
        _tokens[self._cache_key] = _Token(str(value), expires_at)
        return str(value)


def from_setup(setup: ProviderSetup) -> RingCentralProvider:
    settings = setup.settings
    if setup.from_environment:
        return RingCentralProvider(
            client_id=settings.ringcentral_client_id,
            client_secret=settings.ringcentral_client_secret,
            jwt=settings.ringcentral_jwt,
            from_number=settings.ringcentral_from_number,
            api_base=settings.ringcentral_api_base,
        )
    return RingCentralProvider(
        client_id=setup.option("client_id"),
        client_secret=setup.secret("client_secret"),
        jwt=setup.secret("jwt"),
        from_number=setup.option("from_number"),
        api_base=setup.option("api_base", settings.ringcentral_api_base),
    )
