"""Which card payment provider the settings describe."""

from __future__ import annotations

from maitred.config import Settings
from maitred.payments.providers.stripe import StripeProvider


def stripe_provider(settings: Settings) -> StripeProvider | None:
    """None without an API key: the offline default, where card payments are unavailable."""
    if not settings.stripe_api_key:
        return None
    return StripeProvider(
        settings.stripe_api_key,
        settings.stripe_webhook_secret,
        api_base=settings.stripe_api_base,
        timeout_seconds=settings.stripe_timeout_seconds,
    )
