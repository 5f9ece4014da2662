"""POST /ai/understand: what the offline engine reads in one message (issue 19).

Staff tooling (and the concierge's own checks): any member who may read bookings. It counts
against the AI rate limit tier like every /ai/ route."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from maitred.ai.nlu import understand_for_organization
from maitred.ai.nlu.schemas import UnderstandRead, UnderstandRequest
from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody

router = APIRouter(tags=["ai"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    422: {"model": ErrorBody, "description": "Invalid input; `details` names each field"},
    429: {"model": ErrorBody, "description": "Too many AI requests"},
}


@router.post("/ai/understand", response_model=UnderstandRead, responses=ERRORS)
async def understand_message(
    body: UnderstandRequest,
    auth: Annotated[AuthContext, requires("bookings:read")],
    db: DbSession,
) -> dict[str, Any]:
    """The intent, language and slots of `text`; relative dates are read against `now`."""
    found = await understand_for_organization(
        db, auth.org_id, body.text, now=body.now, version=auth.organization_version
    )
    return {
        "intent": found.intent,
        "confidence": found.confidence,
        "language": found.language,
        "slots": found.slots,
    }
