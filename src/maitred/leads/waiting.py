"""How many new leads wait to be contacted (Today's figure): one compiled count on the index
(organization, status, created_at), outside the request's transaction (committed data)."""

from __future__ import annotations

import functools
import uuid

from sqlalchemy import String, Uuid, bindparam, func, select

from maitred.kit.reads import ReadPool, ReadQuery
from maitred.leads.models import Lead


@functools.cache
def _query() -> ReadQuery:
    return ReadQuery(
        select(func.count().label("total")).where(
            Lead.organization_id == bindparam("organization_id", type_=Uuid()),
            Lead.status == bindparam("status", type_=String()),
        )
    )


async def new_leads(reads: ReadPool, organization_id: uuid.UUID) -> int:
    row = await reads.one(_query(), organization_id=organization_id, status="new")
    return int(row["total"]) if row else 0
