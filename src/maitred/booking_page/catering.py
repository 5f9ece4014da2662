"""The catering flow's form read into the API's own `PublicBookingRequest`, and the live
price of the party from the pricing service (the same one the request is priced with)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, QueryParams

from maitred.bookings.schemas import PublicBookingRequest
from maitred.kit.pagination import PageParams
from maitred.menu import service as menu_service
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

MOST = 100  # menu lines or upgrades read from one form
TEXT_FIELDS = (
    "name",
    "phone",
    "email",
    "event_date",
    "event_time",
    "guest_count",
    "child_count",
    "event_type",
    "location",
    "message",
)


async def choices(session: AsyncSession, organization: Organization) -> dict[str, Any]:
    """What the visitor picks from: the active menu, the upgrades, the occasions."""
    settings = tenancy_service.settings_of(organization)
    items, _ = await menu_service.list_items(
        session,
        organization_id=organization.id,
        params=PageParams(page=1, limit=100),
        is_active=True,
    )
    return {
        "menu": items,
        "upgrades": settings.pricing.upgrades,
        "event_types": settings.bookings.event_types,
        "currency": organization.currency,
    }


def _count(text: Any) -> int:
    try:
        return max(int(str(text or "0")), 0)
    except ValueError:
        return 0


def body_of(form: FormData | QueryParams) -> dict[str, Any]:
    """The JSON body `POST /api/v1/public/bookings` would get for this form: every `menu_<id>`
    and `upgrade_<name>` sent, whether or not it is still offered (the service says so)."""
    body: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = str(form.get(name) or "").strip()
        if value:
            body[name] = value
    body["menu_items"] = [
        {"menu_item_id": key.removeprefix("menu_"), "quantity": quantity}
        for key in form
        if key.startswith("menu_") and (quantity := _count(form.get(key)))
    ][:MOST]
    body["upgrades"] = [
        {"name": key.removeprefix("upgrade_"), "quantity": quantity}
        for key in form
        if key.startswith("upgrade_") and (quantity := _count(form.get(key)))
    ][:MOST]
    body["honeypot"] = str(form.get("website") or "")
    body["source"] = "booking_page"
    return body


async def live_quote(
    session: AsyncSession, organization: Organization, form: PublicBookingRequest
) -> dict[str, Any] | None:
    """The price of the party as the form stands (None until there are guests)."""
    if not form.guest_count or form.guest_count < 1:
        return None
    return await pricing_service.quote_for_form(
        session,
        organization_id=organization.id,
        request=pricing_service.PriceRequest(
            guest_count=form.guest_count,
            child_count=min(form.child_count, form.guest_count),
            menu=tuple(
                pricing_service.MenuChoice(
                    menu_item_id=item.menu_item_id, name=item.name, quantity=item.quantity
                )
                for item in form.menu_items
            ),
            upgrades=tuple(
                pricing_service.UpgradeChoice(name=u.name, quantity=u.quantity)
                for u in form.upgrades
            ),
        ),
        location=form.location,
        event_date=form.event_date,
        event_type=form.event_type,
    )
