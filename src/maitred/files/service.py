"""Stored files: keeping checked bytes, reading them back, and letting them go.

Bytes are written before the row is committed (a rolled-back request can leave bytes nobody
points to, never a row without its bytes); they are removed only after the row that gave them
up is committed, by the worker (files/purging.py), so a rolled-back deletion loses nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.files import checks, signing
from maitred.files.checks import IMAGE_TYPES, MEDIA_TYPES
from maitred.files.models import StoredFile
from maitred.files.repository import StoredFileRepository, signed_file
from maitred.files.storage import new_key, storage_for
from maitred.kit.clock import utcnow
from maitred.kit.errors import AppError, NotFound, ValidationFailed

__all__ = ["IMAGE_TYPES", "MEDIA_TYPES", "StoredFile"]


async def store(
    session: AsyncSession,
    settings: Settings,
    *,
    organization_id: uuid.UUID,
    data: bytes,
    name: str | None,
    allowed: dict[str, str],
    owner_kind: str,
    owner_id: uuid.UUID | None = None,
    created_by: uuid.UUID | None = None,
) -> StoredFile:
    """The checked file, kept (413, 415 or 422 when it may not be)."""
    checked = checks.check(data, allowed=allowed, max_bytes=settings.upload_max_bytes)
    key = new_key(organization_id, checked.extension)
    await storage_for(settings).put(key, checked.data, checked.content_type)
    stored = StoredFileRepository(session, organization_id).add(
        StoredFile(
            key=key,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=hashlib.sha256(checked.data).hexdigest(),
            original_name=checks.clean_name(name, extension=checked.extension),
            owner_kind=owner_kind,
            owner_id=owner_id,
            created_by=created_by,
            status="stored",
        )
    )
    await session.flush()
    return stored


def add_pending(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    owner_kind: str,
    owner_id: uuid.UUID,
    source: dict[str, Any],
    content_type: str = "",
) -> StoredFile:
    """A file whose bytes a provider still holds; the worker fetches them."""
    return StoredFileRepository(session, organization_id).add(
        StoredFile(
            owner_kind=owner_kind,
            owner_id=owner_id,
            status="pending",
            source=source,
            content_type=content_type[:100] or "application/octet-stream",
            next_attempt_at=utcnow(),
        )
    )


async def complete_pending(
    session: AsyncSession, settings: Settings, stored: StoredFile, data: bytes, name: str = ""
) -> None:
    """The fetched bytes of a pending file, checked like an upload; a file that fails the checks
    is `failed` with the reason (its bytes are not kept)."""
    try:
        checked = checks.check(data, allowed=MEDIA_TYPES, max_bytes=settings.upload_max_bytes)
    except AppError as exc:  # too large, unsupported, damaged
        stored.status, stored.error = "failed", f"{exc.message}: {exc.details.get('file', '')}"
        stored.locked_by = stored.locked_until = None
        return
    key = new_key(stored.organization_id, checked.extension)
    await storage_for(settings).put(key, checked.data, checked.content_type)
    stored.key, stored.content_type = key, checked.content_type
    stored.size, stored.sha256 = len(checked.data), hashlib.sha256(checked.data).hexdigest()
    stored.original_name = checks.clean_name(name or "attachment", extension=checked.extension)
    stored.status, stored.error = "stored", None
    stored.locked_by = stored.locked_until = None


async def content(settings: Settings, stored: StoredFile) -> bytes:
    if stored.key is None or stored.status != "stored":
        raise NotFound("No such file")
    return await storage_for(settings).get(stored.key)


async def get_owned(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    file_id: uuid.UUID,
    owner_kind: str,
    owner_id: uuid.UUID | None = None,
) -> StoredFile:
    """The organization's stored file of this owner, else 404."""
    found = await StoredFileRepository(session, organization_id).get(file_id)
    if (
        found is None
        or found.owner_kind != owner_kind
        or (owner_id is not None and found.owner_id != owner_id)
        or found.status in ("deleting", "purging")
    ):
        raise NotFound("No such file")
    return found


async def owned(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    owner_kind: str,
    owner_ids: Collection[uuid.UUID],
) -> dict[uuid.UUID, list[StoredFile]]:
    found: dict[uuid.UUID, list[StoredFile]] = {}
    repository = StoredFileRepository(session, organization_id)
    for stored in await repository.owned(owner_kind, set(owner_ids)):
        assert stored.owner_id is not None
        found.setdefault(stored.owner_id, []).append(stored)
    return found


async def claim_uploads(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    file_ids: Sequence[uuid.UUID],
    owner_kind: str,
    owner_id: uuid.UUID,
    field: str = "attachment_ids",
) -> list[StoredFile]:
    """Uploads not yet given to anything become `owner`'s; an unknown id, another
    organization's or one already used is 422."""
    found = {f.id: f for f in await StoredFileRepository(session, organization_id).by_ids(file_ids)}
    problems = {
        f"{field}[{i}]": "No such upload (or it is already attached)"
        for i, file_id in enumerate(file_ids)
        if (f := found.get(file_id)) is None or f.owner_kind != "upload" or f.status != "stored"
    }
    if problems or len(set(file_ids)) != len(file_ids):
        raise ValidationFailed(details=problems or {field: "An upload is named twice"})
    claimed = [found[file_id] for file_id in file_ids]
    for stored in claimed:
        stored.owner_kind, stored.owner_id = owner_kind, owner_id
    await session.flush()
    return claimed


def discard(files: Collection[StoredFile]) -> int:
    """The files are let go: their names go now, their bytes after commit (the worker)."""
    now = utcnow()
    for stored in files:
        stored.status, stored.original_name, stored.source = "deleting", "", {}
        stored.next_attempt_at, stored.locked_by, stored.locked_until = now, None, None
    return len(files)


async def discard_owned(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    owner_kind: str,
    owner_ids: Collection[uuid.UUID],
) -> int:
    files = await StoredFileRepository(session, organization_id).owned(owner_kind, set(owner_ids))
    count = discard(files)
    await session.flush()
    return count


async def by_signed_token(session: AsyncSession, settings: Settings, token: str) -> StoredFile:
    file_id = signing.file_of(settings, token)
    found = await signed_file(session, file_id) if file_id is not None else None
    if found is None:
        raise NotFound("No such file")
    return found


def signed_url(settings: Settings, stored: StoredFile) -> str:
    return signing.signed_url(settings, stored.id)


def file_view(stored: StoredFile, url: str | None) -> dict[str, Any]:
    return {
        "id": stored.id,
        "name": stored.original_name,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
        "status": stored.status,
        "url": url,
        "created_at": stored.created_at,
    }
