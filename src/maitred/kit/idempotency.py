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
the request's first committed transaction (`mark_carried_out`, a kit/db.py BEFORE_COMMIT hook in
kit/idempotency_carried_out.py): a process that dies between that commit and the recording
leaves a key that is never taken over (a retry is told, 409, that the request was carried out and
its answer lost) instead of one whose retry would run the request a second time.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.errors import error_response
from maitred.kit.idempotency_carried_out import IN_FLIGHT, InFlight, Lease
from maitred.kit.idempotency_records import (
    CARRIED_OUT,
    IdempotencyRecord,
    seal_body,
    unseal_body,
)
from maitred.kit.idempotency_scope import CallerScope, default_caller_scope, idempotency_key
from maitred.kit.jsonresponse import JSONResponse

log = logging.getLogger("maitred.idempotency")
REPLAYED_HEADERS = (b"content-type", b"location")
MAX_STORED_BODY = 1_000_000
ANSWER_LOST = (
    "The request with this Idempotency-Key was carried out, but its answer was lost: look up "
    "its result instead of retrying"
)


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
        in_flight = InFlight(caller, key, lease)
        token = IN_FLIGHT.set(in_flight)

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
            IN_FLIGHT.reset(token)
            # A response cut short (an error mid-stream, a cancelled task) releases the key,
            # unless the request's work was committed.
            await self._finish(in_flight, captured if complete else _Captured())

    async def _begin(
        self, caller: str, key: str, fingerprint: str
    ) -> Lease | IdempotencyRecord | JSONResponse:
        """A lease: go ahead. A record: replay it. A response: answer with it."""
        now = utcnow()
        lease = Lease(locked_until=now + self.lock_timeout)
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

    async def _finish(self, in_flight: InFlight, captured: _Captured) -> None:
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
