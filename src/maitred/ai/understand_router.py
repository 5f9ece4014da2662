"""POST /ai/understand: what the offline engine reads in one message (issue 19).

Staff tooling (and the concierge's own checks): any member who may read bookings. It counts
against the AI rate limit tier like every /ai/ route."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from maitred.ai.nlu import service as nlu_service
from maitred.ai.nlu.schemas import UnderstandRead, UnderstandRequest
from maitred.identity.deps import AuthContext, requires
from maitred.kit.auditnote import changes_nothing
from maitred.kit.db import Database
from maitred.kit.deps import get_database
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
    database: Annotated[Database, Depends(get_database)],
) -> dict[str, Any]:
    """The intent, language and slots of `text`; relative dates are read against `now`."""
    # No unit of work: it writes nothing (not even an audit row), and reads only when the
    # vocabulary kept for the caller's organization row is stale.
    changes_nothing()
    found = await nlu_service.understand_in(
        database, auth.org_id, body.text, now=body.now, version=auth.organization_version
    )
    return {
        "intent": found.intent,
        "confidence": found.confidence,
        "language": found.language,
        "slots": found.slots,
    }
