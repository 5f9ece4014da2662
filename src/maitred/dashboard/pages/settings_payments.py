"""Settings, payments: whose Stripe account takes the cards (the instance's, or the business's
own keys, which are write-only), and whether a deposit gates or makes a confirmation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import (
    BASE,
    Form,
    checked,
    done,
    render,
    section_user,
    text,
)
from maitred.identity.deps import AuthContext
from maitred.kit.deps import app_settings, database_of
from maitred.kit.errors import AppError
from maitred.payments import accounts
from maitred.payments import service as payments_service
from maitred.payments.schemas import ProviderUpdate

router = APIRouter(prefix="/payments", include_in_schema=False)
PATH = f"{BASE}/payments"
Readers = Annotated[AuthContext, section_user("payments:read")]
Writers = Annotated[AuthContext, section_user("settings:write")]
SWITCHES = ("require_deposit_to_confirm", "confirm_when_deposit_paid")
DONE = {
    "provider": "Stripe keys saved.",
    "removed": "Back to the instance's Stripe account.",
    "saved": "Payment rules saved.",
}


async def _page(request: Request, auth: AuthContext, problems: Problems | None = None) -> Response:
    async with database_of(request).transaction(write=False) as session:
        provider = await accounts.describe(session, auth.org_id, app_settings(request))
        rules = await payments_service.get_settings(session, auth.org_id)
    return render(
        request,
        auth,
        "settings/payments.html",
        {
            "title": "Payments",
            "provider": provider,
            "rules": rules,
            "switches": {name: type(rules).model_fields[name].description for name in SWITCHES},
        },
        problems=problems,
        done=DONE,
    )


@router.get("")
async def payments_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


@router.post("/provider")
async def save_provider(request: Request, auth: Writers, form: Form) -> Response:
    """PUT /payments/provider: the keys replace the stored ones (a secret left empty is kept)."""
    try:
        body = ProviderUpdate.model_validate(
            {
                "api_key": text(form, "api_key"),
                "webhook_secret": text(form, "webhook_secret") or None,
                "publishable_key": text(form, "publishable_key") or None,
            }
        )
        async with database_of(request).transaction() as session:
            await accounts.configure(
                session,
                auth.org_id,
                app_settings(request),
                api_key=body.api_key,
                webhook_secret=body.webhook_secret,
                publishable_key=body.publishable_key,
                actor_user_id=auth.user_id,
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "provider")


@router.post("/provider/remove")
async def remove_provider(request: Request, auth: Writers, form: Form) -> Response:
    try:
        async with database_of(request).transaction() as session:
            await accounts.remove(session, auth.org_id, actor_user_id=auth.user_id)
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "removed")


@router.post("/rules")
async def save_rules(request: Request, auth: Writers, form: Form) -> Response:
    try:
        async with database_of(request).transaction() as session:
            await payments_service.update_settings(
                session, auth.org_id, {name: checked(form, name) for name in SWITCHES}
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "saved")
