"""The secrets that verify an organization's provider callbacks: from its own channel settings
(`ChannelConfig` credentials) when it has them there, else the instance's environment, so a
one-business install only sets `MAITRED_TWILIO_AUTH_TOKEN` and friends."""

from __future__ import annotations

import uuid
from typing import Literal

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.messaging.repository import ChannelConfigRepository

SecretName = Literal[
    "twilio_auth_token",
    "ringcentral_verification_token",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
    "telegram_webhook_secret",
]

# The environment setting's name -> (channel, name among that channel's credentials).
_STORED_AS: dict[str, tuple[str, str]] = {
    "twilio_auth_token": ("sms", "auth_token"),
    "ringcentral_verification_token": ("sms", "verification_token"),
    "whatsapp_app_secret": ("whatsapp", "app_secret"),
    "whatsapp_verify_token": ("whatsapp", "verify_token"),
    "telegram_webhook_secret": ("telegram", "webhook_secret"),
}


async def webhook_secret(
    session: AsyncSession, organization_id: uuid.UUID, settings: Settings, name: SecretName
) -> str:
    """The organization's secret, else the environment's; empty when neither is set."""
    channel, credential = _STORED_AS[name]
    config = await ChannelConfigRepository(session, organization_id).for_channel(channel)
    if config is not None and config.credentials:
        value = orjson.loads(config.credentials).get(credential)
        if value:
            return str(value)
    environment: str = getattr(settings, name)
    return environment
