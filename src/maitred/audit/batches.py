"""The audit rows of requests that finish together, written in one transaction.

Every audited request used to open a write transaction of its own for its rows, after its
answer: on a busy process that is one session, one turn of the writer and one COMMIT per POST.
Here the first request to finish writes its rows at once; the rows of the requests that finish
while that write runs wait for it, then go in together with one INSERT. Each request still
returns only once its own rows are committed, so the log is as complete as before when a
request's task ends (and a test that reads the log after its request sees them).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError

from maitred.audit import service as audit_service
from maitred.kit.db import Database

log = logging.getLogger("maitred.audit")


@dataclass(eq=False)
class _Rows:
    entries: list[dict[str, Any]]
    label: str  # "POST /api/v1/…", for the log line when they cannot be written
    done: bool = field(default=False)


class AuditBatches:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._pending: list[_Rows] = []
        self._writing: asyncio.Future[None] | None = None

    async def write(self, entries: list[dict[str, Any]], label: str) -> None:
        """Returns once `entries` are committed (or their failure logged): written now when no
        batch is being written, else with the next batch."""
        rows = _Rows(entries, label)
        self._pending.append(rows)
        while not rows.done:
            if self._writing is None:
                await self._write_pending()
            else:
                await asyncio.shield(self._writing)

    async def _write_pending(self) -> None:
        batch, self._pending = self._pending, []
        writing = self._writing = asyncio.get_running_loop().create_future()
        written = False
        try:
            await self._insert(batch)
            written = True
        finally:
            if written:
                for rows in batch:
                    rows.done = True
            else:  # cancelled mid-write: the next writer takes them
                self._pending[:0] = batch
            self._writing = None
            writing.set_result(None)

    async def _insert(self, batch: list[_Rows]) -> None:
        """One transaction for the batch. If a row is refused (a constraint), each request's
        rows are written alone, so a bad row costs only its own request's record; any other
        failure (the database unreachable) is not retried, as a lone request's was not."""
        try:
            await self._insert_rows([entry for rows in batch for entry in rows.entries])
            return
        except (IntegrityError, DataError):
            if len(batch) == 1:
                log.exception("could not write the audit log of %s", batch[0].label)
                return
        except Exception:
            for rows in batch:
                log.exception("could not write the audit log of %s", rows.label)
            return
        for rows in batch:
            try:
                await self._insert_rows(rows.entries)
            except Exception:
                log.exception("could not write the audit log of %s", rows.label)

    async def _insert_rows(self, entries: list[dict[str, Any]]) -> None:
        async with self.database.transaction() as session:
            await audit_service.insert_entries(session, entries)
