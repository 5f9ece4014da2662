"""The stored side of `Idempotency-Key` (kit/idempotency.py): one row per caller and key, the
answer it keeps, sealed like any personal field, and the sweep of expired rows.

Apart from the middleware because the worker's housekeeping (kit/worker.py) and the models'
list for migrations (domains.import_models) need the table and its purge without the middleware.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, String, UniqueConstraint, delete
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.clock import utcnow
from maitred.kit.crypto import VERSION, active_keyring
from maitred.kit.db import Base, Database, Entity, UTCDateTime

# `response_status` of a key whose request committed its work but whose answer is not recorded
# yet (or never will be: its process died). Such a key is never taken over.
CARRIED_OUT = 0


class IdempotencyRecord(Entity, Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    scope: Mapped[str] = mapped_column(String(128))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    completed: Mapped[bool] = mapped_column(default=False)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    response_status: Mapped[int | None]
    response_headers: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)


BODY_CONTEXT = "idempotency.response_body"


def seal_body(body: bytes) -> bytes:
    """A stored answer is encrypted like any personal field: it may hold a customer's details
    or a secret shown once (a webhook subscription's)."""
    return active_keyring().encrypt(body.decode("latin-1"), context=BODY_CONTEXT).encode()


def unseal_body(stored: bytes) -> bytes:
    if not stored.startswith(f"{VERSION}.".encode()):
        return stored  # kept before answers were encrypted (they expire within a day)
    return active_keyring().decrypt(stored.decode(), context=BODY_CONTEXT).encode("latin-1")


async def purge_expired(database: Database) -> int:
    async with database.transaction() as session:
        result = await session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
        )
    return int(result.rowcount)  # type: ignore[attr-defined]
