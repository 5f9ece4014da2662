"""/files/signed/{token}: one stored file for whoever holds a signed, expiring link (a provider
fetching the media of an MMS we send); nobody signs in, the token is the credential."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from maitred.files import service as files_service
from maitred.files.checks import MEDIA_TYPES
from maitred.files.responses import binary_answer, file_response
from maitred.kit.deps import AppSettings, DbSession
from maitred.kit.errors import ErrorBody

router = APIRouter(prefix="/files", tags=["files"])

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such file, or the link expired"}
}


@router.get(
    "/signed/{token}",
    response_class=Response,
    responses={**binary_answer("The file", MEDIA_TYPES), **ERRORS},
)
async def signed_file(token: str, db: DbSession, settings: AppSettings) -> Response:
    stored = await files_service.by_signed_token(db, settings, token)
    data = await files_service.content(settings, stored)
    return file_response(stored, data, public=False)
