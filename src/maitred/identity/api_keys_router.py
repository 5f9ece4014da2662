"""/api-keys (seed 001): machine credentials, used with the `X-API-Key` header."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response

from maitred.identity import api_keys
from maitred.identity.deps import AuthContext, requires
from maitred.identity.user_schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination

router = APIRouter(prefix="/api-keys", tags=["api keys"])

Readers = Annotated[AuthContext, requires("api_keys:read")]
Writers = Annotated[AuthContext, requires("api_keys:write")]
ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}}


@router.post("", status_code=201, response_model=ApiKeyCreated, responses=ERRORS)
async def create_api_key(body: ApiKeyCreate, auth: Writers, db: DbSession) -> Any:
    """The answer holds the full key once; only its digest is stored."""
    key, secret = await api_keys.create(
        db,
        auth,
        name=body.name,
        scopes=body.scopes,
        expires_at=body.expires_at,
        expires_in_days=body.expires_in_days,
    )
    return {**ApiKeyRead.model_validate(key).model_dump(), "key": secret}


Listing = Annotated[
    ListQuery, list_query(sorts=api_keys.SORT_FIELDS, search="Part of the key's name")
]


@router.get("", response_model=Page[ApiKeyRead])
async def list_api_keys(
    auth: Readers, db: DbSession, pagination: Pagination, listing: Listing
) -> Any:
    keys, info = await api_keys.page_keys(db, auth, pagination, listing)
    return {"items": keys, "pagination": info}


@router.get("/{key_id}", response_model=ApiKeyRead, responses=ERRORS)
async def get_api_key(key_id: uuid.UUID, auth: Readers, db: DbSession) -> Any:
    return await api_keys.get(db, auth, key_id)


@router.delete("/{key_id}", status_code=204, response_class=Response, responses=ERRORS)
async def revoke_api_key(key_id: uuid.UUID, auth: Writers, db: DbSession) -> Response:
    """Takes effect at the key's next request."""
    await api_keys.revoke(db, auth, key_id)
    return Response(status_code=204)
