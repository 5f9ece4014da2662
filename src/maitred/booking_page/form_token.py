"""The public forms' token: an HMAC of the business and the hour it was issued, checked with
the request's `Origin`.

The staff pages tie their token to a cookie; a booking page shown in a frame of the business's
own site does not get our cookies (SameSite, third-party cookie blocking), so its token stands
alone. A public form has no session to ride: what the token adds is that a form must have come
from one of our pages in the last day; the honeypot and the rate limits do the rest.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import FormData

FIELD = "csrf_token"
LIFETIME = 24 * 3600


class TokenRefused(Exception):
    """The form did not come from one of our pages, or came too long ago."""


def _mac(request: Request, slug: str, issued: int) -> str:
    key: bytes = request.app.state.auth_config.signer.key
    return hmac.new(key, f"booking-page:{slug}:{issued}".encode(), hashlib.sha256).hexdigest()


def issue(request: Request, slug: str) -> str:
    issued = int(time.time())
    return f"{issued}.{_mac(request, slug, issued)}"


def check(request: Request, slug: str, form: FormData) -> None:
    origin = request.headers.get("origin")
    if origin is not None and (
        origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")
    ):
        raise TokenRefused
    sent = form.get(FIELD)
    if not isinstance(sent, str) or "." not in sent:
        raise TokenRefused
    issued_text, mac = sent.split(".", 1)
    try:
        issued = int(issued_text)
    except ValueError:
        raise TokenRefused from None
    if not 0 <= time.time() - issued <= LIFETIME:
        raise TokenRefused
    if not hmac.compare_digest(mac, _mac(request, slug, issued)):
        raise TokenRefused
