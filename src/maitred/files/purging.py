"""The worker removes the bytes of files let go (`deleting`), then their rows: after the commit
that let them go, so a rolled-back request never loses a file it still points to."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, update

from maitred.files.models import StoredFile
from maitred.files.storage import storage_for
from maitred.kit.clock import utcnow
from maitred.kit.leases import claim_due
from maitred.kit.pollers import PollContext, poller

log = logging.getLogger("maitred.files")
# An upload nobody sent with a message within this long is let go.
UNSENT_UPLOAD_TTL = timedelta(days=1)


@poller("files.purge")
async def purge_discarded(context: PollContext) -> int:
    claimed = await claim_due(
        context.database,
        StoredFile,
        worker_id=context.worker_id,
        waiting="deleting",
        working="purging",
        batch=50,
        lease_seconds=120.0,
    )
    storage = storage_for(context.settings)
    for file_id in claimed:
        async with context.database.transaction(write=False) as session:
            stored = await session.get(StoredFile, file_id)
            key = stored.key if stored is not None else None
        try:
            if key is not None:
                await storage.delete(key)
        except Exception:  # kept `purging`: claimed again when the lease lapses
            log.warning("removing the bytes of file %s failed; retrying later", file_id)
            continue
        async with context.database.transaction() as session:
            await session.execute(
                delete(StoredFile).where(
                    StoredFile.id == file_id, StoredFile.locked_by == context.worker_id
                )
            )
    return len(claimed)


# A write transaction each pass, for uploads a day old: asked once a minute at most.
@poller("files.expire_uploads", every=60.0, longest=600.0)
async def expire_unsent_uploads(context: PollContext) -> int:
    """Uploads for messages that were never sent do not pile up: after a day they are let go
    like any other file (the purge above removes them)."""
    now = utcnow()
    async with context.database.transaction() as session:
        result = await session.execute(
            update(StoredFile)
            .where(
                StoredFile.owner_kind == "upload",
                StoredFile.status == "stored",
                StoredFile.created_at < now - UNSENT_UPLOAD_TTL,
            )
            .values(status="deleting", original_name="", next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)
