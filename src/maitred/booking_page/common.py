"""What every public page shares: the business it is for, its form token, the frame policy and
the API's messages in the visitor's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, Response

from maitred.booking_page import form_token
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import Pages
from maitred.kit import i18n
from maitred.kit.errors import AppError, NotFound
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

pages = Pages(Path(__file__).parent / "templates")
# `{{ t("Guests") }}`: the page's words in the visitor's language (Accept-Language, else the
# business's locale), from the same catalog as the API's messages.
pages.env.globals["t"] = i18n.gettext


async def organization_of(session: AsyncSession, slug: str) -> Organization:
    found = await tenancy_service.find(session, slug)
    if found is None or not found.is_active:
        raise NotFound("No such business")
    return found


def frame_ancestors(organization: Organization | None) -> str:
    """Who may show the page in a frame: this server, and the business's allowed origins."""
    origins = []
    if organization is not None:
        origins = tenancy_service.settings_of(organization).booking_page.allowed_origins
    return " ".join(["'self'", *origins])


def render(
    request: Request,
    name: str,
    organization: Organization | None,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A public page: its form token needs no cookie (so the page works in a frame of another
    site, where browsers withhold ours), and the frame policy is the business's."""
    values: dict[str, Any] = {
        "organization": organization,
        "embedded": request.query_params.get("embed") == "1",
        "lang": i18n.current_language(),
    }
    if organization is not None:
        values["csrf_token"] = form_token.issue(request, organization.slug)
    response = pages.render(request, name, {**values, **context}, status_code=status_code)
    response.headers["Content-Security-Policy"] = f"frame-ancestors {frame_ancestors(organization)}"
    return response


def not_found(request: Request) -> Response:
    return render(
        request, "missing.html", None, {"title": i18n.gettext("Not found")}, status_code=404
    )


def problems(exc: AppError | ValidationError) -> Problems:
    """The API's messages for the form, in the request's language (Accept-Language)."""
    found = problems_of(exc)
    found.message = i18n.translate(found.message)
    found.fields = {k: i18n.translate(v) for k, v in found.fields.items()}
    return found


async def posted_form(request: Request, slug: str) -> FormData | None:
    """The posted form, or None when its token is not one of ours (a 403 page follows)."""
    form = await request.form()
    try:
        form_token.check(request, slug, form)
    except form_token.TokenRefused:
        return None
    return form
