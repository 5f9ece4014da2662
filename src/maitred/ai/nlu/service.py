"""The understanding engine for an organization: its vocabulary read from its settings and
menu, kept in process per stored settings value for a minute (menus change without settings).
A caller who knows the organization row's version (a signed-in request reads it with the
caller) is answered from memory without a statement while that version is the one kept."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from maitred.ai.nlu.types import NluContext, Understanding
from maitred.ai.nlu.understand import understand
from maitred.kit.db import Database
from maitred.kit.errors import NotFound
from maitred.menu import service as menu_service
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

_TTL_SECONDS = 60.0
_CACHE: dict[uuid.UUID, tuple[bytes, float, NluContext, datetime]] = {}
_CACHE_LIMIT = 1024


def _snake(tag: str) -> str:
    return "_".join(tag.strip().lower().replace("-", " ").split())


def _loaded(session: AsyncSession, organization_id: uuid.UUID) -> Organization | None:
    """The organization as this request already loaded it (the chat's caller did), if so."""
    found = session.identity_map.get(identity_key(Organization, organization_id))
    if isinstance(found, Organization) and not inspect(found).expired_attributes:
        return found
    return None


def kept_context(organization_id: uuid.UUID, version: datetime | None) -> NluContext | None:
    """The vocabulary kept for the organization row's `version`, if it is still fresh."""
    cached = _CACHE.get(organization_id)
    if (
        version is not None
        and cached is not None
        and cached[3] == version
        and cached[1] > time.monotonic()
    ):
        return cached[2]
    return None


async def context_for_organization(
    session: AsyncSession, organization_id: uuid.UUID, *, version: datetime | None = None
) -> NluContext:
    if (kept := kept_context(organization_id, version)) is not None:
        return kept
    cached = _CACHE.get(organization_id)
    organization = _loaded(session, organization_id) or await tenancy_service.get(
        session, organization_id
    )
    if organization is None:
        raise NotFound("No such organization")
    key = orjson.dumps(
        [
            organization.settings or {},
            organization.timezone,
            organization.country,
            organization.locale,
        ],
        option=orjson.OPT_SORT_KEYS,
    )
    if cached is not None and cached[0] == key and cached[1] > time.monotonic():
        if cached[3] != organization.updated_at:
            _CACHE[organization_id] = (*cached[:3], organization.updated_at)
        return cached[2]
    settings = tenancy_service.settings_of(organization)
    menu = await menu_service.public_menu(session, organization_id=organization_id)
    tags = dict.fromkeys(
        _snake(tag)
        for group in menu["categories"]
        for item in group["items"]
        for tag in item["dietary_tags"]
    )
    language = (organization.locale or "en").split("-")[0].lower()
    languages = tuple(dict.fromkeys((language, "en", "es")))
    context = NluContext(
        timezone=organization.timezone or "UTC",
        country=(organization.country or "US").upper(),
        event_types=tuple(settings.bookings.event_types),
        upgrade_keys=tuple(u.name.strip().casefold() for u in settings.pricing.upgrades),
        dietary_tags=tuple(tags),
        languages=languages,
        cities=tuple(
            place for place in settings.availability.service_area if not place.strip().isdigit()
        ),
    )
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[organization_id] = (
        key,
        time.monotonic() + _TTL_SECONDS,
        context,
        organization.updated_at,
    )
    return context


async def understand_for_organization(
    session: AsyncSession,
    organization_id: uuid.UUID,
    text: str,
    *,
    now: datetime | None = None,
    version: datetime | None = None,
) -> Understanding:
    """`now` defaults to the organization's current time; `version` is the organization row's
    `updated_at` when the caller has read it."""
    context = await context_for_organization(session, organization_id, version=version)
    instant = now or datetime.now(ZoneInfo(context.timezone))
    return understand(text, now=instant, context=context)


async def understand_in(
    database: Database,
    organization_id: uuid.UUID,
    text: str,
    *,
    now: datetime | None = None,
    version: datetime | None = None,
) -> Understanding:
    """`understand_for_organization` for a caller with no unit of work of its own (POST
    /ai/understand): a read transaction only when the vocabulary kept for `version` is stale."""
    context = kept_context(organization_id, version)
    if context is None:
        async with database.transaction(write=False) as session:
            context = await context_for_organization(session, organization_id, version=version)
    instant = now or datetime.now(ZoneInfo(context.timezone))
    return understand(text, now=instant, context=context)
