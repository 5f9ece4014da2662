"""The worker removes the bytes of files let go (`deleting`), then their rows: after the commit
that let them go, so a rolled-back request never loses a file it still points to."""

from __future__ import annotations

import logging

from sqlalchemy import delete

from maitred.files.models import StoredFile
from maitred.files.storage import storage_for
from maitred.kit.leases import claim_due
from maitred.kit.pollers import PollContext, poller

log = logging.getLogger("maitred.files")


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
