"""Settings, API keys: the keys of this business with their scopes, a new key (everything its
creator may do, or only the scopes ticked; its secret shown on the answer page only, never
again: only its digest is stored), and revoking one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import BASE, Form, done, render, section_user, text
from maitred.identity import api_keys
from maitred.identity.deps import AuthContext
from maitred.identity.user_schemas import ApiKeyCreate
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.pagination import PageParams

router = APIRouter(prefix="/api-keys", include_in_schema=False)
PATH = f"{BASE}/api-keys"
Readers = Annotated[AuthContext, section_user("api_keys:read")]
Writers = Annotated[AuthContext, section_user("api_keys:write")]
DONE = {"revoked": "API key revoked."}


async def _page(
    request: Request,
    auth: AuthContext,
    problems: Problems | None = None,
    created: tuple[str, str] | None = None,
) -> Response:
    async with database_of(request).transaction(write=False) as session:
        keys, _ = await api_keys.page_keys(session, auth, PageParams(page=1, limit=100))
    return render(
        request,
        auth,
        "settings/api_keys.html",
        {
            "title": "API keys",
            "keys": keys,
            "created": created,
            "permissions": sorted(auth.permissions),
        },
        problems=problems,
        done=DONE,
    )


@router.get("")
async def keys_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


@router.post("")
async def create_key(request: Request, auth: Writers, form: Form) -> Response:
    """POST /api-keys; the answer is this page with the key, the only time it is shown (not a
    redirect, so it is in no URL and no history entry)."""
    days = text(form, "expires_in_days")
    # "Everything I may do" (the API's default) or only the scopes ticked (none: refused).
    scopes = None
    if text(form, "access") == "chosen":
        scopes = [str(scope) for scope in form.getlist("scopes")]
    try:
        body = ApiKeyCreate.model_validate(
            {"name": text(form, "name"), "expires_in_days": days or None, "scopes": scopes}
        )
        async with database_of(request).transaction() as session:
            key, secret = await api_keys.create(
                session,
                auth,
                name=body.name,
                scopes=body.scopes,
                expires_at=body.expires_at,
                expires_in_days=body.expires_in_days,
            )
            name = key.name
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    response = await _page(request, auth, created=(name, secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/{key_id}/revoke")
async def revoke_key(request: Request, key_id: uuid.UUID, auth: Writers, form: Form) -> Response:
    try:
        async with database_of(request).transaction() as session:
            await api_keys.revoke(session, auth, key_id)
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "revoked")
