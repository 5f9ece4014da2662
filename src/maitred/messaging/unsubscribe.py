"""Unsubscribing from marketing email: every marketing email carries a link (and the
`List-Unsubscribe` header mail clients show as a button); following it records an OptOut.

The token names the organization, channel and address, sealed with the field-encryption keyring
(AES-GCM, keys derived from the secret key unless configured): it cannot be forged or altered,
and unlike a plainly signed token it does not put the address into URLs and access logs. It does
not expire: an old email's link must still work (RFC 8058 expects that too).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import TYPE_CHECKING

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import instance_settings
from maitred.kit import crypto
from maitred.kit.errors import ValidationFailed
from maitred.messaging import contacts
from maitred.messaging.models import OptOut
from maitred.messaging.repository import OptOutRepository

if TYPE_CHECKING:
    from maitred.kit.letters import Outgoing

TOKEN_CONTEXT = "messaging.unsubscribe"
PATH = "/api/v1/public/unsubscribe"


@dataclasses.dataclass(frozen=True)
class Unsubscribe:
    organization_id: uuid.UUID
    channel: str
    address: str


def make_token(organization_id: uuid.UUID, channel: str, address: str) -> str:
    """URL-safe as it is (base64url parts joined by dots)."""
    plain = orjson.dumps([str(organization_id), channel, address]).decode()
    return crypto.encrypt(plain, context=TOKEN_CONTEXT)


def read_token(token: str) -> Unsubscribe:
    try:
        organization_id, channel, address = orjson.loads(
            crypto.decrypt(token.strip(), context=TOKEN_CONTEXT)
        )
        return Unsubscribe(uuid.UUID(organization_id), str(channel), str(address))
    except (crypto.DecryptionError, orjson.JSONDecodeError, ValueError, TypeError):
        raise ValidationFailed(
            "This unsubscribe link is not valid", details={"token": "Invalid link"}
        ) from None


def link(organization_id: uuid.UUID, channel: str, address: str) -> str:
    """Where links in messages point is the instance's MAITRED_PUBLIC_URL: messages are queued
    by requests and by worker handlers alike, and only the app has its Settings at hand."""
    base = instance_settings().public_url.rstrip("/")
    return f"{base}{PATH}?token={make_token(organization_id, channel, address)}"


def with_unsubscribe_link(outgoing: Outgoing, organization_id: uuid.UUID, address: str) -> Outgoing:
    """A marketing email with the link at the end of its text and HTML, and the headers of
    RFC 2369 and RFC 8058 (one-click: a POST to the same link) in `meta["extra"]`."""
    url = link(organization_id, outgoing.channel, address)
    meta = dict(outgoing.meta or {})
    meta["extra"] = dict(meta.get("extra") or {}) | {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    html = outgoing.body_html
    if html is not None:
        html += f'\n<p style="font-size:small"><a href="{url}">Unsubscribe</a></p>'
    return dataclasses.replace(
        outgoing,
        body_text=f"{outgoing.body_text.rstrip()}\n\nUnsubscribe: {url}",
        body_html=html,
        meta=meta,
    )


async def record_opt_out(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    channel: str,
    address: str,
    source: str,
) -> OptOut:
    """Idempotent: an address already opted out keeps its first record."""
    index = contacts.contact_index(channel, address)
    repository = OptOutRepository(session, organization_id)
    found = await repository.find(channel, index)
    if found is not None:
        return found
    opt_out = OptOut(channel=channel, contact=address, contact_index=index, source=source)
    try:
        async with session.begin_nested():
            repository.add(opt_out)
            await session.flush()
    except IntegrityError:  # the same link followed twice at once
        found = await repository.find(channel, index)
        assert found is not None
        return found
    return opt_out


async def unsubscribe(session: AsyncSession, token: str) -> Unsubscribe:
    """Follows a link: the address gets no more marketing on that channel."""
    wanted = read_token(token)
    await record_opt_out(
        session,
        wanted.organization_id,
        channel=wanted.channel,
        address=wanted.address,
        source="unsubscribe_link",
    )
    return wanted
