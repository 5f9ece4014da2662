"""Settings, notifications and templates: which automatic messages go out and on which
channels, and each message's wording per channel and language, edited with a preview rendered
from the draft against the notification's sample data (a typo is shown, never saved)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import BASE, Form, checked, done, render, section_user
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.notifications import templates as templates_service
from maitred.notifications.rendering import Source
from maitred.notifications.schemas import TemplatePreview, TemplateWrite
from maitred.tenancy import sections as tenancy_sections
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.notification_settings import NotificationSettings

router = APIRouter(prefix="/notifications", include_in_schema=False)
PATH = f"{BASE}/notifications"
Readers = Annotated[AuthContext, section_user("notifications:read")]
Writers = Annotated[AuthContext, section_user("notifications:write")]
SettingsWriters = Annotated[AuthContext, section_user("settings:write")]
SWITCHES = tuple(
    name for name, field in NotificationSettings.model_fields.items() if field.annotation is bool
)
CHANNELS = ("email", "sms")
DONE = {
    "saved": "Notifications saved.",
    "template": "Template saved.",
    "reset": "Template back to its default wording.",
}


async def _page(request: Request, auth: AuthContext, problems: Problems | None = None) -> Response:
    async with database_of(request).transaction(write=False) as session:
        organization = await tenancy_service.get(session, auth.org_id)
        assert organization is not None
        templates = await templates_service.list_templates(session, auth.org_id)
    return render(
        request,
        auth,
        "settings/notifications.html",
        {
            "title": "Notifications",
            "current_settings": tenancy_service.settings_of(organization).notifications,
            "switches": {
                name: NotificationSettings.model_fields[name].description for name in SWITCHES
            },
            "channels": CHANNELS,
            "templates": templates,
        },
        problems=problems,
        done=DONE,
    )


@router.get("")
async def notifications_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


@router.post("")
async def save_notifications(request: Request, auth: SettingsWriters, form: Form) -> Response:
    changes: dict[str, Any] = {name: checked(form, name) for name in SWITCHES}
    changes["channels"] = [channel for channel in CHANNELS if checked(form, f"on_{channel}")]
    try:
        async with database_of(request).transaction() as session:
            await tenancy_sections.update_section(
                session, organization_id=auth.org_id, section="notifications", changes=changes
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "saved")


def _draft(form: FormData) -> dict[str, Any]:
    body: dict[str, Any] = {
        name: str(form.get(name) or "") for name in ("subject", "body_text", "body_html")
    }
    if not body["body_html"].strip():
        body["body_html"] = None
    return body | {"channel": form.get("channel"), "language": form.get("language")}


async def _editor(
    request: Request,
    auth: AuthContext,
    name: str,
    channel: str,
    language: str,
    *,
    draft: dict[str, Any] | None = None,
    problems: Problems | None = None,
) -> Response:
    async with database_of(request).transaction(write=False) as session:
        template = await templates_service.get_template(
            session, auth.org_id, name, channel=channel, language=language
        )
    return render(
        request,
        auth,
        "settings/template.html",
        {"title": f"Template: {name}", "template": template | (draft or {})},
        problems=problems,
        done=DONE,
    )


@router.get("/templates/{name}")
async def template_page(
    request: Request, name: str, auth: Readers, channel: str = "email", language: str = "en"
) -> Response:
    try:
        return await _editor(request, auth, name, channel, language)
    except AppError as exc:
        return render(
            request,
            auth,
            "settings/_section.html",
            {"title": "Template"},
            problems=problems_of(exc),
        )


@router.post("/templates/{name}")
async def save_template(request: Request, name: str, auth: Writers, form: Form) -> Response:
    """PUT /notifications/templates/{name}: saved only if it renders against the sample."""
    draft = _draft(form)
    try:
        body = TemplateWrite.model_validate(draft)
        async with database_of(request).transaction() as session:
            await templates_service.save_template(
                session,
                auth.org_id,
                name,
                channel=body.channel.value,
                source=Source(
                    subject=body.subject, body_text=body.body_text, body_html=body.body_html
                ),
                user_id=auth.user_id,
                language=body.language.value,
            )
    except (AppError, ValidationError) as exc:
        return await _editor(
            request,
            auth,
            name,
            str(draft["channel"] or "email"),
            str(draft["language"] or "en"),
            draft=draft,
            problems=problems_of(exc),
        )
    query = f"channel={body.channel.value}&language={body.language.value}"
    return done(f"{PATH}/templates/{name}", f"template&{query}")


@router.post("/templates/{name}/reset")
async def reset_template(request: Request, name: str, auth: Writers, form: Form) -> Response:
    """DELETE /notifications/templates/{name} for one channel and language: the built-in
    wording again."""
    channel, language = str(form.get("channel") or ""), str(form.get("language") or "")
    try:
        async with database_of(request).transaction() as session:
            await templates_service.reset_template(
                session, auth.org_id, name, channel=channel or None, language=language or None
            )
    except AppError as exc:
        return render(
            request,
            auth,
            "settings/_section.html",
            {"title": "Template"},
            problems=problems_of(exc),
        )
    query = urlencode({"channel": channel or "email", "language": language or "en"})
    return done(f"{PATH}/templates/{name}", f"reset&{query}")


@router.post("/templates/{name}/preview")
async def preview(request: Request, name: str, auth: Readers, form: Form) -> Response:
    """The draft as the customer would read it, rendered against the sample data."""
    context: dict[str, Any] = {"rendered": None, "problem": ""}
    try:
        body = TemplatePreview.model_validate(_draft(form))
        async with database_of(request).transaction(write=False) as session:
            context["rendered"] = await templates_service.preview(
                session,
                auth.org_id,
                name,
                channel=body.channel.value,
                data={},
                draft=Source(
                    subject=body.subject or "",
                    body_text=body.body_text or "",
                    body_html=body.body_html,
                ),
                language=body.language.value,
            )
    except (AppError, ValidationError) as exc:
        found = problems_of(exc)
        context["problem"] = " ".join([found.message, *found.fields.values()])
    return dashboard_pages.render(request, "settings/_template_preview.html", context)
