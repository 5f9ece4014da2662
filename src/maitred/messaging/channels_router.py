"""/messaging/channels: how the organization's messages go out, per channel (issue 6).

Admins and managers set a channel's provider and credentials; staff may see which is in use.
Secrets are write-only: reads say `credentials_set`, never what they are.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request

from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import DbSession, app_settings
from maitred.kit.errors import ErrorBody
from maitred.messaging import channels as channels_service
from maitred.messaging.channel_schemas import ChannelList, ChannelRead, ChannelUpdate

router = APIRouter(prefix="/messaging/channels", tags=["messaging"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
}
CHANNEL_ERRORS = ERRORS | {404: {"model": ErrorBody, "description": "No such channel"}}
Reader = Annotated[AuthContext, requires("messaging:read")]
Writer = Annotated[AuthContext, requires("messaging:write")]


@router.get("", response_model=ChannelList, responses=ERRORS)
async def list_channels(request: Request, auth: Reader, db: DbSession) -> dict[str, Any]:
    """Each channel's provider in use, and whether it is the organization's own or the
    instance's default."""
    items = await channels_service.list_channels(
        db, organization_id=auth.org_id, settings=app_settings(request)
    )
    return {"items": items}


@router.put(
    "/{channel}",
    response_model=ChannelRead,
    responses=CHANNEL_ERRORS
    | {422: {"model": ErrorBody, "description": "Unknown provider or field"}},
)
async def configure_channel(
    channel: str, body: ChannelUpdate, request: Request, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Options are replaced; credentials too when sent, else kept (same provider only)."""
    return await channels_service.configure(
        db,
        organization_id=auth.org_id,
        channel=channel,
        provider=body.provider,
        options=dict(body.options),
        credentials=body.credentials,
        settings=app_settings(request),
    )


@router.delete("/{channel}", response_model=ChannelRead, responses=CHANNEL_ERRORS)
async def reset_channel(
    channel: str, request: Request, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Forgets the organization's settings (credentials included): the channel sends through
    the instance's default again. Answers what is in use now."""
    return await channels_service.reset(
        db, organization_id=auth.org_id, channel=channel, settings=app_settings(request)
    )
