"""Who may see a page: the cookie session's user, as the API sees them, with a role that has a
dashboard and the permissions the page needs. Refusals are pages, not JSON envelopes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.responses import RedirectResponse, Response

from maitred.identity import page_sessions
from maitred.identity.deps import AuthContext
from maitred.kit.auditnote import set_actor
from maitred.kit.errors import AppError
from maitred.kit.roles import Role
from maitred.tenancy.settings import requires_mfa

SIGN_IN = "/app/sign-in"
# Customers book on the public page; the assistant's machine role has no person to sign in.
NO_DASHBOARD = frozenset({Role.customer.value, Role.ai_system.value})


class SignInNeeded(Exception):
    """No live cookie session: the page sends the browser to sign in (and back)."""


class PageRefused(Exception):
    """Signed in, but this page is not for this user."""

    def __init__(self, message: str, status_code: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"{SIGN_IN}?next={quote(target, safe='')}"
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": location})
    response = RedirectResponse(location, status_code=303)
    if request.cookies.get(page_sessions.COOKIE):
        response.delete_cookie(page_sessions.COOKIE, path="/")
    return response


async def signed_in_user(request: Request) -> AuthContext | None:
    """The cookie's user, or None (no cookie, or a session that has ended)."""
    cached: AuthContext | None = getattr(request.state, "auth", None)
    if cached is not None:
        return cached
    value = request.cookies.get(page_sessions.COOKIE)
    if not value:
        return None
    try:
        context = await page_sessions.context(request, request.app.state.auth_config, value)
    except AppError:
        return None
    request.state.auth = context
    set_actor(user_id=context.user_id, api_key_id=None, organization_id=context.organization_id)
    return context


def page_user(*permissions: str, facilitators: bool = False) -> Any:
    """A dependency: the signed-in staff member holding every one of `permissions`. Facilitators
    see their own events and CRM records only, so only pages made for them (`facilitators`)."""

    async def check(request: Request) -> AuthContext:
        context = await signed_in_user(request)
        if context is None:
            raise SignInNeeded
        if context.organization_id is None:
            raise PageRefused("Your account belongs to no business (or to several): use the API.")
        if context.role in NO_DASHBOARD:
            raise PageRefused("The dashboard is for the business's team.")
        if (
            not context.mfa_enabled
            and context.role
            and requires_mfa(context.organization_settings, context.role)
        ):
            raise PageRefused(
                "Your business requires multi-factor authentication for your role: turn it on "
                "at POST /api/v1/auth/mfa/setup, then sign in again."
            )
        missing = [p for p in permissions if not context.can(p)]
        if missing or (context.role == Role.facilitator and not facilitators):
            raise PageRefused("Your role does not give access to this page.")
        return context

    return Depends(check)
