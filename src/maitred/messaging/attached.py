"""Files a message carries that another domain keeps: a report run's CSV, XLSX and PDF.

The message names them in `meta["attached"]` (`{"source": "report_run", "id": …}`); the domain
registers a loader for its source at import, and the sender asks it for the bytes when the
message goes out. The bytes stay stored once, where their domain keeps them, and messaging
imports no domain that sends through it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.messaging.providers.base import Media

KEY = "attached"
# (session, organization, the id the message names) -> its files; [] when they are gone.
Loader = Callable[[AsyncSession, uuid.UUID, str], Awaitable[list[Media]]]
_loaders: dict[str, Loader] = {}


def source(name: str) -> Callable[[Loader], Loader]:
    def register(loader: Loader) -> Loader:
        _loaders[name] = loader
        return loader

    return register


def naming(source_name: str, ref: uuid.UUID | str) -> dict[str, Any]:
    """The `meta` of a message that carries `source_name`'s files of `ref`."""
    return {KEY: [{"source": source_name, "id": str(ref)}]}


async def media_of(
    session: AsyncSession, organization_id: uuid.UUID, meta: dict[str, Any]
) -> list[Media]:
    """The files the message names, read from their sources (an unknown source is an error: the
    message must not go out without what it promises)."""
    found: list[Media] = []
    for named in meta.get(KEY) or []:
        loader = _loaders.get(str(named.get("source")))
        if loader is None:
            raise LookupError(f"no loader for attached files of {named.get('source')!r}")
        found += await loader(session, organization_id, str(named.get("id")))
    return found
