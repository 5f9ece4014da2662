"""What a request tells the audit log about itself, beyond what the audit middleware sees.

The middleware puts an `AuditNote` in a context variable for every request it records; the
authentication layer fills in the actor, and services name what happened (`record`) when the
method and path alone would not say it (a failed sign-in, a lockout, a reused refresh token).
The note is a mutable object, so what is written into it reaches the middleware however the
request's context was copied on the way.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AuditEvent:
    action: str
    resource_type: str = ""
    resource_id: str = ""
    actor_user_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class AuditNote:
    actor_user_id: uuid.UUID | None = None
    actor_api_key_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    events: list[AuditEvent] = field(default_factory=list)
    unchanged: bool = False  # `changes_nothing`
    # The audit middleware's: writes this request's rows, answered with `status`, in the session
    # given (`write_in_transaction`). None outside the middleware.
    write_in: Callable[[Any, int], Awaitable[None]] | None = None
    # Its rows are in a committed transaction of the request's: the middleware writes none after.
    written: bool = False


audit_note_var: ContextVar[AuditNote | None] = ContextVar("audit_note", default=None)


def current_note() -> AuditNote | None:
    return audit_note_var.get()


def set_actor(
    *,
    user_id: uuid.UUID | None,
    api_key_id: uuid.UUID | None,
    organization_id: uuid.UUID | None,
) -> None:
    note = audit_note_var.get()
    if note is not None:
        note.actor_user_id, note.actor_api_key_id = user_id, api_key_id
        note.organization_id = organization_id


def record(
    action: str,
    *,
    resource_type: str = "",
    resource_id: object = "",
    actor_user_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Names an event of this request for the audit log (written even if the request fails)."""
    note = audit_note_var.get()
    if note is not None:
        note.events.append(
            AuditEvent(
                action=action,
                resource_type=resource_type,
                resource_id=str(resource_id) if resource_id else "",
                actor_user_id=actor_user_id,
                organization_id=organization_id,
                changes=changes or {},
            )
        )


async def write_in_transaction(session: Any, status: int) -> AuditNote | None:
    """Writes this request's audit rows now, in the caller's transaction, as the answer `status`
    will be; the note, for the caller to mark `written` once that transaction has committed (if
    it never does, the middleware writes them after the answer as for any failed request).

    Why: a hot path's rows then cost one INSERT in a transaction it commits anyway, instead of a
    write transaction of their own after the answer (its turn of SQLite's writer, its COMMIT)."""
    note = audit_note_var.get()
    if note is None or note.write_in is None or note.unchanged:
        return None
    await note.write_in(session, status)
    return note


def changes_nothing() -> None:
    """Called by an endpoint that answers a POST without changing anything (POST /ai/understand
    reads a text): the audit log, which records state-changing requests, leaves the request out
    as it leaves out GETs. A request refused before the endpoint ran is still recorded."""
    note = audit_note_var.get()
    if note is not None:
        note.unchanged = True
