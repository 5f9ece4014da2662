"""Files sent with messages and received with them (MMS, WhatsApp and Telegram media).

Staff upload a file first (`POST /messages/attachments`) and name it when sending; the sender
hands each provider a signed, expiring link to it (Twilio, WhatsApp fetch it from us) or its
bytes (Telegram). An inbound message's media stays at the provider until the worker fetches it
with the channel's credentials; meanwhile it is listed as `pending`. Attachments are staff-only
and organization-scoped: downloads need `messages:read`, and another organization's are 404.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.files import pending as files_pending
from maitred.files import service as files_service
from maitred.kit import pollers
from maitred.kit.errors import ValidationFailed
from maitred.kit.leases import backoff
from maitred.kit.pollers import PollContext, poller
from maitred.messaging import attached
from maitred.messaging.inbox_repository import InboxMessages
from maitred.messaging.models import Message
from maitred.messaging.provider_callbacks import MediaRef
from maitred.messaging.providers.base import Media, PermanentSendError
from maitred.messaging.providers.registry import provider_for

log = logging.getLogger("maitred.messages")
OWNER = "message"
UPLOAD = "upload"
CHANNELS = ("sms", "whatsapp", "telegram")
MAX_PER_MESSAGE = 10
FETCHER = "messaging.fetch_media"  # the poller that fetches inbound files
# Whose credentials fetch a provider's media: Twilio's are on the SMS channel, also for
# WhatsApp through Twilio.
_CREDENTIALS_CHANNEL = {"twilio": "sms", "whatsapp_cloud": "whatsapp", "telegram": "telegram"}
MAX_BACKOFF_SECONDS = 3600.0


def attachment_view(message_id: uuid.UUID, stored: files_service.StoredFile) -> dict[str, Any]:
    url = f"/api/v1/messages/{message_id}/attachments/{stored.id}"
    view = files_service.file_view(stored, url if stored.status == "stored" else None)
    view["error"] = stored.error if stored.status == "failed" else None
    return view


def upload_view(stored: files_service.StoredFile) -> dict[str, Any]:
    return files_service.file_view(stored, None) | {"error": None}


async def upload(
    session: AsyncSession,
    settings: Settings,
    organization_id: uuid.UUID,
    *,
    data: bytes,
    name: str | None,
    created_by: uuid.UUID | None,
) -> dict[str, Any]:
    stored = await files_service.store(
        session,
        settings,
        organization_id=organization_id,
        data=data,
        name=name,
        allowed=files_service.MEDIA_TYPES,
        owner_kind=UPLOAD,
        created_by=created_by,
    )
    return upload_view(stored)


async def views_for(
    session: AsyncSession, organization_id: uuid.UUID, message_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    owned = await files_service.owned(
        session, organization_id=organization_id, owner_kind=OWNER, owner_ids=message_ids
    )
    return {
        message_id: [attachment_view(message_id, f) for f in files]
        for message_id, files in owned.items()
    }


async def attach(
    session: AsyncSession,
    organization_id: uuid.UUID,
    message: Message,
    attachment_ids: Sequence[uuid.UUID],
) -> list[dict[str, Any]]:
    if not attachment_ids:
        return []
    if message.channel not in CHANNELS:
        raise ValidationFailed(details={"attachment_ids": "Files go by sms, whatsapp or telegram"})
    if len(attachment_ids) > MAX_PER_MESSAGE:
        raise ValidationFailed(details={"attachment_ids": f"At most {MAX_PER_MESSAGE} files"})
    claimed = await files_service.claim_uploads(
        session,
        organization_id=organization_id,
        file_ids=attachment_ids,
        owner_kind=OWNER,
        owner_id=message.id,
    )
    return [attachment_view(message.id, f) for f in claimed]


def note_inbound(
    session: AsyncSession,
    organization_id: uuid.UUID,
    message: Message,
    provider: str,
    media: Sequence[MediaRef],
) -> None:
    """The message's files, to be fetched from `provider` by the worker."""
    channel = _CREDENTIALS_CHANNEL.get(provider)
    for ref in media[:MAX_PER_MESSAGE]:
        if channel is None or not ref.ref:
            continue
        files_service.add_pending(
            session,
            organization_id=organization_id,
            owner_kind=OWNER,
            owner_id=message.id,
            source={"provider": provider, "channel": channel, "ref": ref.ref, "name": ref.name},
            content_type=ref.content_type,
        )
        pollers.wake(session, FETCHER)


