"""Whose Stripe account takes an organization's card payments: its own (`PUT /payments/provider`,
for platforms hosting several businesses, secrets encrypted) or else the instance's
`MAITRED_STRIPE_*`. With neither, card payments are unavailable and say so (422); payments staff
record (cash, check, transfer) work regardless."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.kit.auditnote import record
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.payments.models import ProviderConfig
from maitred.payments.providers import registry
from maitred.payments.providers.stripe import NAME as STRIPE
from maitred.payments.providers.stripe import StripeProvider
from maitred.payments.repository import ProviderConfigRepository

UNAVAILABLE = (
    "Card payments are not set up: configure Stripe (MAITRED_STRIPE_API_KEY, or the "
    "organization's keys at PUT /payments/provider); cash, check and bank transfers can "
    "still be recorded"
)


def _hint(api_key: str) -> str:
    return f"{api_key[:8]}…{api_key[-4:]}" if len(api_key) > 12 else "…"


def instance_feature(settings: Settings) -> str:
    """What `/health/features` says of payments: `stripe_test` or `stripe_live` (by the
    instance key's mode), `not_configured` without an instance key (a business may still have
    its own keys). Never the key itself."""
    key = settings.stripe_api_key
    if not key:
        return "not_configured"
    return "stripe_live" if "_live_" in key else "stripe_test"


async def card_provider(
    session: AsyncSession, organization_id: uuid.UUID, settings: Settings
) -> StripeProvider | None:
    """A fresh client (close it with `aclose`), or None when card payments are not set up."""
    own = await ProviderConfigRepository(session, organization_id).of(STRIPE)
    if own is not None:
        return registry.stripe_provider(
            settings, api_key=own.api_key, webhook_secret=own.webhook_secret or ""
        )
    return registry.stripe_provider(settings)


async def offers_cards(
    session: AsyncSession, organization_id: uuid.UUID, settings: Settings
) -> bool:
    if settings.stripe_api_key:
        return True
    return await ProviderConfigRepository(session, organization_id).of(STRIPE) is not None


async def required_card_provider(
    session: AsyncSession, organization_id: uuid.UUID, settings: Settings
) -> StripeProvider:
    provider = await card_provider(session, organization_id, settings)
    if provider is None:
        raise ValidationFailed(UNAVAILABLE, details={"payment_method": UNAVAILABLE})
    return provider


async def webhook_secret(
    session: AsyncSession, organization_id: uuid.UUID | None, settings: Settings
) -> str:
    """The endpoint secret that signs this webhook URL's events ("" when none is set: every
    event is then refused)."""
    if organization_id is None:
        return settings.stripe_webhook_secret
    own = await ProviderConfigRepository(session, organization_id).of(STRIPE)
    if own is None:
        raise NotFound("No Stripe account is set up for this organization")
    return own.webhook_secret or ""


async def describe(
    session: AsyncSession, organization_id: uuid.UUID, settings: Settings
) -> dict[str, Any]:
    own = await ProviderConfigRepository(session, organization_id).of(STRIPE)
    if own is not None:
        return {
            "provider": STRIPE,
            "source": "organization",
            "card_payments": True,
            "publishable_key": own.publishable_key or None,
            "api_key_hint": own.key_hint,
            "webhook_secret_set": bool(own.webhook_secret),
            "webhook_path": f"/api/v1/webhooks/stripe/{organization_id}",
        }
    configured = bool(settings.stripe_api_key)
    return {
        "provider": STRIPE if configured else None,
        "source": "instance" if configured else "none",
        "card_payments": configured,
        "publishable_key": (settings.stripe_publishable_key or None) if configured else None,
        "api_key_hint": _hint(settings.stripe_api_key) if configured else "",
        "webhook_secret_set": bool(settings.stripe_webhook_secret),
        "webhook_path": "/api/v1/webhooks/stripe",
    }


async def configure(
    session: AsyncSession,
    organization_id: uuid.UUID,
    settings: Settings,
    *,
    api_key: str,
    webhook_secret: str | None,
    publishable_key: str | None,
    actor_user_id: uuid.UUID | None,
) -> dict[str, Any]:
    """Replaces the organization's own keys; a webhook secret or publishable key not sent is
    kept."""
    repository = ProviderConfigRepository(session, organization_id)
    own = await repository.of(STRIPE)
    if own is None:
        own = repository.add(ProviderConfig(provider=STRIPE, api_key=api_key))
    own.api_key = api_key
    own.key_hint = _hint(api_key)
    if webhook_secret is not None:
        own.webhook_secret = webhook_secret
    if publishable_key is not None:
        own.publishable_key = publishable_key
    await session.flush()
    record(
        "payments.provider_configured",
        resource_type="organization",
        resource_id=organization_id,
        actor_user_id=actor_user_id,
        organization_id=organization_id,
        changes={"provider": STRIPE, "api_key": own.key_hint},
    )
    return await describe(session, organization_id, settings)


async def remove(
    session: AsyncSession, organization_id: uuid.UUID, *, actor_user_id: uuid.UUID | None
) -> None:
    repository = ProviderConfigRepository(session, organization_id)
    own = await repository.of(STRIPE)
    if own is None:
        raise NotFound("The organization has no Stripe keys of its own")
    await session.delete(own)
    record(
        "payments.provider_removed",
        resource_type="organization",
        resource_id=organization_id,
        actor_user_id=actor_user_id,
        organization_id=organization_id,
    )
