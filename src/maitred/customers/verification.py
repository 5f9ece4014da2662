"""A signed-in account proving it holds its email (a single-use link sent there) or its phone (a
six-digit code sent by SMS); only then does it reach the customer record with that address.

The proof is finished by the same signed-in account that asked for it: someone who registered
with another person's email cannot use the link (it lands in that person's mailbox), and that
person clicking it links nothing to an account they do not hold. Secrets are kept only as
hashes; a link lasts a day, a code ten minutes and five tries.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.accounts import link_verified
from maitred.customers.briefs import CustomerBrief
from maitred.customers.models import ContactVerification
from maitred.customers.records import email_index, phone_index
from maitred.customers.verification_repository import Verifications
from maitred.identity import service as identity_service
from maitred.identity.opaque import digest, new_secret
from maitred.kit import phones
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import AppError, ValidationFailed

if TYPE_CHECKING:
    from maitred.identity.models import User

LINK_LIFETIME = timedelta(hours=24)
CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5
ASKS_PER_HOUR = 5


class VerificationFailed(AppError):
    """A link or code that is wrong, used, expired or another account's."""

    message = "The link or code is invalid or has expired; ask for a new one"
    keep_changes = True  # a wrong code counts towards the code's limit


class TooManyRequests(AppError):
    """More links or codes asked for in an hour than anyone needs."""

    status_code, code = 429, "rate_limit_exceeded"
    message = "Too many verification requests; try again in an hour"


@dataclass(frozen=True)
class Challenge:
    """What to send: the secret goes to `address` only, never to the answer or the log."""

    channel: str  # email, phone
    address: str
    secret: str
    expires_at: datetime


@dataclass(frozen=True)
class Proven:
    channel: str
    customer: CustomerBrief | None


def _address(user: User, channel: str) -> tuple[str, str]:
    """The account's address on the channel and its blind index (as customers keep it)."""
    if channel == "email":
        return user.email, email_index(user.email)
    if not user.phone:
        raise ValidationFailed(
            "Add a phone number to your profile first (PATCH /auth/me)",
            details={"phone": "Your profile has no phone number"},
        )
    if channel == "phone" and (undialable := phones.undialable_reason(user.phone)):
        raise ValidationFailed("No code can be sent to this number", details={"phone": undialable})
    return user.phone, phone_index(user.phone)


async def is_verified(session: AsyncSession, user: User, channel: str) -> bool:
    if channel == "email":
        return user.email_verified
    if not user.phone:
        return False
    return await Verifications(session, user.id).is_verified("phone", phone_index(user.phone))


def _code_hash(proof_id: uuid.UUID, code: str) -> str:
    """Six digits are few: salted with the row id, so equal codes never share a hash."""
    return digest(f"{proof_id}:{code}")


async def ask(
    session: AsyncSession, *, organization_id: uuid.UUID, user: User, channel: str
) -> Challenge | None:
    """A new link or code to send; None when the address is proven already (then the record
    is linked now, in this organization)."""
    address, index = _address(user, channel)
    if await is_verified(session, user, channel):
        await link_verified(session, organization_id=organization_id, user=user)
        return None
    proofs = Verifications(session, user.id)
    now = utcnow()
    if await proofs.asked_since(channel, now - timedelta(hours=1)) >= ASKS_PER_HOUR:
        raise TooManyRequests(headers={"Retry-After": "3600"})
    proof_id = uuid.uuid4()
    if channel == "email":
        secret, expires = new_secret(), now + LINK_LIFETIME
        secret_hash = digest(secret)
    else:
        secret, expires = f"{secrets.randbelow(10**6):06d}", now + CODE_LIFETIME
        secret_hash = _code_hash(proof_id, secret)
    proofs.add(
        ContactVerification(
            id=proof_id,
            organization_id=organization_id,
            channel=channel,
            address_index=index,
            secret_hash=secret_hash,
            expires_at=expires,
        )
    )
    await session.flush()
    record(
        f"auth.verify_{channel}_requested",
        resource_type="user",
        resource_id=user.id,
        actor_user_id=user.id,
        organization_id=organization_id,
    )
    return Challenge(channel, address, secret, expires)


async def confirm_email(session: AsyncSession, *, user: User, token: str) -> Proven:
    """The link came back to the account that asked for it: the email is theirs."""
    proof = await Verifications(session, user.id).by_secret("email", digest(token))
    now = utcnow()
    if (
        proof is None
        or proof.used_at is not None
        or proof.expires_at <= now
        or not hmac.compare_digest(proof.address_index, email_index(user.email))
    ):
        raise VerificationFailed()
    proof.used_at = proof.verified_at = now
    await identity_service.mark_email_verified(session, user)
    return await _proven(session, user, proof)


async def confirm_phone(session: AsyncSession, *, user: User, code: str) -> Proven:
    """The code sent to the account's phone, within its time and tries."""
    _, index = _address(user, "phone")
    proof = await Verifications(session, user.id).latest_open("phone", index)
    now = utcnow()
    if proof is None or proof.expires_at <= now:
        raise VerificationFailed()
    proof.attempts += 1
    if proof.attempts >= CODE_TRIES:
        proof.used_at = now  # the last try, right or wrong: a new code is needed after it
    if not hmac.compare_digest(proof.secret_hash, _code_hash(proof.id, code.strip())):
        await session.flush()
        raise VerificationFailed(
            "The code is wrong or has expired",
            details={"code": f"{max(CODE_TRIES - proof.attempts, 0)} tries left for this code"},
        )
    proof.used_at = proof.verified_at = now
    return await _proven(session, user, proof)


async def _proven(session: AsyncSession, user: User, proof: ContactVerification) -> Proven:
    await session.flush()
    record(
        f"auth.{proof.channel}_verified",
        resource_type="user",
        resource_id=user.id,
        actor_user_id=user.id,
        organization_id=proof.organization_id,
    )
    customer = await link_verified(session, organization_id=proof.organization_id, user=user)
    return Proven(proof.channel, customer)
