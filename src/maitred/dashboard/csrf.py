"""CSRF protection for every form of the pages.

Signed in, a form's token is an HMAC of the identity session it belongs to: a page of another
session (or of an attacker's own sign-in) cannot supply it. Signed out (the sign-in form, the
public booking page), it is an HMAC of a random cookie the browser holds (a signed double
submit). Either way a request whose `Origin` is another site's is refused first. htmx sends the
token as `X-CSRF-Token` (set once on <body> with `hx-headers`), forms as `csrf_token`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

COOKIE = "maitred_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"


class CsrfRefused(Exception):
    """The form did not come from one of our own pages."""


def _key(request: Request) -> bytes:
    key: bytes = request.app.state.auth_config.signer.key
    return key


def _mac(request: Request, purpose: str, value: str) -> str:
    return hmac.new(_key(request), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _anonymous_value(request: Request) -> str:
    """The random cookie value of a signed-out browser (made on the first form it is shown)."""
    value = getattr(request.state, "new_csrf_cookie", None) or request.cookies.get(COOKIE)
    if not value or len(value) > 100:
        value = secrets.token_urlsafe(32)
        request.state.new_csrf_cookie = value
    return str(value)


def token_for(request: Request) -> str:
    auth: Any = getattr(request.state, "auth", None)
    if auth is not None and auth.session_id is not None:
        return _mac(request, "session", str(auth.session_id))
    return _mac(request, "anonymous", _anonymous_value(request))


def secure(request: Request) -> bool:
    """Cookies are `Secure` when the page was served over TLS (directly or per the proxy)."""
    public_url: str = request.app.state.settings.public_url
    return request.url.scheme == "https" or public_url.startswith("https://")


def set_cookie_if_new(request: Request, response: Response) -> None:
    value = getattr(request.state, "new_csrf_cookie", None)
    if value:
        response.set_cookie(
            COOKIE, value, httponly=True, samesite="lax", secure=secure(request), path="/"
        )


def _same_origin(request: Request) -> bool:
    """Browsers send `Origin` with every POST; a missing one (an old browser) leaves the token
    alone to decide, an opaque `null` (a sandboxed frame, a data: page) is refused."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.headers.get("host", "")


def check(request: Request, form: FormData) -> None:
    """Raises `CsrfRefused` unless the form carries the token of this browser's session."""
    if not _same_origin(request):
        raise CsrfRefused
    sent = form.get(FIELD) or request.headers.get(HEADER) or ""
    if not isinstance(sent, str) or not sent:
        raise CsrfRefused
    auth: Any = getattr(request.state, "auth", None)
    if auth is not None and auth.session_id is not None:
        expected = _mac(request, "session", str(auth.session_id))
    else:
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            raise CsrfRefused
        expected = _mac(request, "anonymous", cookie)
    if not hmac.compare_digest(sent, expected):
        raise CsrfRefused


async def checked_form(request: Request) -> FormData:
    """The request's form, once its CSRF token is checked."""
    form = await request.form()
    check(request, form)
    return form
