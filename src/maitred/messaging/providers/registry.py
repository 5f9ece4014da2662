"""Which provider sends an organization's messages on a channel: its own channel settings when
it has them, else the instance's environment defaults, else `console`."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Environment, Settings
from maitred.messaging.providers import (
    ringcentral,
    smtp,
    telegram,
    twilio,
    whatsapp_cloud,
)
from maitred.messaging.providers.base import Provider
from maitred.messaging.providers.console import ConsoleProvider
from maitred.messaging.providers.setup import ProviderFields, ProviderSetup
from maitred.messaging.repository import ChannelConfigRepository

__all__ = ["ProviderFields", "ProviderSetup", "build", "fields_of", "known", "register"]

CHANNELS = ("email", "sms", "whatsapp", "telegram")
Factory = Callable[[ProviderSetup], Provider]
# provider name -> (channels it serves, factory, what an organization's settings hold)
_factories: dict[str, tuple[tuple[str, ...], Factory, ProviderFields]] = {}


def register(
    name: str, channels: tuple[str, ...], factory: Factory, fields: ProviderFields | None = None
) -> None:
    _factories[name] = (channels, factory, fields or ProviderFields())


def known(channel: str) -> list[str]:
    return sorted(name for name, (channels, _, _) in _factories.items() if channel in channels)


def fields_of(name: str) -> ProviderFields:
    return _factories[name][2]


def build(name: str, setup: ProviderSetup) -> Provider:
    channels, factory, _ = _factories[name]
    if setup.channel not in channels:
        raise LookupError(f"{name} does not send {setup.channel}")
    return factory(setup)


def environment_default(channel: str, settings: Settings) -> str:
    """The provider the environment configures for a channel (`console` when none)."""
    configured = {
        "email": [("smtp", settings.smtp_url)],
        "sms": [
            ("twilio", settings.twilio_account_sid),
            ("ringcentral", settings.ringcentral_client_id),
        ],
        "whatsapp": [("whatsapp_cloud", settings.whatsapp_access_token)],
        "telegram": [("telegram", settings.telegram_bot_token)],
    }.get(channel, [])
    for name, value in configured:
        if value and name in _factories:
            return name
    return "console"


async def provider_for(
    session: AsyncSession,
    organization_id: uuid.UUID,
    channel: str,
    settings: Settings,
    *,
    instance_only: bool = False,
) -> Provider:
    """`instance_only`: the instance's own provider even where the organization set up its own
    (for a message that carries an account's secret)."""
    config = None
    if not instance_only:
        config = await ChannelConfigRepository(session, organization_id).for_channel(channel)
    if config is not None and config.active:
        credentials = orjson.loads(config.credentials) if config.credentials else {}
        setup = ProviderSetup(channel, settings, credentials, dict(config.options))
        return build(config.provider, setup)
    name = environment_default(channel, settings)
    return build(name, ProviderSetup(channel, settings, from_environment=True))


def _console(setup: ProviderSetup) -> Provider:
    return ConsoleProvider(setup.channel, redact=setup.settings.env is Environment.production)


register("console", CHANNELS, _console)
register("smtp", ("email",), smtp.from_setup, smtp.FIELDS)
register("twilio", ("sms",), twilio.from_setup, twilio.FIELDS)
register("ringcentral", ("sms",), ringcentral.from_setup, ringcentral.FIELDS)
register("whatsapp_cloud", ("whatsapp",), whatsapp_cloud.from_setup, whatsapp_cloud.FIELDS)
register("telegram", ("telegram",), telegram.from_setup, telegram.FIELDS)
