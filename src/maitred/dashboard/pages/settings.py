"""Settings: the organization (name, time zone, currency, language) and which other sites may
embed its booking page. The other sections are modules of their own, included here, so the
dashboard mounts one router for all of settings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages import (
    settings_api_keys,
    settings_availability,
    settings_channels,
    settings_menu,
    settings_notifications,
    settings_payments,
    settings_pricing,
    settings_users,
    settings_webhooks,
)
from maitred.dashboard.pages.settings_common import (
    BASE,
    Form,
    Readers,
    done,
    lines,
    render,
    section_user,
)
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.i18n import LANGUAGES
from maitred.tenancy import access as tenancy_access
from maitred.tenancy import administration as tenancy_administration
from maitred.tenancy import sections as tenancy_sections
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.schemas import OrganizationUpdate

router = APIRouter(prefix=BASE, include_in_schema=False)
OrganizationWriters = Annotated[AuthContext, section_user("organizations:write")]
SettingsWriters = Annotated[AuthContext, section_user("settings:write")]
FIELDS = ("name", "timezone", "currency", "locale")
DONE = {"saved": "Organization saved.", "origins": "Allowed origins saved."}
# The languages maitred speaks to customers, as the locales a business would pick.
LOCALES = {"en": ("en-US", "en-GB"), "es": ("es-ES", "es-MX", "es-US")}


async def _page(
    request: Request,
    auth: AuthContext,
    problems: Problems | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    async with database_of(request).transaction(write=False) as session:
        organization = await tenancy_service.get(session, auth.org_id)
    assert organization is not None  # the session's own organization
    settings = tenancy_service.settings_of(organization)
    values = {field: getattr(organization, field) for field in FIELDS}
    values["origins"] = "\n".join(settings.booking_page.allowed_origins)
    return render(
        request,
        auth,
        "settings/organization.html",
        {
            "title": "Organization",
            "organization": organization,
            "values": values | (typed or {}),
            "locales": [locale for language in LANGUAGES for locale in LOCALES[language]],
            "public_url": request.app.state.settings.public_url.rstrip("/"),
        },
        problems=problems,
        done=DONE,
    )


@router.get("")
async def organization_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


@router.post("/organization")
async def save_organization(request: Request, auth: OrganizationWriters, form: Form) -> Response:
    """The same body PATCH /organizations/{id} takes, judged by its schema and service."""
    typed = {field: str(form.get(field) or "").strip() for field in FIELDS}
    try:
        body = OrganizationUpdate.model_validate(typed)
        async with database_of(request).transaction() as session:
            access = await tenancy_access.authorize(
                session, auth, str(auth.org_id), "organizations:write"
            )
            changes = {field: getattr(body, field) for field in body.model_fields_set}
            await tenancy_administration.update(session, access, changes=changes)
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc), typed)
    return done(BASE, "saved")


@router.post("/embed")
async def save_origins(request: Request, auth: SettingsWriters, form: Form) -> Response:
    """Which sites may show the booking page in a frame (read by the public page)."""
    origins = lines(form, "origins")
    try:
        async with database_of(request).transaction() as session:
            await tenancy_sections.update_section(
                session,
                organization_id=auth.org_id,
                section="booking_page",
                changes={"allowed_origins": origins},
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc), {"origins": "\n".join(origins)})
    return done(BASE, "origins")


for _section in (
    settings_pricing,
    settings_availability,
    settings_menu,
    settings_notifications,
    settings_channels,
    settings_payments,
    settings_users,
    settings_api_keys,
    settings_webhooks,
):
    router.include_router(_section.router)
