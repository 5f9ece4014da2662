"""/auth/invitations: the signed-in account holder's pending invitations to organizations.

An organization that adds an existing account only invites it (identity/users.py); the holder
sees the invitation here and accepts or declines it. Nobody else can: an invitation of another
account is not found.
"""

import uuid
from typing import Any

from fastapi import APIRouter, Response

from maitred.identity.deps import AuthContext, Caller
from maitred.identity.user_schemas import InvitationList, InvitationRead
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody, Forbidden
from maitred.tenancy import memberships

router = APIRouter(prefix="/auth/invitations", tags=["auth"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "An API key (invitations are a person's)"},
    404: {"model": ErrorBody, "description": "No such pending invitation of yours"},
}


def _holder(auth: AuthContext) -> uuid.UUID:
    if auth.user_id is None:
        raise Forbidden("Invitations are answered by the invited person, not by an API key")
    return auth.user_id


@router.get("", response_model=InvitationList, responses=ERRORS)
async def list_invitations(auth: Caller, db: DbSession) -> Any:
    """Pending invitations to your account; none of them grants access until accepted."""
    found = await memberships.invitations_of(db, _holder(auth))
    return {"items": [invitation.read() for invitation in found]}


@router.post("/{invitation_id}/accept", response_model=InvitationRead, responses=ERRORS)
async def accept_invitation(invitation_id: uuid.UUID, auth: Caller, db: DbSession) -> Any:
    """You become a member with the role offered; sign in (or send X-Tenant-ID) to work there."""
    invitation = await memberships.accept(db, user_id=_holder(auth), invitation_id=invitation_id)
    return invitation.read()


@router.post("/{invitation_id}/decline", status_code=204, response_class=Response, responses=ERRORS)
async def decline_invitation(invitation_id: uuid.UUID, auth: Caller, db: DbSession) -> Response:
    """The invitation is withdrawn; the organization may invite you again."""
    await memberships.decline(db, user_id=_holder(auth), invitation_id=invitation_id)
    return Response(status_code=204)
