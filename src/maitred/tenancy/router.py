from typing import Any

from fastapi import APIRouter

from maitred.kit.deps import Reads
from maitred.kit.errors import ErrorBody
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.schemas import OrganizationPublicRead

public_router = APIRouter(prefix="/public/organizations", tags=["organizations"])
router = APIRouter(tags=["organizations"])


@public_router.get(
    "/{id_or_slug}",
    response_model=OrganizationPublicRead,
    summary="Public profile of a business",
    responses={404: {"model": ErrorBody}},
)
async def get_public_organization(id_or_slug: str, reads: Reads) -> dict[str, Any]:
    """Name, timezone and currency of an active organization, by id or slug (no sign-in)."""
    return await tenancy_service.get_public(reads, id_or_slug)
