"""/settings/pricing and /quotes: the pricing policy and priced breakdowns."""

from typing import Annotated, Any

from fastapi import APIRouter, Body

from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.pricing import policy as pricing_policy
from maitred.pricing import service as pricing_service
from maitred.pricing.schemas import QuoteRead, QuoteRequest
from maitred.tenancy.book_settings import PricingSettings

router = APIRouter(tags=["pricing"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    422: {"model": ErrorBody, "description": "Invalid input; `details` names each field"},
}
POLICY_EXAMPLE = {
    "price_per_adult": 55,
    "child_age_bands": [
        {"min_age": 0, "max_age": 5, "price": 0},
        {"min_age": 6, "max_age": 12, "price": 30},
    ],
    "minimum_total": 550,
    "tax_rate": 0.0825,
    "deposit_fixed": 100,
}


@router.get("/settings/pricing", response_model=PricingSettings, responses=ERRORS)
async def get_pricing(
    auth: Annotated[AuthContext, requires("settings:read")], db: DbSession
) -> dict[str, Any]:
    """The effective pricing policy: what was set, and the defaults for the rest. Rates are
    fractions (`0.0825` is 8.25 %); `currency` null means the organization's."""
    return await pricing_policy.get_policy(db, organization_id=auth.org_id)


@router.patch("/settings/pricing", response_model=PricingSettings, responses=ERRORS)
async def update_pricing(
    body: Annotated[
        dict[str, Any],
        Body(description="Any fields of the policy", examples=[POLICY_EXAMPLE]),
    ],
    auth: Annotated[AuthContext, requires("settings:write")],
    db: DbSession,
) -> dict[str, Any]:
    """Merges the fields sent into the policy (lists are replaced whole) and answers the
    effective policy; on any invalid field nothing is stored."""
    return await pricing_policy.update_policy(db, organization_id=auth.org_id, changes=body)


@router.post("/quotes", response_model=QuoteRead, responses=ERRORS)
async def create_quote(
    body: QuoteRequest, auth: Annotated[AuthContext, requires("quotes:write")], db: DbSession
) -> dict[str, Any]:
    """A priced breakdown under the organization's policy, without booking or storing
    anything. An unknown menu item or upgrade is 422 naming it (and the valid upgrades)."""
    return await pricing_service.quote_request(db, organization_id=auth.org_id, body=body)
