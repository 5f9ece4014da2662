"""Which card payment provider the settings describe."""

from __future__ import annotations

from maitred.config import Settings
from maitred.payments.providers.stripe import StripeProvider


def stripe_provider(
    settings: Settings, *, api_key: str | None = None, webhook_secret: str = ""
) -> StripeProvider | None:
    """With `api_key` (an organization's own account) a client of that account, else of the
    instance's; None without any key: the offline default, where card payments are
    unavailable. Where Stripe is, how long a call may take and how often the SDK retries it
    are the instance's either way."""
    if api_key is None:
        api_key, webhook_secret = settings.stripe_api_key, settings.stripe_webhook_secret
    if not api_key:
        return None
    return StripeProvider(
        api_key,
        webhook_secret,
        api_base=settings.stripe_api_base,
        timeout_seconds=settings.stripe_timeout_seconds,
        max_network_retries=settings.stripe_max_network_retries,
    )
