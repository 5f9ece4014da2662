"""How each provider proves a callback is its own. Pure functions over bytes and strings, every
comparison constant-time; an empty secret never verifies anything (a channel nobody set up
accepts no callbacks rather than all of them).

- Twilio: `X-Twilio-Signature` = base64(HMAC-SHA1(auth token, URL + each form key and value,
  keys sorted)), computed over the URL Twilio called: behind a proxy that is the public URL.
- RingCentral: the `Verification-Token` header repeats the token given at subscription.
- WhatsApp (Meta): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`.
- Telegram: `X-Telegram-Bot-Api-Secret-Token` repeats the secret given to setWebhook.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def same(given: str | None, expected: str) -> bool:
    """Constant-time equality; False when either side is empty."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def twilio_signature(auth_token: str, url: str, form: Iterable[tuple[str, str]]) -> str:
    """The signature Twilio sends for a POST of `form` to `url` (values of a repeated key in
    sorted order, as Twilio's own validator does)."""
    pairs = sorted(form)
    payload = url + "".join(key + value for key, value in pairs)
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_valid(
    auth_token: str, signature: str | None, urls: Iterable[str], form: list[tuple[str, str]]
) -> bool:
    """Whether `signature` matches any of the URLs the request may have been sent to."""
    if not auth_token or not signature:
        return False
    matches = [same(signature, twilio_signature(auth_token, url, form)) for url in urls]
    return any(matches)


def hub_signature(app_secret: str, body: bytes) -> str:
    """Meta's `X-Hub-Signature-256` value for `body`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def hub_valid(app_secret: str, signature: str | None, body: bytes) -> bool:
    if not app_secret or not signature:
        return False
    return same(signature.strip().lower(), hub_signature(app_secret, body))
