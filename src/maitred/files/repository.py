"""Queries of stored files, scoped to one organization by construction."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any, ClassVar

from maitred.files.models import StoredFile
from maitred.kit.repository import Repository


class StoredFileRepository(Repository[StoredFile]):
    model: ClassVar[type[Any]] = StoredFile
    not_found_message: ClassVar[str] = "No such file"

    async def owned(
        self, owner_kind: str, owner_ids: Collection[uuid.UUID]
    ) -> Sequence[StoredFile]:
        """The files of these owners that are not on their way out, oldest first."""
        if not owner_ids:
            return []
        statement = (
            self.scoped()
            .where(
                StoredFile.owner_kind == owner_kind,
                StoredFile.owner_id.in_(owner_ids),
                StoredFile.status.not_in(("deleting", "purging")),
            )
            .order_by(StoredFile.created_at, StoredFile.id)
        )
        return await self.all(statement)

    async def by_ids(self, ids: Collection[uuid.UUID]) -> Sequence[StoredFile]:
        if not ids:
            return []
        return await self.all(self.scoped().where(StoredFile.id.in_(ids)))


async def signed_file(session: Any, file_id: uuid.UUID) -> StoredFile | None:
    """A stored file of any organization: only for a signed link, whose token is the
    credential (files/signing.py) and names this one file."""
    found: StoredFile | None = await session.get(StoredFile, file_id)
    return found if found is not None and found.status == "stored" else None
