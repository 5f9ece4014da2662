"""What the settings decide about this installation, for `/health` and `/health/features`.

Computed once when the app is built: the settings do not change while it runs. Only
enumerations leave here (`smtp`, `stripe_test`, `configured`), never a URL, key or token.
Outside services are not called: a health probe polled every second must not spend a
provider's rate limit, nor stall when the provider is slow.
"""

from __future__ import annotations

from maitred.config import Settings
from maitred.messaging.providers import registry as messaging_providers
from maitred.payments import accounts as payment_accounts


def _rate_limiting(settings: Settings) -> str:
    if not settings.rate_limit_enabled:
        return "disabled"
    return "redis" if settings.redis_url else "memory"


def settled_features(settings: Settings) -> dict[str, str]:
    """Seed 000's features the settings decide, by its names; the messaging services name the
    provider the instance sends through (`console` records what would have gone out)."""
    payments = payment_accounts.instance_feature(settings)
    return {
        "authentication": "enabled",
        "mfa": "enabled",
        "email_service": messaging_providers.environment_default("email", settings),
        "sms_service": messaging_providers.environment_default("sms", settings),
        "whatsapp_service": messaging_providers.environment_default("whatsapp", settings),
        "telegram_service": messaging_providers.environment_default("telegram", settings),
        "payment_service": payments,
        "payments": payments,  # its name before seed 000's was adopted
        "encryption": "enabled",
        "audit_logging": "enabled",
        "rate_limiting": _rate_limiting(settings),
    }


def external_services(settings: Settings) -> dict[str, str]:
    """Seed 001's `external_services`: `configured` or `not_configured` per outside service, by
    the same settings that choose the providers (openai: the concierge's LLM engine)."""
    configured = {
        "stripe": settings.stripe_api_key,
        "openai": settings.ai_api_key,
        "smtp": settings.smtp_url,
        "twilio": settings.twilio_account_sid,
        "ringcentral": settings.ringcentral_client_id,
        "whatsapp": settings.whatsapp_access_token,
        "telegram": settings.telegram_bot_token,
        "google_sign_in": settings.google_client_id,
    }
    return {name: "configured" if value else "not_configured" for name, value in configured.items()}
