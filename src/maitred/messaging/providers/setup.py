"""What a provider is built from, and what an organization must give it (the channels API checks
the latter before anything is stored, so a bad setting fails at PUT, not at the first send)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from maitred.config import Settings
from maitred.messaging.providers.base import PermanentSendError


@dataclass(frozen=True)
class ProviderSetup:
    """What a provider is built from: an organization's stored settings (credentials decrypted)
    or, for the instance default, empty ones and the environment's `settings`."""

    channel: str
    settings: Settings
    credentials: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    from_environment: bool = False

    def option(self, name: str, default: str = "") -> str:
        value = self.options.get(name)
        return default if value in (None, "") else str(value)

    def secret(self, name: str) -> str:
        value = self.credentials.get(name)
        return "" if value is None else str(value)


# options -> {field: problem}; empty when they are fine
OptionCheck = Callable[[dict[str, Any]], dict[str, str]]


@dataclass(frozen=True)
class ProviderFields:
    """The options (not secret, returned by GET) and credentials (secret, never returned) an
    organization's settings for a provider may hold, and which of them it must."""

    options: tuple[str, ...] = ()
    required_options: tuple[str, ...] = ()
    credentials: tuple[str, ...] = ()
    required_credentials: tuple[str, ...] = ()
    check: OptionCheck | None = None


def require_settings(provider: str, channel: str, values: dict[str, str]) -> None:
    """Refuses to send without what the provider needs: a permanent failure that names what is
    missing (and never its value)."""
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise PermanentSendError(
            f"{provider} is not configured: missing {', '.join(missing)} (set them with "
            f"PUT /messaging/channels/{channel} or in the MAITRED_* environment)",
            code="not_configured",
        )
