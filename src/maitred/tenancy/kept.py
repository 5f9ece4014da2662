"""The organization a public request names, kept in memory at its stored version: the public
booking's ORM read of it cost ~0.4 ms of ~4.5 (bench/README.md). A change made by any process
sets `updated_at`, so the next request loads it anew."""

from __future__ import annotations

import copy
import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from maitred.kit.reads import ReadPool
from maitred.tenancy import service as tenancy_service
from maitred.tenancy import snapshots as tenancy_snapshots
from maitred.tenancy.models import Organization

# Organizations the public routes named, as loaded at their version (the row's `updated_at`,
# which every write sets): `find_kept`'s.
_KEPT: dict[uuid.UUID, Organization] = {}
_KEPT_LIMIT = 10_000


async def find_kept(session: AsyncSession, reads: ReadPool, id_or_slug: str) -> Organization | None:
    """`find`, for a request that only reads the organization (the public routes): its version
    is one compiled read (inline on SQLite), and an organization unchanged since this process
    last loaded it is merged into the session from memory instead of loaded again. A change
    made by any process changes the version, so the next request loads it anew.

    Why: the ORM read cost ~0.4 ms of the public booking's ~4.5 (bench/README.md)."""
    found = await tenancy_snapshots.version_of(reads, id_or_slug)
    if found is None:
        return None
    organization_id, version = found
    kept = _KEPT.get(organization_id)
    if kept is not None and kept.updated_at == version:
        merged: Organization = await session.merge(kept, load=False)
        return merged
    held = tenancy_service.held(session, organization_id)
    loaded = await session.get(Organization, organization_id)
    if held is None and loaded is not None and loaded.updated_at == version:
        # Loaded now, as committed at `version` (a write of this transaction would have set
        # another): a copy for no session, never expired, never changed in place.
        if len(_KEPT) >= _KEPT_LIMIT:
            _KEPT.clear()
        _KEPT[organization_id] = _detached_copy(loaded)
    return loaded


def _detached_copy(organization: Organization) -> Organization:
    state = {
        column.key: copy.deepcopy(getattr(organization, column.key))
        for column in Organization.__mapper__.column_attrs
    }
    kept = Organization(**state)
    make_transient_to_detached(kept)
    return kept
