"""Seed 002's CRM health check: its figures are the caller's organization's, and only a caller
that may read the CRM gets them (an anonymous probe learns that the service is up, no more)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.repository import CrmRecordRepository
from maitred.crm.views import audience_of
from maitred.identity.deps import AuthContext

NO_FIGURES = {"notifications_received": None, "unique_facilitators": None, "unique_events": None}


async def figures(session: AsyncSession, auth: AuthContext | None) -> dict[str, Any]:
    if auth is None:
        return dict(NO_FIGURES)
    return await CrmRecordRepository(session, auth.org_id).figures(await audience_of(session, auth))
