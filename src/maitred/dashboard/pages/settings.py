"""Settings: the organization at a glance and its pricing policy, with a preview quote under
the policy as saved. Staff have no settings (`settings:read`); only admins change them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, ValidationFailed
from maitred.pricing import policy as pricing_policy
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service

router = APIRouter(prefix="/app/settings", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("settings:read")]
Writers = Annotated[AuthContext, page_user("settings:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
# The fields of the pricing form: amounts, and rates shown and typed as percentages.
AMOUNTS = ("price_per_adult", "price_per_child", "minimum_total", "deposit_fixed")
RATES = ("service_fee_rate", "tax_rate", "deposit_percent")


async def _page(request: Request, auth: AuthContext, problems: Problems | None = None) -> Response:
    async with database_of(request).transaction(write=False) as session:
        organization = await tenancy_service.get(session, auth.org_id)
        policy = await pricing_policy.get_policy(session, organization_id=auth.org_id)
    return dashboard_pages.render(
        request,
        "settings/page.html",
        {
            "title": "Settings",
            "organization": organization,
            "policy": policy,
            "amounts": AMOUNTS,
            "rates": RATES,
            "problems": problems,
            "saved": request.query_params.get("done") == "saved",
        },
        status_code=problems.status_code if problems else 200,
    )


@router.get("")
async def settings_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


def _number(form: FormData, name: str, scale: Decimal) -> Decimal:
    text = str(form.get(name) or "").strip() or "0"
    try:
        return Decimal(text) / scale
    except InvalidOperation:
        raise ValidationFailed(details={name: "Enter a number"}) from None


@router.post("/pricing")
async def save_pricing(request: Request, auth: Writers, form: Form) -> Response:
    try:
        changes: dict[str, Any] = {name: str(_number(form, name, Decimal(1))) for name in AMOUNTS}
        changes |= {name: str(_number(form, name, Decimal(100))) for name in RATES}
        async with database_of(request).transaction() as session:
            await pricing_policy.update_policy(
                session, organization_id=auth.org_id, changes=changes
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return RedirectResponse("/app/settings?done=saved", status_code=303)


@router.get("/pricing/preview")
async def preview(
    request: Request, auth: Readers, guests: str = "", children: str = ""
) -> Response:
    """A quote under the saved policy, as a customer would be given it."""
    context: dict[str, Any] = {"quote": None, "problem": ""}
    try:
        count, kids = int(guests or "0"), int(children or "0")
    except ValueError:
        count, kids = 0, 0
    if 1 <= count <= 500 and 0 <= kids <= count:
        try:
            async with database_of(request).transaction(write=False) as session:
                quote = await pricing_service.quote(
                    session,
                    organization_id=auth.org_id,
                    request=pricing_service.PriceRequest(guest_count=count, child_count=kids),
                )
            context["quote"] = quote
        except AppError as exc:
            context["problem"] = exc.message
    else:
        context["problem"] = "Guests between 1 and 500; children no more than guests."
    return dashboard_pages.render(request, "settings/_preview.html", context)
