"""What /health/workers reads of the workers (health/): each running worker's heartbeat row,
which its loop (kit/worker.py) writes every few seconds and removes when it stops, and the
outbox's backlog of due and dead deliveries. Apart from the loop because the API processes read
these without running a worker.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import String, and_, delete, false, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.clock import utcnow
from maitred.kit.db import Base, Database, Entity, UTCDateTime
from maitred.kit.outbox import DeliveryStatus, OutboxDelivery, OutboxEvent

if TYPE_CHECKING:
    from maitred.kit.worker import Worker

log = logging.getLogger("maitred.worker")
HEARTBEAT_SECONDS = 5.0


class WorkerHeartbeat(Entity, Base):
    """Each running worker's last sign of life, so any API process can report on all of them."""

    __tablename__ = "worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(100), unique=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    processed: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)


async def heartbeat(worker: Worker) -> None:
    values = {
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "started_at": worker.started_at,
        "last_seen_at": utcnow(),
        "processed": worker.processed,
        "failed": worker.failed,
    }
    async with worker.database.transaction() as session:
        existing = await session.scalar(
            select(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker.worker_id)
        )
        if existing is None:
            session.add(WorkerHeartbeat(worker_id=worker.worker_id, **values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)
        stale = utcnow() - timedelta(days=1)
        await session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen_at < stale))


async def remove_heartbeat(worker: Worker) -> None:
    try:
        async with worker.database.transaction() as session:
            await session.execute(
                delete(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker.worker_id)
            )
    except Exception:
        log.warning("could not remove heartbeat of %s", worker.worker_id)


async def outbox_backlog(database: Database) -> dict[str, int]:
    """Counts of due (deliveries, and events not fanned out yet) and dead deliveries, for
    /health/workers."""
    now = utcnow()
    async with database.transaction(write=False) as session:
        rows = (
            await session.execute(
                select(OutboxDelivery.status, func.count())
                .where(
                    or_(
                        OutboxDelivery.status == DeliveryStatus.dead,
                        and_(
                            OutboxDelivery.status == DeliveryStatus.pending,
                            OutboxDelivery.next_attempt_at <= now,
                        ),
                    )
                )
                .group_by(OutboxDelivery.status)
            )
        ).all()
        # Events whose deliveries the worker has yet to write are due work too.
        unfanned = await session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.fanned_out == false(), OutboxEvent.available_at <= now)
        )
    counts = dict(rows)
    return {
        "due": counts.get(DeliveryStatus.pending, 0) + (unfanned or 0),
        "dead": counts.get(DeliveryStatus.dead, 0),
    }
