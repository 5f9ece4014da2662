"""/ws/inbox?token=<access token>: the live inbox for signed-in staff (messages:read).

Browsers cannot set headers on a WebSocket, so the access token comes in the query (or the
`Authorization` header, for other clients) and `org` may name the organization as X-Tenant-ID
would. The dashboard's own pages send no token: their cookie session is taken instead, only
from a page of this very site (`Origin` naming this host), so another site cannot open the
socket with the cookie its visitor's browser would attach. Either is checked exactly as for
an HTTP request (identity/deps.py), at the start and again every minute, so a revoked session
or a changed role ends the socket too. Refusals close with 4401 (not signed in) or 4403 (no
access): codes a browser can read, which an HTTP error before the handshake would not give it.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.requests import Request

from maitred.config import Settings
from maitred.identity import page_sessions
from maitred.identity.deps import AuthContext, requires
from maitred.kit.errors import AppError, Forbidden
from maitred.messaging.realtime import hub

router = APIRouter(tags=["messages"])
RECHECK_SECONDS = 60.0
NOT_SIGNED_IN, NO_ACCESS = 4401, 4403
_check_reader = requires("messages:read").dependency


async def _authorize(websocket: WebSocket, token: str | None, org: str | None) -> AuthContext:
    """The caller as `requires("messages:read")` sees them, from a request that carries the
    socket's credentials as headers. API keys are not taken: the inbox is for people."""
    if not token and (cookie := websocket.cookies.get(page_sessions.COOKIE)):
        return await _page_session(websocket, cookie)
    replaced = {b"x-api-key"}
    if token:
        replaced.add(b"authorization")
    if org:
        replaced.add(b"x-tenant-id")
    headers = [(n, v) for n, v in websocket.scope.get("headers", []) if n not in replaced]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode("latin-1", "replace")))
    if org:
        headers.append((b"x-tenant-id", org.encode("latin-1", "replace")))
    scope = {**websocket.scope, "type": "http", "method": "GET", "headers": headers, "state": {}}
    context: AuthContext = await _check_reader(Request(scope))
    return context


async def _page_session(websocket: WebSocket, cookie: str) -> AuthContext:
    origin = websocket.headers.get("origin")
    if origin is None or urlsplit(origin).netloc != websocket.headers.get("host"):
        raise Forbidden("Open the live inbox from this site's own pages")
    scope = {**websocket.scope, "type": "http", "method": "GET", "state": {}}
    context = await page_sessions.context(Request(scope), websocket.app.state.auth_config, cookie)
    if context.organization_id is None or not context.can("messages:read"):
        raise Forbidden("Requires permission messages:read")
    return context


async def _refused(websocket: WebSocket, error: AppError) -> None:
    code = NOT_SIGNED_IN if error.status_code == 401 else NO_ACCESS
    await websocket.close(code=code, reason=error.message[:120])


async def _until_closed(websocket: WebSocket) -> None:
    """Reads (and ignores) what the client sends until it goes away."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return


@router.websocket("/ws/inbox")
async def inbox_socket(
    websocket: WebSocket, token: str | None = None, org: str | None = None
) -> None:
    await websocket.accept()
    try:
        auth = await _authorize(websocket, token, org)
    except AppError as error:
        await _refused(websocket, error)
        return
    settings: Settings = websocket.app.state.settings
    async with hub.listen(auth.org_id, redis_url=settings.redis_url) as queue:
        await websocket.send_json({"type": "ready", "organization_id": str(auth.org_id)})
        closed = asyncio.create_task(_until_closed(websocket))
        try:
            while not closed.done():
                pushed = asyncio.create_task(queue.get())
                await asyncio.wait(
                    {pushed, closed}, timeout=RECHECK_SECONDS, return_when=asyncio.FIRST_COMPLETED
                )
                if pushed.done() and not closed.done():
                    await websocket.send_json(pushed.result())
                    continue
                pushed.cancel()
                if closed.done():
                    break
                try:
                    await _authorize(websocket, token, org)
                except AppError as error:
                    await _refused(websocket, error)
                    break
        except WebSocketDisconnect:
            pass
        finally:
            closed.cancel()
