"""Pricing: the one function that turns a pricing policy and a party into money (`price`, in
calculator.py), and what it needs from the database (`quote`). Quotes, bookings, availability
estimates and the assistant all go through here, so a figure shown is the figure charged; the
request and quote types (quotes.py) are answered here too, the namespace other domains use.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import NotFound, ValidationFailed
from maitred.menu import service as menu_service
from maitred.pricing import distance, places
from maitred.pricing.calculator import price
from maitred.pricing.quotes import MenuChoice as MenuChoice
from maitred.pricing.quotes import MenuItemInfo
from maitred.pricing.quotes import PriceRequest as PriceRequest
from maitred.pricing.quotes import Quote as Quote
from maitred.pricing.quotes import UpgradeChoice as UpgradeChoice
from maitred.pricing.schemas import QuoteRequest
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import PricingSettings
from maitred.tenancy.settings import OrganizationSettings


async def quote(
    session: AsyncSession, *, organization_id: uuid.UUID, request: PriceRequest
) -> Quote:
    """`request` priced under the organization's policy: its menu resolved, the distance from
    `travel_base_zip` to the event's zip code measured."""
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    policy = tenancy_service.settings_of(organization).pricing
    menu_items = (
        await menu_service.resolve(session, organization_id=organization_id, choices=request.menu)
        if request.menu
        else []
    )
    return await _priced(policy, organization.currency, request, menu_items)


async def estimate(
    policy: PricingSettings, *, organization_currency: str, request: PriceRequest
) -> Quote:
    """`request`, which chooses nothing from the menu, priced under a policy already read (the
    availability answer's estimate): no statement."""
    if request.menu:
        raise ValueError("an estimate prices no menu choices; use quote()")
    return await _priced(policy, organization_currency, request, [])


async def _priced(
    policy: PricingSettings,
    organization_currency: str,
    request: PriceRequest,
    menu_items: Sequence[MenuItemInfo],
) -> Quote:
    miles = None
    if policy.travel_base_zip and request.zip_code:
        miles = await distance.miles_between(policy.travel_base_zip, request.zip_code)
    return price(
        policy,
        currency=policy.currency or organization_currency,
        request=request,
        menu_items=menu_items,
        distance_miles=miles,
    )


async def quote_for_form(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    request: PriceRequest,
    location: str | dict[str, Any] | None,
    event_date: date | None = None,
    event_type: str | None = None,
) -> dict[str, Any]:
    """POST /quotes: the zip code and city are read from `location` unless `request` names
    them; the answer is the quote and the facts it was priced on. Nothing is stored."""
    if isinstance(location, dict):
        place = places.place_of(
            location.get("address"),
            city=request.city or location.get("city"),
            zip_code=request.zip_code or location.get("zip_code"),
        )
    else:
        place = places.place_of(location, city=request.city, zip_code=request.zip_code)
    request = replace(request, zip_code=place.zip_code, city=place.city)
    kind = _event_type(await _settings(session, organization_id), event_type)
    priced = await quote(session, organization_id=organization_id, request=request)
    return priced.as_json() | {
        "guest_count": request.guest_count,
        "adult_count": request.adults,
        "child_count": request.child_count,
        "child_ages": list(request.child_ages),
        "event_date": event_date,
        "event_type": kind,
        "location": location,
        "zip_code": place.zip_code,
        "city": place.city,
    }


async def _settings(session: AsyncSession, organization_id: uuid.UUID) -> OrganizationSettings:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return tenancy_service.settings_of(organization)


def _event_type(settings: OrganizationSettings, event_type: str | None) -> str | None:
    """One of the organization's event types (case-insensitive), answered in lower case."""
    if event_type is None:
        return None
    kind = event_type.strip().lower()
    if kind not in settings.bookings.event_types:
        choices = ", ".join(settings.bookings.event_types)
        raise ValidationFailed(details={"event_type": f"Use one of: {choices}"})
    return kind


async def quote_request(
    session: AsyncSession, *, organization_id: uuid.UUID, body: QuoteRequest
) -> dict[str, Any]:
    """POST /quotes's body priced (the assistant's quote tool sends the same schema)."""
    menu = tuple(
        MenuChoice(name=choice)
        if isinstance(choice, str)
        else MenuChoice(
            menu_item_id=choice.menu_item_id, name=choice.name, quantity=choice.quantity
        )
        for choice in body.menu_items
    )
    location = (
        body.location.model_dump()
        if body.location is not None and not isinstance(body.location, str)
        else body.location
    )
    request = PriceRequest(
        guest_count=body.guest_count,
        child_count=body.child_count,
        child_ages=tuple(body.child_ages),
        menu=menu,
        upgrades=tuple(UpgradeChoice(name=u.name, quantity=u.quantity) for u in body.upgrades),
        zip_code=body.zip_code,
    )
    return await quote_for_form(
        session,
        organization_id=organization_id,
        request=request,
        location=location,
        event_date=body.event_date,
        event_type=body.event_type,
    )
