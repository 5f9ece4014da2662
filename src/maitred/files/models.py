"""Stored files: the bytes live in the storage backend (files/storage.py) under a key the server
made; this row says whose they are and what they are.

An inbound attachment starts `pending` (its provider still holds the bytes; the worker fetches
them); a file no longer wanted is `deleting` until the worker has removed its bytes, then the
row goes too.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned


class StoredFile(TenantOwned, Base):
    __tablename__ = "stored_files"
    __table_args__ = (
        Index("ix_stored_files_owner", "organization_id", "owner_kind", "owner_id"),
        Index("ix_stored_files_due", "status", "next_attempt_at"),
    )

    # <organization>/<random hex><extension>: never derived from what the client sent.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    # The client's name, cleaned (files/checks.py), for Content-Disposition only.
    original_name: Mapped[str] = mapped_column(String(200), default="")
    # menu_item, message, or upload (sent with a message later)
    owner_kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[uuid.UUID | None] = mapped_column()
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # stored, pending (to fetch), fetching, failed, deleting, purging
    status: Mapped[str] = mapped_column(String(16), default="stored")
    # Where a pending file's bytes are: {"provider": "twilio", "ref": "<MediaUrl>"}.
    source: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None]
