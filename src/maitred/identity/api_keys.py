"""API keys (seed 001): machine credentials of one organization, shown once, stored hashed.

A key's scopes must be permissions its creator holds, and at use they are narrowed again to
what the creator's role grants, so a key never outranks the person who made it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import Select, func, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity.deps import AuthContext
from maitred.identity.models import ApiKey
from maitred.identity.opaque import API_KEY_PREFIX, digest, new_secret
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.kit.repository import Repository, escape_like
from maitred.tenancy import service as tenancy_service


class ApiKeyRepository(Repository[ApiKey]):
    model = ApiKey
    not_found_message = "No such API key"
    sorts: ClassVar[Mapping[str, Any]] = {
        "created_at": ApiKey.created_at,
        "name": func.lower(ApiKey.name),
        "last_used_at": ApiKey.last_used_at,
    }

    def named_like(self, search: str | None) -> Select[tuple[ApiKey]]:
        if not search:
            return self.scoped()
        pattern = f"%{escape_like(search.lower())}%"
        return self.scoped().where(func.lower(ApiKey.name).like(pattern, escape="\\"))


async def create(
    session: AsyncSession,
    auth: AuthContext,
    *,
    name: str,
    scopes: list[str] | None,
    expires_at: datetime | None,
    expires_in_days: int | None = None,
) -> tuple[ApiKey, str]:
    """The new key and its secret, which is never shown again."""
    if expires_in_days is not None:
        expires_at = utcnow() + timedelta(days=expires_in_days)
    wanted = sorted(set(scopes)) if scopes is not None else sorted(auth.permissions)
    beyond = [s for s in wanted if s not in auth.permissions]
    if beyond:
        raise ValidationFailed(
            details={"scopes": f"You cannot grant permissions you do not hold: {', '.join(beyond)}"}
        )
    if not wanted:
        raise ValidationFailed(details={"scopes": "Give the key at least one scope"})
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationFailed(details={"expires_at": "Must be in the future"})
    secret = new_secret(API_KEY_PREFIX)
    key = ApiKeyRepository(session, auth.org_id).add(
        ApiKey(
            name=name.strip(),
            prefix=secret[:10],
            key_hash=digest(secret),
            scopes=wanted,
            role=auth.role,
            created_by_id=auth.user_id,
            expires_at=expires_at,
        )
    )
    await session.flush()
    record(
        "api_key.created",
        resource_type="api_key",
        resource_id=key.id,
        changes={"name": key.name, "prefix": key.prefix, "scopes": wanted},
    )
    return key, secret


async def list_keys(session: AsyncSession, auth: AuthContext) -> Sequence[ApiKey]:
    repository = ApiKeyRepository(session, auth.org_id)
    return await repository.all(repository.scoped().order_by(ApiKey.created_at.desc()))


SORT_FIELDS = tuple(ApiKeyRepository.sorts)


async def page_keys(
    session: AsyncSession, auth: AuthContext, params: PageParams, listing: ListQuery = NEWEST_FIRST
) -> tuple[Sequence[ApiKey], PaginationInfo]:
    """Newest first, revoked and expired keys included (they show when they stopped)."""
    repository = ApiKeyRepository(session, auth.org_id)
    window = await tenancy_service.created_window(session, auth.org_id, listing)
    return await repository.listing_page(
        params, listing, window, repository.named_like(listing.search)
    )


async def get(session: AsyncSession, auth: AuthContext, key_id: uuid.UUID) -> ApiKey:
    return await ApiKeyRepository(session, auth.org_id).get_or_404(key_id)


async def revoke(session: AsyncSession, auth: AuthContext, key_id: uuid.UUID) -> None:
    key = await ApiKeyRepository(session, auth.org_id).get(key_id)
    if key is None or key.revoked_at is not None:
        raise NotFound("No such API key")
    key.revoked_at = utcnow()
    record("api_key.revoked", resource_type="api_key", resource_id=key.id)


async def revoke_created_by(
    session: AsyncSession, *, user_id: uuid.UUID, organization_id: uuid.UUID | None = None
) -> None:
    """A user who leaves an organization (or every one, when deactivated) takes the keys
    they made with them: a key must not outlive its creator's access."""
    statement = update(ApiKey).where(ApiKey.created_by_id == user_id, ApiKey.revoked_at.is_(None))
    if organization_id is not None:
        statement = statement.where(ApiKey.organization_id == organization_id)
    await session.execute(statement.values(revoked_at=utcnow()))


async def touch(database: Database, key_id: uuid.UUID) -> None:
    """Records when a key was last used (at most once a minute, outside the request's
    transaction so that read-only requests stay read-only)."""
    async with database.transaction() as session:
        await session.execute(
            update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=utcnow())
        )
