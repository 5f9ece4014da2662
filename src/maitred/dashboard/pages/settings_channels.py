"""Settings, channels: which provider sends each channel's messages (SMS, WhatsApp, Telegram,
email), with its options and its write-only credentials, and what the assistant may do on each
channel: nothing (off), write drafts for staff (draft), or answer by itself (auto)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from maitred.ai import ai_settings
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import BASE, Form, done, render, section_user, text
from maitred.identity.deps import AuthContext
from maitred.kit.deps import app_settings, database_of
from maitred.kit.errors import AppError
from maitred.messaging import channels as channels_service
from maitred.messaging.providers import registry

router = APIRouter(prefix="/channels", include_in_schema=False)
PATH = f"{BASE}/channels"
Readers = Annotated[AuthContext, section_user("messaging:read")]
Writers = Annotated[AuthContext, section_user("messaging:write")]
SettingsWriters = Annotated[AuthContext, section_user("settings:write")]
# Options a JSON body gives as numbers; a form has only text.
NUMBERS = frozenset({"port"})
DONE = {
    "saved": "Channel saved.",
    "reset": "Channel back to the instance's default.",
    "ai": "Assistant modes saved.",
}


async def _page(request: Request, auth: AuthContext, problems: Problems | None = None) -> Response:
    async with database_of(request).transaction(write=False) as session:
        channels = await channels_service.list_channels(
            session, organization_id=auth.org_id, settings=app_settings(request)
        )
        assistant = ai_settings.read(await ai_settings.row_of(session, auth.org_id))
    return render(
        request,
        auth,
        "settings/channels.html",
        {
            "title": "Channels",
            "channels": channels,
            "fields": {
                provider: registry.fields_of(provider)
                for channel in channels
                for provider in channel["available_providers"]
            },
            "modes": assistant["channel_modes"],
            "ai_channels": ai_settings.CHANNELS,
            "ai_modes": ai_settings.MODES,
        },
        problems=problems,
        done=DONE,
    )


@router.get("")
async def channels_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


@router.post("/ai")
async def save_modes(request: Request, auth: SettingsWriters, form: Form) -> Response:
    """PATCH /ai/settings with the channel modes chosen."""
    modes = {channel: text(form, f"mode_{channel}") for channel in ai_settings.CHANNELS}
    try:
        async with database_of(request).transaction() as session:
            await ai_settings.update(
                session,
                auth.org_id,
                {"channel_modes": {channel: mode for channel, mode in modes.items() if mode}},
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "ai")


@router.post("/{channel}")
async def configure(request: Request, channel: str, auth: Writers, form: Form) -> Response:
    """PUT /messaging/channels/{channel}: the provider's options; its credentials replace the
    stored ones only when typed (left empty, the stored ones are kept)."""
    provider = text(form, "provider")
    fields = registry.fields_of(provider) if provider in registry.known(channel) else None
    options: dict[str, Any] = {}
    credentials: dict[str, str] = {}
    if fields is not None:
        options = {name: text(form, f"opt_{name}") for name in fields.options}
        options = {
            name: int(value) if name in NUMBERS and value.isdigit() else value
            for name, value in options.items()
            if value
        }
        credentials = {name: text(form, f"cred_{name}") for name in fields.credentials}
        credentials = {name: value for name, value in credentials.items() if value}
    try:
        async with database_of(request).transaction() as session:
            await channels_service.configure(
                session,
                organization_id=auth.org_id,
                channel=channel,
                provider=provider,
                options=options,
                credentials=credentials or None,
                settings=app_settings(request),
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "saved")


@router.post("/{channel}/reset")
async def reset(request: Request, channel: str, auth: Writers, form: Form) -> Response:
    try:
        async with database_of(request).transaction() as session:
            await channels_service.reset(
                session,
                organization_id=auth.org_id,
                channel=channel,
                settings=app_settings(request),
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "reset")
