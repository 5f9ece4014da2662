"""How many messages from customers nobody has read (Today's figure): one compiled count, the
`unread` of inbox_stats.summary without the rest of the period's figures."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime

from sqlalchemy import Boolean, String, Uuid, bindparam, func, select

from maitred.kit.db import UTCDateTime
from maitred.kit.reads import ReadPool, ReadQuery
from maitred.messaging.models import Message


@functools.cache
def _query() -> ReadQuery:
    return ReadQuery(
        select(func.count().label("total")).where(
            Message.organization_id == bindparam("organization_id", type_=Uuid()),
            Message.created_at >= bindparam("since", type_=UTCDateTime()),
            Message.direction == bindparam("direction", type_=String()),
            Message.is_read == bindparam("is_read", type_=Boolean()),
        )
    )


async def unread_since(reads: ReadPool, organization_id: uuid.UUID, since: datetime) -> int:
    row = await reads.one(
        _query(), organization_id=organization_id, since=since, direction="inbound", is_read=False
    )
    return int(row["total"]) if row else 0
