"""`Idempotency-Key` on POST, with the semantics of ../shared/API.md, across processes.

The same key with the same request replays the first response (`Idempotent-Replayed: true`); with
a different request it is 422 `idempotency_key_reused`; while the first is still running, 409.
Keys live in the database for at least 24 hours, scoped to the caller as the IETF
Idempotency-Key draft asks: by principal and organization (a user's second sign-in shares its
keys, another user's never does). The kit cannot tell who a credential belongs to: the app passes
`caller_scope`, filled in by identity; the default here only tells credentials apart.

A request that ended in a 5xx releases its key so the client can retry; one whose process died
releases it when its lock times out; only the holder of the current lock may record or release a
key, so a request that was taken over cannot overwrite or delete what its successor recorded.

The answer is recorded after the request's commit, so the key is also marked carried out INSIDE
the request's first committed transaction (`mark_carried_out`, a kit/db.py BEFORE_COMMIT hook):
a process that dies between that commit and the recording leaves a key that is never taken over
(a retry is told, 409, that the request was carried out and its answer lost) instead of one whose
retry would run the request a second time.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    LargeBinary,
    String,
    UniqueConstraint,
    bindparam,
    delete,
    false,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maitred.kit.auditnote import current_note
from maitred.kit.clock import utcnow
from maitred.kit.crypto import VERSION, active_keyring
from maitred.kit.db import BEFORE_COMMIT, Base, Database, Entity, UTCDateTime
from maitred.kit.errors import error_response
from maitred.kit.jsonresponse import JSONResponse

log = logging.getLogger("maitred.idempotency")
HEADER_NAMES = (b"idempotency-key", b"x-idempotency-key")
REPLAYED_HEADERS = (b"content-type", b"location")
MAX_STORED_BODY = 1_000_000
# `response_status` of a key whose request committed its work but whose answer is not recorded
# yet (or never will be: its process died). Such a key is never taken over.
CARRIED_OUT = 0
ANSWER_LOST = (
    "The request with this Idempotency-Key was carried out, but its answer was lost: look up "
    "its result instead of retrying"
)


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


def _header(scope: Scope, names: tuple[bytes, ...]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name in names:
            return str(value.decode("latin-1"))
    return None


def idempotency_key(scope: Scope) -> str | None:
    """The client's key as sent, under either header name; code that calls a provider derives
    the provider's key from it."""
    return _header(scope, HEADER_NAMES)


CallerScope = Callable[[Scope], Awaitable[str]]


def caller_scope_of(kind: str, *parts: object) -> str:
    """A scope as stored: its kind, then a hash of who (no address or id kept in the clear)."""
    joined = "\0".join(str(part) for part in parts)
    return f"{kind}:" + hashlib.sha256(joined.encode()).hexdigest()[:40]


def credential_scope(scope: Scope) -> str | None:
    """The credential itself, when nothing better is known (a request that will be 401)."""
    credential = _header(scope, (b"authorization",)) or _header(scope, (b"x-api-key",))
    return caller_scope_of("cred", credential) if credential else None


async def default_caller_scope(scope: Scope) -> str:
    """Who is asking: their credential, or their address when anonymous."""
    client = scope.get("client")
    return credential_scope(scope) or caller_scope_of("ip", client[0] if client else "unknown")


@dataclass(frozen=True)
class _Lease:
    """The right to run the request: ours while the record's `locked_until` is still this."""

    locked_until: datetime


@dataclass
class _InFlight:
    """The keyed request this task runs: marked once its work commits; answered once its
    response has started (later transactions are not its work)."""

    caller: str
    key: str
    lease: _Lease
    marked: bool = False
    answered: bool = False


_IN_FLIGHT: ContextVar[_InFlight | None] = ContextVar("idempotency_in_flight", default=None)
_MARK = (
    update(IdempotencyRecord)
    .where(
        IdempotencyRecord.scope == bindparam("b_caller"),
        IdempotencyRecord.key == bindparam("b_key"),
        IdempotencyRecord.completed == false(),
        IdempotencyRecord.locked_until == bindparam("b_lease"),
    )
    .values(response_status=CARRIED_OUT)
    .execution_options(synchronize_session=False)
)