async def download(
    session: AsyncSession,
    settings: Settings,
    organization_id: uuid.UUID,
    *,
    message_id: uuid.UUID,
    attachment_id: uuid.UUID,
) -> tuple[files_service.StoredFile, bytes]:
    message = await InboxMessages(session, organization_id).get_or_404(message_id)
    stored = await files_service.get_owned(
        session,
        organization_id=organization_id,
        file_id=attachment_id,
        owner_kind=OWNER,
        owner_id=message.id,
    )
    return stored, await files_service.content(settings, stored)


async def media_for_sending(
    session: AsyncSession, settings: Settings, messages: Sequence[Message]
) -> dict[uuid.UUID, tuple[Media, ...] | Exception]:
    """What a provider needs of each message's files (a signed link, the type, the name, the
    bytes), read for a batch at once; a message whose files could not be read gets the error
    instead (storage unreachable: worth another try)."""
    owned: dict[uuid.UUID, list[Any]] = {}
    for organization_id in {message.organization_id for message in messages}:
        owned |= await files_service.owned(
            session,
            organization_id=organization_id,
            owner_kind=OWNER,
            owner_ids=[m.id for m in messages if m.organization_id == organization_id],
        )
    found: dict[uuid.UUID, tuple[Media, ...] | Exception] = {}
    for message in messages:
        try:
            media = [
                Media(
                    url=files_service.signed_url(settings, stored),
                    content_type=stored.content_type,
                    name=stored.original_name,
                    data=await files_service.content(settings, stored),
                )
                for stored in owned.get(message.id, [])
                if stored.status == "stored"
            ]
            media += await attached.media_of(session, message.organization_id, message.meta)
        except Exception as exc:
            found[message.id] = exc
        else:
            found[message.id] = tuple(media)
    return found


@poller(FETCHER, longest=2.0)
async def fetch_due(context: PollContext) -> int:
    lease = context.settings.message_lease_seconds
    claimed = await files_pending.claim(
        context.database, worker_id=context.worker_id, batch=10, lease_seconds=lease
    )
    for file_id in claimed:
        await fetch_one(context, file_id)
    return len(claimed)


async def fetch_one(context: PollContext, file_id: uuid.UUID) -> None:
    settings, worker = context.settings, context.worker_id
    found = await files_pending.start(
        context.database, file_id, worker_id=worker, lease_seconds=settings.message_lease_seconds
    )
    if found is None:
        return
    source = found.source
    async with context.database.transaction(write=False) as session:
        try:
            provider: Any = await provider_for(
                session, found.organization_id, str(source.get("channel")), settings
            )
        except (LookupError, ValueError, KeyError) as exc:
            provider, problem = None, f"channel not usable: {exc}"
    if provider is not None and (
        provider.name != source.get("provider") or not hasattr(provider, "fetch_media")
    ):
        provider, problem = None, f"the channel no longer uses {source.get('provider')}"
    if provider is None:
        await files_pending.finish(
            context.database, settings, file_id, worker_id=worker, error=problem
        )
        return
    try:
        fetched = await provider.fetch_media(
            str(source.get("ref")), max_bytes=settings.upload_max_bytes
        )
    except PermanentSendError as exc:
        await files_pending.finish(
            context.database, settings, file_id, worker_id=worker, error=str(exc)
        )
        return
    except Exception as exc:  # transient: timeouts, 5xx, the unexpected
        log.warning("fetching media %s failed: %s", file_id, exc)
        retry = (
            backoff(
                found.attempts,
                base_seconds=settings.message_backoff_seconds,
                max_seconds=MAX_BACKOFF_SECONDS,
            )
            if found.attempts < settings.message_max_attempts
            else None
        )
        await files_pending.finish(
            context.database,
            settings,
            file_id,
            worker_id=worker,
            error=str(exc),
            retry_after=retry,
        )
        return
    await files_pending.finish(
        context.database,
        settings,
        file_id,
        worker_id=worker,
        data=fetched.data,
        name=fetched.name or str(source.get("name") or ""),
    )
