"""An organization's own channel settings: which provider sends its email, SMS, WhatsApp and
Telegram messages, with what options and (encrypted) credentials.

Everything is checked against the provider's declared fields before it is stored, so a typo
fails here with a 422 instead of as a failed message hours later. Credentials go in and never
come out: a read says only whether they are set. Without settings of its own an organization
sends through the instance's environment default (registry.environment_default).
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.kit.auditnote import record
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.messaging.models import ChannelConfig
from maitred.messaging.providers import registry
from maitred.messaging.repository import ChannelConfigRepository

CHANNELS = registry.CHANNELS


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise NotFound(f"No such channel; the channels are {', '.join(CHANNELS)}")


def _view(channel: str, config: ChannelConfig | None, settings: Settings) -> dict[str, Any]:
    available = registry.known(channel)
    if config is not None and config.active:
        return {
            "channel": channel,
            "provider": config.provider,
            "source": "organization",
            "options": dict(config.options),
            "credentials_set": bool(config.credentials),
            "available_providers": available,
            "updated_at": config.updated_at,
        }
    provider = registry.environment_default(channel, settings)
    return {
        "channel": channel,
        "provider": provider,
        "source": "environment",
        "options": {},  # the instance's settings are not the organization's to read
        "credentials_set": provider != "console",
        "available_providers": available,
        "updated_at": None,
    }


async def list_channels(
    session: AsyncSession, *, organization_id: uuid.UUID, settings: Settings
) -> list[dict[str, Any]]:
    """Every channel, configured or not, in a fixed order."""
    configs = {c.channel: c for c in await ChannelConfigRepository(session, organization_id).all()}
    return [_view(channel, configs.get(channel), settings) for channel in CHANNELS]


def _checked_options(provider: str, options: dict[str, Any]) -> dict[str, Any]:
    fields = registry.fields_of(provider)
    problems: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in options.items():
        if name not in fields.options:
            problems[f"options.{name}"] = f"Not a setting of {provider}"
            continue
        cleaned[name] = value.strip() if isinstance(value, str) else value
    for name in fields.required_options:
        if cleaned.get(name) in (None, ""):
            problems[f"options.{name}"] = f"Required by {provider}"
    base = cleaned.get("api_base")
    if base is not None and not str(base).startswith(("https://", "http://")):
        problems["options.api_base"] = "An http:// or https:// URL"
    if fields.check is not None:
        problems |= fields.check(cleaned)
    if problems:
        raise ValidationFailed(details=dict(sorted(problems.items())))
    return cleaned


def _checked_credentials(provider: str, credentials: dict[str, str]) -> dict[str, str]:
    fields = registry.fields_of(provider)
    problems: dict[str, str] = {}
    for name, value in credentials.items():
        if name not in fields.credentials:
            problems[f"credentials.{name}"] = f"Not a credential of {provider}"
        elif not value.strip():
            problems[f"credentials.{name}"] = "Must not be empty"
    for name in fields.required_credentials:
        if name not in credentials and f"credentials.{name}" not in problems:
            problems[f"credentials.{name}"] = f"Required by {provider}"
    if problems:
        raise ValidationFailed(details=dict(sorted(problems.items())))
    return credentials


async def configure(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    channel: str,
    provider: str,
    options: dict[str, Any],
    credentials: dict[str, str] | None,
    settings: Settings,
) -> dict[str, Any]:
    """Sets the channel's provider. Options are replaced; credentials too when sent, else the
    stored ones are kept if the provider stays the same (a new provider needs its own)."""
    _check_channel(channel)
    if provider not in registry.known(channel):
        raise ValidationFailed(details={"provider": f"One of {', '.join(registry.known(channel))}"})
    repository = ChannelConfigRepository(session, organization_id)
    config = await repository.for_channel(channel)
    cleaned_options = _checked_options(provider, options)
    if credentials is None:
        credentials = {}
        if config is not None and config.provider == provider and config.credentials:
            credentials = orjson.loads(config.credentials)
    sealed = _checked_credentials(provider, credentials)
    values = {
        "provider": provider,
        "options": cleaned_options,
        "credentials": orjson.dumps(sealed).decode() if sealed else None,
        "active": True,
    }
    if config is None:
        config = ChannelConfig(organization_id=organization_id, channel=channel, **values)
        try:
            async with session.begin_nested():
                repository.add(config)
                await session.flush()
        except IntegrityError:  # configured by a concurrent request meanwhile: ours wins
            config = await repository.for_channel(channel)
            assert config is not None
    for name, value in values.items():
        setattr(config, name, value)
    await session.flush()
    record(
        "messaging.channel_configured",
        resource_type="channel",
        resource_id=channel,
        organization_id=organization_id,
        changes={
            "provider": provider,
            "options": sorted(cleaned_options),
            "credentials": sorted(sealed),  # names only, never values
        },
    )
    return _view(channel, config, settings)


async def reset(
    session: AsyncSession, *, organization_id: uuid.UUID, channel: str, settings: Settings
) -> dict[str, Any]:
    """Drops the organization's settings: the channel sends through the environment default."""
    _check_channel(channel)
    repository = ChannelConfigRepository(session, organization_id)
    config = await repository.for_channel(channel)
    if config is not None:
        await session.delete(config)
        await session.flush()
        record(
            "messaging.channel_reset",
            resource_type="channel",
            resource_id=channel,
            organization_id=organization_id,
        )
    return _view(channel, None, settings)
