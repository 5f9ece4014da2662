"""SQLite: one worker among the processes that share a database file.

The processes of `maitred serve --workers N` share one file and its one writer: a worker in each
would only take turns on it and fight over the write lock, so the process holding this file lock
works and the others stand by, taking over when it exits (the kernel frees the lock of a killed
process). PostgreSQL needs none: its workers share the outbox by leases.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from pathlib import Path
from typing import IO

from maitred.kit.db import Database

log = logging.getLogger("maitred.worker")
RETRY_SECONDS = 2.0  # how often a worker waiting for the lock tries again


def sole_worker_lock(database: Database) -> Path | None:
    """The lock file beside the SQLite database; None on PostgreSQL."""
    path = database.sqlite_path
    return Path(f"{path}.worker-lock") if path is not None else None


async def hold(path: Path, stopping: asyncio.Event) -> IO[str] | None:
    """The open lock file once this process holds its lock (keep it open to keep the lock);
    None when `stopping` is set first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")  # noqa: SIM115 (held open for the worker's life)
    told = False
    while not stopping.is_set():
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not told:
                log.info("another process runs the worker (%s held); standing by", path)
                told = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), RETRY_SECONDS)
            continue
        return handle
    handle.close()
    return None
