"""An organization's notification templates: the built-in wording until it writes its own,
per channel and per language (English and Spanish ship built in).

A template is saved only if it compiles and renders against the notification's sample data,
so a typo is a 422 naming the line while someone is looking, never a failed message later.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import i18n, outbox
from maitred.kit.errors import ValidationFailed
from maitred.notifications.defaults import CHANNELS, NOTIFICATIONS, Notification
from maitred.notifications.errors import UnknownTemplate
from maitred.notifications.models import NotificationTemplate
from maitred.notifications.rendering import Rendered, Source, render
from maitred.notifications.repository import NotificationTemplateRepository


def notification(name: str) -> Notification:
    found = NOTIFICATIONS.get(name)
    if found is None:
        raise UnknownTemplate(details={"name": f"Use one of: {', '.join(NOTIFICATIONS)}"})
    return found


def _checked_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise ValidationFailed(details={"channel": f"Use one of: {', '.join(CHANNELS)}"})
    return channel


def _checked_language(language: str) -> str:
    if language not in i18n.LANGUAGES:
        raise ValidationFailed(details={"language": f"Use one of: {', '.join(i18n.LANGUAGES)}"})
    return language


def _source_of(row: NotificationTemplate) -> Source:
    return Source(subject=row.subject, body_text=row.body_text, body_html=row.body_html)


def _read(
    known: Notification, channel: str, language: str, row: NotificationTemplate | None
) -> dict[str, Any]:
    source = _source_of(row) if row is not None else known.source(channel, language)
    return {
        "name": known.name,
        "channel": channel,
        "language": language,
        "description": known.description,
        "customized": row is not None,
        "subject": source.subject,
        "body_text": source.body_text,
        "body_html": source.body_html,
        "variables": sorted(known.sample),
        "sample_data": known.sample,
        "updated_at": row.updated_at if row is not None else None,
    }


async def list_templates(session: AsyncSession, organization_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every notification on every channel in every language, saying which the organization
    has customized."""
    rows = await NotificationTemplateRepository(session, organization_id).customized()
    by_key = {(row.name, row.channel, row.language): row for row in rows}
    return [
        _read(known, channel, language, by_key.get((known.name, channel, language)))
        for known in NOTIFICATIONS.values()
        for channel in CHANNELS
        for language in i18n.LANGUAGES
    ]


async def get_template(
    session: AsyncSession,
    organization_id: uuid.UUID,
    name: str,
    *,
    channel: str,
    language: str = i18n.DEFAULT,
) -> dict[str, Any]:
    known, channel = notification(name), _checked_channel(channel)
    language = _checked_language(language)
    row = await NotificationTemplateRepository(session, organization_id).find(
        name, channel, language
    )
    return _read(known, channel, language, row)


async def source_for(
    session: AsyncSession,
    organization_id: uuid.UUID,
    name: str,
    channel: str,
    language: str = i18n.DEFAULT,
) -> Source:
    """What a message in `language` is rendered from: the organization's wording in that
    language, else the built-in one (English for a language maitred does not speak)."""
    language = i18n.preferred(language)
    # The organization's own wordings, read once for a worker's batch of notices (a few rows:
    # one per notification, channel and language it rewrote).
    shared = outbox.shared_by_batch()
    key = ("notifications.templates", organization_id)
    if key not in shared:
        rows = await NotificationTemplateRepository(session, organization_id).customized()
        shared[key] = {(row.name, row.channel, row.language): _source_of(row) for row in rows}
    found: Source | None = shared[key].get((name, channel, language))
    return found if found is not None else notification(name).source(channel, language)


def checked_source(channel: str, source: Source, sample: Mapping[str, Any]) -> Source:
    """The parts a channel has, each rendering against `sample` (422 otherwise)."""
    details: dict[str, str] = {}
    if channel == "email" and not source.subject.strip():
        details["subject"] = "An email needs a subject"
    if channel != "email" and source.subject.strip():
        details["subject"] = "Only emails have a subject"
    if channel != "email" and source.body_html is not None:
        details["body_html"] = "Only emails have an HTML part"
    if not source.body_text.strip():
        details["body_text"] = "The text may not be empty"
    if details:
        raise ValidationFailed(details=details)
    render(source, sample, strict=True)
    return source


async def save_template(
    session: AsyncSession,
    organization_id: uuid.UUID,
    name: str,
    *,
    channel: str,
    source: Source,
    user_id: uuid.UUID | None,
    language: str = i18n.DEFAULT,
) -> dict[str, Any]:
    known, channel = notification(name), _checked_channel(channel)
    language = _checked_language(language)
    checked_source(channel, source, known.sample)
    repository = NotificationTemplateRepository(session, organization_id)
    row = await repository.find(name, channel, language)
    if row is None:
        try:
            async with session.begin_nested():
                row = repository.add(
                    NotificationTemplate(
                        name=name, channel=channel, language=language, body_text=source.body_text
                    )
                )
                await session.flush()
        except IntegrityError:  # saved by a concurrent request meanwhile: update that one
            row = await repository.find(name, channel, language)
            assert row is not None
    row.subject = source.subject if channel == "email" else ""
    row.body_text = source.body_text
    row.body_html = source.body_html if channel == "email" else None
    row.updated_by = user_id
    await session.flush()
    return _read(known, channel, language, row)


async def reset_template(
    session: AsyncSession,
    organization_id: uuid.UUID,
    name: str,
    *,
    channel: str | None,
    language: str | None = None,
) -> None:
    """Back to the built-in wording on `channel` in `language`, or on every channel or in
    every language."""
    notification(name)
    channels = [_checked_channel(channel)] if channel else list(CHANNELS)
    languages = [_checked_language(language)] if language else list(i18n.LANGUAGES)
    await NotificationTemplateRepository(session, organization_id).remove(name, channels, languages)


async def preview(
    session: AsyncSession,
    organization_id: uuid.UUID,
    name: str,
    *,
    channel: str,
    data: Mapping[str, Any],
    draft: Source | None,
    language: str = i18n.DEFAULT,
) -> Rendered:
    """The message as it would read with `data` (over the sample, so a few values suffice),
    from `draft` when given (an edit not saved yet), else from the current wording."""
    known, channel = notification(name), _checked_channel(channel)
    language = _checked_language(language)
    values = known.sample | dict(data)
    if draft is not None:
        return render(checked_source(channel, draft, values), values, strict=True)
    source = await source_for(session, organization_id, name, channel, language)
    return render(source, values, strict=True)
