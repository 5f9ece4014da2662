"""The deposit link in the deposit request message: our own URL, sealed with the keyring, that
opens a fresh Stripe Checkout page when the customer follows it (Checkout pages expire after a
day; the message may be read later). No provider is called when the message is queued."""

from __future__ import annotations

import functools
import uuid

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings, load_settings
from maitred.kit import crypto
from maitred.kit.db import Database
from maitred.kit.errors import ValidationFailed
from maitred.payments import accounts
from maitred.payments.charges import Caller, Due, create_checkout_link

TOKEN_CONTEXT = "payments.deposit_link"
PATH = "/api/v1/public/payments/pay"


@functools.lru_cache(maxsize=1)
def _instance() -> Settings:
    """The instance's settings, read once per process: messages are queued by worker handlers
    too, which have no Settings at hand (see messaging/unsubscribe.py)."""
    return load_settings()


def _public_url() -> str:
    return _instance().public_url.rstrip("/")


async def takes_cards(session: AsyncSession, organization_id: uuid.UUID) -> bool:
    """Whether a message may offer the customer a link to pay online."""
    return await accounts.offers_cards(session, organization_id, _instance())


def deposit_link(
    organization_id: uuid.UUID, booking_id: uuid.UUID, purpose: str = "deposit"
) -> str:
    token = crypto.encrypt(
        orjson.dumps([str(organization_id), str(booking_id), purpose]).decode(),
        context=TOKEN_CONTEXT,
    )
    return f"{_public_url()}{PATH}?token={token}"


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
    link = await create_checkout_link(
        database,
        Caller(organization_id=organization_id),
        Due(booking_id=booking_id, purpose=purpose),
        settings=settings,
    )
    return str(link["url"])
