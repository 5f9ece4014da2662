"""The deposit link in the deposit request message: our own URL, sealed with the keyring, that
opens a fresh Stripe Checkout page when the customer follows it (Checkout pages expire after a
day; the message may be read later). No provider is called when the message is queued."""

from __future__ import annotations

import uuid

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.config import Settings, instance_settings
from maitred.kit import crypto
from maitred.kit.db import Database
from maitred.kit.errors import InvalidState, ValidationFailed
from maitred.payments import accounts
from maitred.payments.caller import Caller
from maitred.payments.dues import Due
from maitred.payments.pages import create_checkout_link

TOKEN_CONTEXT = "payments.deposit_link"
PATH = "/api/v1/public/payments/pay"
# What the customer reads instead of the staff's wording (which names settings and endpoints).
NO_CARDS = "Paying online is not available for this booking; please contact us to pay."
CANCELLED = "This booking is cancelled: nothing is due."


async def takes_cards(session: AsyncSession, organization_id: uuid.UUID) -> bool:
    """Whether a message may offer the customer a link to pay online."""
    return await accounts.offers_cards(session, organization_id, instance_settings())


def deposit_link(
    organization_id: uuid.UUID, booking_id: uuid.UUID, purpose: str = "deposit"
) -> str:
    token = crypto.encrypt(
        orjson.dumps([str(organization_id), str(booking_id), purpose]).decode(),
        context=TOKEN_CONTEXT,
    )
    base = instance_settings().public_url.rstrip("/")
    return f"{base}{PATH}?token={token}"


def read_token(token: str) -> tuple[uuid.UUID, uuid.UUID, str]:
    try:
        organization_id, booking_id, purpose = orjson.loads(
            crypto.decrypt(token.strip(), context=TOKEN_CONTEXT)
        )
        return uuid.UUID(organization_id), uuid.UUID(booking_id), str(purpose)
    except (crypto.DecryptionError, orjson.JSONDecodeError, ValueError, TypeError):
        raise ValidationFailed(
            "This payment link is not valid", details={"token": "Invalid link"}
        ) from None


async def checkout_for(database: Database, token: str, settings: Settings) -> str:
    """The hosted page's URL for the link's booking (the same page again while it is open)."""
    organization_id, booking_id, purpose = read_token(token)
    async with database.transaction(write=False) as session:
        money = await bookings_service.money_of(session, organization_id, booking_id)
        cards = await accounts.offers_cards(session, organization_id, settings)
    if money.status == "cancelled":
        raise InvalidState(CANCELLED)
    if not cards:
        raise ValidationFailed(NO_CARDS)
    link = await create_checkout_link(
        database,
        Caller(organization_id=organization_id),
        Due(booking_id=booking_id, purpose=purpose),
        settings=settings,
    )
    return str(link["url"])
