"""Files whose bytes a provider still holds (inbound message media): claimed by a worker with a
lease, fetched outside any transaction by the caller, then kept or marked failed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from maitred.config import Settings
from maitred.files import service as files_service
from maitred.files.models import StoredFile
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.leases import claim_due, renew_lease


@dataclass(frozen=True)
class Pending:
    id: uuid.UUID
    organization_id: uuid.UUID
    source: dict[str, Any]
    attempts: int


async def claim(
    database: Database, *, worker_id: str, batch: int, lease_seconds: float
) -> list[uuid.UUID]:
    return await claim_due(
        database,
        StoredFile,
        worker_id=worker_id,
        waiting="pending",
        working="fetching",
        batch=batch,
        lease_seconds=lease_seconds,
    )


async def start(
    database: Database, file_id: uuid.UUID, *, worker_id: str, lease_seconds: float
) -> Pending | None:
    """What to fetch, if the file is still this worker's."""
    if not await renew_lease(
        database, StoredFile, file_id, worker_id=worker_id, lease_seconds=lease_seconds
    ):
        return None
    async with database.transaction(write=False) as session:
        stored = await session.get(StoredFile, file_id)
        if stored is None or stored.locked_by != worker_id or stored.status != "fetching":
            return None
        return Pending(stored.id, stored.organization_id, dict(stored.source), stored.attempts)


async def finish(
    database: Database,
    settings: Settings,
    file_id: uuid.UUID,
    *,
    worker_id: str,
    data: bytes | None = None,
    name: str = "",
    error: str | None = None,
    retry_after: timedelta | None = None,
) -> None:
    """Keeps the fetched bytes (checked like an upload), or records the error: retried after
    `retry_after`, else `failed` for good."""
    async with database.transaction() as session:
        stored = await session.get(StoredFile, file_id, with_for_update=True)
        if stored is None or stored.locked_by != worker_id or stored.status != "fetching":
            return  # the lease lapsed and another worker has it
        if data is not None:
            await files_service.complete_pending(session, settings, stored, data, name)
            return
        stored.locked_by = stored.locked_until = None
        stored.error = (error or "not fetched")[:2000]
        if retry_after is not None:
            stored.status, stored.next_attempt_at = "pending", utcnow() + retry_after
        else:
            stored.status = "failed"
