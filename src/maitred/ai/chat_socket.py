"""WS /ws/chat/{thread_id} (seed 001): the website chat over a WebSocket, with `message` and
`typing` frames. Sign-in is optional (`?token=`, as /ws/inbox); a visitor names the business
with `?org=` or reaches it as any public request does. `new` as the thread id starts one."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.requests import Request

from maitred.ai import ai_settings, concierge, threads
from maitred.config import Settings
from maitred.identity.deps import authenticate
from maitred.kit.clock import isoformat_z, utcnow
from maitred.kit.db import Database
from maitred.kit.errors import AppError
from maitred.tenancy.public import public_organization

router = APIRouter(tags=["ai"])
NOT_SIGNED_IN, NO_ACCESS = 4401, 4403


def _request(websocket: WebSocket, token: str | None) -> Request:
    headers = [(n, v) for n, v in websocket.scope.get("headers", []) if n != b"authorization"]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode("latin-1", "replace")))
    return Request({**websocket.scope, "type": "http", "method": "POST", "headers": headers,
                    "state": {}})  # fmt: skip


async def _caller(
    websocket: WebSocket, database: Database, token: str | None, org: str | None
) -> concierge.Caller:
    request = _request(websocket, token)
    if token:
        auth = await authenticate(request)
        return concierge.Caller(auth.org_id, auth)
    async with database.transaction(write=False) as session:
        organization = await public_organization(request, session, org, None)
    return concierge.Caller(organization.id, None)


async def _answer(
    database: Database, settings: Settings, caller: concierge.Caller, thread_id: str, text: str
) -> dict[str, Any]:
    async with database.transaction() as session:
        mode = ai_settings.mode_for(
            await ai_settings.row_of(session, caller.organization_id), "web"
        )
        if mode == "off":
            return {"type": "error", "message": "The assistant is not available"}
        thread = await threads.open_thread(
            session,
            caller.organization_id,
            caller.auth,
            None if thread_id == "new" else thread_id,
            deferred=True,  # written with the turn's rows
        )
        result = await concierge.respond(session, caller, thread, text, settings, mode=mode)
    seed = result.as_seed()
    return {
        "type": "message",
        "content": seed["response"],
        "sender": "ai_assistant",
        "timestamp": isoformat_z(utcnow()),
        "thread_id": seed["thread_id"],
        "intent": seed["intent"],
        "suggested_actions": seed["suggested_actions"],
        "metadata": seed["metadata"],
    }


@router.websocket("/ws/chat/{thread_id}")
async def chat_socket(
    websocket: WebSocket, thread_id: str, token: str | None = None, org: str | None = None
) -> None:
    await websocket.accept()
    database: Database = websocket.app.state.database
    settings: Settings = websocket.app.state.settings
    try:
        caller = await _caller(websocket, database, token, org)
    except AppError as error:
        code = NOT_SIGNED_IN if error.status_code == 401 else NO_ACCESS
        await websocket.close(code=code, reason=error.message[:120])
        return
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            frame = await websocket.receive_json()
            content = frame.get("content") if isinstance(frame, dict) else None
            if (
                not isinstance(frame, dict)
                or frame.get("type") != "message"
                or not isinstance(content, str)
                or not 1 <= len(content) <= 4000
            ):
                await websocket.send_json(
                    {"type": "error", "message": 'Send {"type": "message", "content": "…"}'}
                )
                continue
            await websocket.send_json({"type": "typing", "is_typing": True})
            try:
                answer = await _answer(database, settings, caller, thread_id, content)
            except AppError as error:
                answer = {"type": "error", "message": error.message}
            if answer.get("thread_id"):
                thread_id = answer["thread_id"]
            await websocket.send_json({"type": "typing", "is_typing": False})
            await websocket.send_json(answer)