async def mark_carried_out(session: AsyncSession) -> None:
    """Before the first commit of a keyed request's work: its key is marked in the same
    transaction, so the mark and the work are durable together or not at all."""
    in_flight = _IN_FLIGHT.get()
    if in_flight is None or in_flight.marked or in_flight.answered:
        return
    # Only while the audited app runs: the audit row's own transaction, written once the app
    # has returned (before a 500 is answered, too), is not the request's work.
    if current_note() is None or not session.in_transaction():
        return
    in_flight.marked = True
    await session.execute(
        _MARK,
        {
            "b_caller": in_flight.caller,
            "b_key": in_flight.key,
            "b_lease": in_flight.lease.locked_until,
        },
    )


BEFORE_COMMIT.append(mark_carried_out)


@dataclass
class _Captured:
    status: int = 0
    headers: list[tuple[bytes, bytes]] | None = None
    body: bytearray | None = None


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        database: Database,
        ttl: timedelta = timedelta(hours=24),
        lock_timeout: timedelta = timedelta(seconds=60),
        caller_scope: CallerScope = default_caller_scope,
    ) -> None:
        self.app = app
        self.database = database
        self.ttl = ttl
        self.lock_timeout = lock_timeout
        self.caller_scope = caller_scope

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = idempotency_key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 255:
            response = error_response(
                400, "invalid_request", "Idempotency-Key must be 1 to 255 characters"
            )
            await response(scope, receive, send)
            return

        body = await _read_body(receive)
        digest = hashlib.sha256()
        for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode()):
            digest.update(part.encode() + b"\0")
        digest.update(body)
        caller = await self.caller_scope(scope)
        outcome = await self._begin(caller, key, digest.hexdigest())
        if isinstance(outcome, IdempotencyRecord):
            await _replay(outcome, scope, receive, send)
            return
        if isinstance(outcome, JSONResponse):
            await outcome(scope, receive, send)
            return
        lease = outcome
        in_flight = _InFlight(caller, key, lease)
        token = _IN_FLIGHT.set(in_flight)

        captured = _Captured(body=bytearray())
        replayed = False
        complete = False

        async def replay_receive() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def capture_send(message: Message) -> None:
            nonlocal complete
            if message["type"] == "http.response.start":
                in_flight.answered = True
                captured.status = message["status"]
                captured.headers = list(message.get("headers", ()))
            elif message["type"] == "http.response.body":
                if captured.body is not None:
                    captured.body += message.get("body", b"")
                    if len(captured.body) > MAX_STORED_BODY:
                        captured.body = None
                complete = not message.get("more_body", False)
            await send(message)

        # Recorded only once the app has returned: a request-scoped session may still hold its
        # transaction while the body is sent (and on SQLite, the write lock).
        try:
            await self.app(scope, replay_receive, capture_send)
        finally:
            _IN_FLIGHT.reset(token)
            # A response cut short (an error mid-stream, a cancelled task) releases the key,
            # unless the request's work was committed.
            await self._finish(in_flight, captured if complete else _Captured())

    async def _begin(
        self, caller: str, key: str, fingerprint: str
    ) -> _Lease | IdempotencyRecord | JSONResponse:
        """A lease: go ahead. A record: replay it. A response: answer with it."""
        now = utcnow()
        lease = _Lease(locked_until=now + self.lock_timeout)
        for _ in range(3):
            try:
                async with self.database.transaction() as session:
                    session.add(
                        IdempotencyRecord(
                            scope=caller,
                            key=key,
                            fingerprint=fingerprint,
                            locked_until=lease.locked_until,
                            expires_at=now + self.ttl,
                        )
                    )
                return lease
            except IntegrityError:
                pass
            async with self.database.transaction() as session:
                record = await session.scalar(
                    select(IdempotencyRecord).where(
                        IdempotencyRecord.scope == caller, IdempotencyRecord.key == key
                    )
                )
                if record is None:
                    continue
                if record.expires_at <= now:
                    await session.delete(record)
                    continue
                if record.fingerprint != fingerprint:
                    return error_response(
                        422,
                        "idempotency_key_reused",
                        "This Idempotency-Key was used with a different request",
                    )
                if record.completed:
                    return record
                if record.response_status == CARRIED_OUT and record.locked_until <= now:
                    return error_response(409, "conflict", ANSWER_LOST)
                if record.locked_until > now:
                    return error_response(
                        409,
                        "conflict",
                        "A request with this Idempotency-Key is still being processed",
                        headers={"Retry-After": "1"},
                    )
                taken = await session.execute(  # the first holder died: take its key over
                    update(IdempotencyRecord)
                    .where(
                        IdempotencyRecord.id == record.id,
                        IdempotencyRecord.locked_until == record.locked_until,
                        IdempotencyRecord.response_status.is_(None),
                    )
                    .values(locked_until=lease.locked_until)
                    .execution_options(synchronize_session=False)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    return lease
        return error_response(409, "conflict", "Idempotency-Key is busy; retry shortly")

    async def _finish(self, in_flight: _InFlight, captured: _Captured) -> None:
        key = in_flight.key
        which = (
            IdempotencyRecord.scope == in_flight.caller,
            IdempotencyRecord.key == key,
            IdempotencyRecord.completed.is_(False),
            IdempotencyRecord.locked_until == in_flight.lease.locked_until,
        )
        try:
            async with self.database.transaction() as session:
                if captured.status == 0 or captured.status >= 500 or captured.body is None:
                    # Cut short after its work committed: a retry must not run it again. A
                    # 5xx answered in full releases the key even then: the app asks for the
                    # retry (a card charge whose provider failed retries with its own key).
                    if in_flight.marked and captured.status == 0:
                        log.warning("Idempotency-Key %r: carried out, answer not kept", key)
                        return
                    result = await session.execute(delete(IdempotencyRecord).where(*which))
                    _warn_if_lost(result, key)
                    return
                headers = {
                    name.decode(): value.decode("latin-1")
                    for name, value in captured.headers or ()
                    if name in REPLAYED_HEADERS
                }
                result = await session.execute(
                    update(IdempotencyRecord)
                    .where(*which)
                    .values(
                        completed=True,
                        response_status=captured.status,
                        response_headers=headers,
                        response_body=seal_body(bytes(captured.body)),
                    )
                    .execution_options(synchronize_session=False)
                )
                _warn_if_lost(result, key)
        except Exception:
            log.exception("could not record the response for Idempotency-Key %r", key)


def _warn_if_lost(result: Any, key: str) -> None:
    if result.rowcount == 0:
        log.warning("Idempotency-Key %r was taken over before its first request finished", key)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


BODY_CONTEXT = "idempotency.response_body"


def seal_body(body: bytes) -> bytes:
    """A stored answer is encrypted like any personal field: it may hold a customer's details
    or a secret shown once (a webhook subscription's)."""
    return active_keyring().encrypt(body.decode("latin-1"), context=BODY_CONTEXT).encode()


def unseal_body(stored: bytes) -> bytes:
    if not stored.startswith(f"{VERSION}.".encode()):
        return stored  # kept before answers were encrypted (they expire within a day)
    return active_keyring().decrypt(stored.decode(), context=BODY_CONTEXT).encode("latin-1")


async def _replay(record: IdempotencyRecord, scope: Scope, receive: Receive, send: Send) -> None:
    headers = [
        (k.encode(), v.encode("latin-1")) for k, v in (record.response_headers or {}).items()
    ]
    body = unseal_body(record.response_body or b"")
    headers += [
        (b"idempotent-replayed", b"true"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send(
        {"type": "http.response.start", "status": record.response_status, "headers": headers}
    )
    await send({"type": "http.response.body", "body": body})


async def purge_expired(database: Database) -> int:
    async with database.transaction() as session:
        result = await session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
        )
    return int(result.rowcount)  # type: ignore[attr-defined]
