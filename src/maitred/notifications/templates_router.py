"""/notifications/templates: the wording of every automatic message, the organization's own or
the built-in, with a preview that renders it on sample data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.notifications import templates
from maitred.notifications.rendering import Rendered, Source
from maitred.notifications.schemas import (
    RenderedRead,
    TemplateChannel,
    TemplateLanguage,
    TemplateList,
    TemplatePreview,
    TemplateRead,
    TemplateWrite,
)

router = APIRouter(prefix="/notifications/templates", tags=["notifications"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No notification of that name"},
}
INVALID: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    422: {"model": ErrorBody, "description": "The template does not render; details name lines"},
}
Reader = Annotated[AuthContext, requires("notifications:read")]
Writer = Annotated[AuthContext, requires("notifications:write")]
Channel = Annotated[TemplateChannel, Query()]
Language = Annotated[TemplateLanguage, Query(description="The wording in this language")]


@router.get("", response_model=TemplateList, responses=ERRORS)
async def list_templates(auth: Reader, db: DbSession) -> dict[str, Any]:
    """Every notification on email and SMS in each language; `customized` marks the
    organization's own."""
    return {"items": await templates.list_templates(db, auth.org_id)}


@router.get("/{name}", response_model=TemplateRead, responses=ERRORS)
async def get_template(
    name: str,
    auth: Reader,
    db: DbSession,
    channel: Channel = TemplateChannel.email,
    language: Language = TemplateLanguage.en,
) -> dict[str, Any]:
    return await templates.get_template(
        db, auth.org_id, name, channel=channel.value, language=language.value
    )


@router.put("/{name}", response_model=TemplateRead, responses=INVALID)
async def save_template(
    name: str, body: TemplateWrite, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Saved only if it renders against the sample data (`GET` shows it)."""
    source = Source(subject=body.subject, body_text=body.body_text, body_html=body.body_html)
    return await templates.save_template(
        db,
        auth.org_id,
        name,
        channel=body.channel.value,
        source=source,
        user_id=auth.user_id,
        language=body.language.value,
    )


@router.delete("/{name}", status_code=204, response_class=Response, responses=ERRORS)
async def reset_template(
    name: str,
    auth: Writer,
    db: DbSession,
    channel: Annotated[TemplateChannel | None, Query()] = None,
    language: Annotated[TemplateLanguage | None, Query()] = None,
) -> Response:
    """Back to the built-in wording, on `channel` or on both, in `language` or in all."""
    await templates.reset_template(
        db,
        auth.org_id,
        name,
        channel=channel.value if channel else None,
        language=language.value if language else None,
    )
    return Response(status_code=204)


@router.post("/{name}/preview", response_model=RenderedRead, responses=INVALID)
async def preview_template(
    name: str, body: TemplatePreview, auth: Reader, db: DbSession
) -> Rendered:
    draft = (
        Source(subject=body.subject or "", body_text=body.body_text, body_html=body.body_html)
        if body.body_text is not None
        else None
    )
    return await templates.preview(
        db,
        auth.org_id,
        name,
        channel=body.channel.value,
        data=body.data,
        draft=draft,
        language=body.language.value,
    )
