"""Addresses as messaging keeps them: normalized per channel, found by a blind index."""

from __future__ import annotations

from maitred.identity import service as identity_service
from maitred.kit import crypto
from maitred.kit.errors import ValidationFailed

CHANNELS = ("email", "sms", "whatsapp", "telegram")
PHONE_CHANNELS = ("sms", "whatsapp")


def normalize(channel: str, address: str, *, region: str = "US", field: str = "to") -> str:
    """E.164 for SMS and WhatsApp, a lowercased email, a Telegram chat id as given."""
    address = address.strip()
    if not address:
        raise ValidationFailed(details={field: "An address is required"})
    if channel == "email":
        try:
            return identity_service.normalize_email(address)
        except ValidationFailed:
            raise ValidationFailed(details={field: "Not a valid email address"}) from None
    if channel in PHONE_CHANNELS:
        return identity_service.normalize_phone(address, region=region, field=field)
    if channel == "telegram":
        return address
    raise ValidationFailed(details={"channel": f"Unknown channel; one of {', '.join(CHANNELS)}"})


def contact_index(channel: str, address: str) -> str:
    """Phones share one index across SMS and WhatsApp: the same person either way."""
    kind = "phone" if channel in PHONE_CHANNELS else channel
    return crypto.blind_index(f"{kind}:{address}", purpose="messages.contact")
