"""Settings, pricing: the policy, with a preview quote under the policy as saved."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import Form, Readers, done, render, section_user
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, ValidationFailed
from maitred.pricing import policy as pricing_policy
from maitred.pricing import service as pricing_service

router = APIRouter(prefix="/pricing", include_in_schema=False)
Writers = Annotated[AuthContext, section_user("settings:write")]
# The fields of the pricing form: amounts, and rates shown and typed as percentages.
AMOUNTS = ("price_per_adult", "price_per_child", "minimum_total", "deposit_fixed")
RATES = ("service_fee_rate", "tax_rate", "deposit_percent")


async def _page(request: Request, auth: AuthContext, problems: Problems | None = None) -> Response:
    async with database_of(request).transaction(write=False) as session:
        policy = await pricing_policy.get_policy(session, organization_id=auth.org_id)
    return render(
        request,
        auth,
        "settings/pricing.html",
        {"title": "Pricing", "policy": policy, "amounts": AMOUNTS, "rates": RATES},
        problems=problems,
        done={"saved": "Pricing saved."},
    )


@router.get("")
async def pricing_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


def _number(form: FormData, name: str, scale: Decimal) -> Decimal:
    text = str(form.get(name) or "").strip() or "0"
    try:
        return Decimal(text) / scale
    except InvalidOperation:
        raise ValidationFailed(details={name: "Enter a number"}) from None


@router.post("")
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
    return done("/app/settings/pricing", "saved")


@router.get("/preview")
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
