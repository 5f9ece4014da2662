"""Pricing: the one function that turns a pricing policy and a party into money (`price`), and
what it needs from the database (`quote`). Quotes, bookings, availability estimates and the
assistant all go through here, so a figure shown is the figure charged.

Every amount is Decimal, rounded half-up to cents as soon as it is computed, and later amounts
are computed from the rounded ones: the breakdown always adds up to the total shown.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.money import round_money
from maitred.menu import service as menu_service
from maitred.pricing import distance, places
from maitred.pricing.schemas import QuoteRequest
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import ChildBand, PricingSettings, TravelZone
from maitred.tenancy.settings import OrganizationSettings

MenuChoice = menu_service.MenuChoice
MenuItemInfo = menu_service.MenuItemInfo
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class UpgradeChoice:
    """A per-person upgrade of the policy, by name, for `quantity` guests."""

    name: str
    quantity: int


@dataclass(frozen=True)
class PriceRequest:
    """`child_count` (ages unknown) and `child_ages` are children included in `guest_count`."""

    guest_count: int
    child_count: int = 0
    child_ages: tuple[int, ...] = ()
    menu: tuple[MenuChoice, ...] = ()
    upgrades: tuple[UpgradeChoice, ...] = ()
    zip_code: str | None = None
    city: str | None = None

    @property
    def adults(self) -> int:
        return self.guest_count - self.child_count - len(self.child_ages)


@dataclass(frozen=True)
class PricedLine:
    kind: str  # "adults" | "children" | "menu" | "upgrade"
    name: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    menu_item_id: uuid.UUID | None = None
    pricing_unit: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "quantity": self.quantity,
            "unit_price": _number(self.unit_price),
            "amount": _number(self.amount),
            "menu_item_id": str(self.menu_item_id) if self.menu_item_id else None,
            "pricing_unit": self.pricing_unit,
        }


@dataclass(frozen=True)
class Quote:
    currency: str
    lines: tuple[PricedLine, ...]
    items_total: Decimal
    minimum_applied: Decimal
    subtotal: Decimal
    service_fee: Decimal
    travel_fee: Decimal
    travel_miles: Decimal | None
    tax: Decimal
    total_amount: Decimal
    deposit_amount: Decimal
    gratuity_suggestions: tuple[tuple[Decimal, Decimal], ...]  # (rate, amount), not charged

    def as_json(self) -> dict[str, Any]:
        """JSON-ready (money as two-decimal numbers): stored in bookings.pricing, answered by
        /quotes."""
        return {
            "currency": self.currency,
            "lines": [line.as_json() for line in self.lines],
            "items_total": _number(self.items_total),
            "minimum_applied": _number(self.minimum_applied),
            "subtotal": _number(self.subtotal),
            "service_fee": _number(self.service_fee),
            "travel_fee": _number(self.travel_fee),
            "travel_miles": float(self.travel_miles) if self.travel_miles is not None else None,
            "tax": _number(self.tax),
            "total_amount": _number(self.total_amount),
            "deposit_amount": _number(self.deposit_amount),
            "gratuity_suggestions": [
                {"rate": float(rate), "amount": _number(amount)}
                for rate, amount in self.gratuity_suggestions
            ],
        }


def _number(amount: Decimal) -> float:
    return float(round_money(amount))


# --- The pricing function ----------------------------------------------------------------------


def _band_name(band: ChildBand) -> str:
    if band.min_age == 0:
        return f"Children under {band.max_age + 1}"
    return f"Children {band.min_age}-{band.max_age}"


def _line(kind: str, name: str, quantity: int, unit_price: Decimal, **extra: Any) -> PricedLine:
    unit = round_money(unit_price)
    return PricedLine(kind, name, quantity, unit, round_money(unit * quantity), **extra)


def _people_lines(policy: PricingSettings, request: PriceRequest) -> list[PricedLine]:
    """Per-person pricing, when the policy has any: adults, then children by age band (a free
    band still gets its line, so the customer sees it was counted)."""
    if request.adults < 0:
        most = request.guest_count - len(request.child_ages)
        raise ValidationFailed(
            details={"child_count": f"Children are counted in guest_count: at most {max(most, 0)}"}
        )
    if not (policy.price_per_adult or policy.price_per_child or policy.child_age_bands):
        return []
    lines = []
    if request.adults:
        lines.append(_line("adults", "Adults", request.adults, policy.price_per_adult))
    bands = sorted(policy.child_age_bands, key=lambda b: b.min_age)
    in_band: Counter[int] = Counter()
    unbanded = request.child_count
    for age in request.child_ages:
        index = next((i for i, b in enumerate(bands) if b.min_age <= age <= b.max_age), None)
        if index is None:
            unbanded += 1
        else:
            in_band[index] += 1
    if unbanded:
        lines.append(_line("children", "Children", unbanded, policy.price_per_child))
    for index, band in enumerate(bands):
        if in_band[index]:
            lines.append(_line("children", _band_name(band), in_band[index], band.price))
    return lines


def _menu_lines(request: PriceRequest, menu_items: Sequence[MenuItemInfo]) -> list[PricedLine]:
    """A menu item without a quantity is one per guest, whatever its pricing unit."""
    if len(menu_items) != len(request.menu):
        raise ValueError("menu_items must resolve request.menu one for one")
    return [
        _line(
            "menu",
            item.name,
            choice.quantity if choice.quantity is not None else request.guest_count,
            item.price,
            menu_item_id=item.id,
            pricing_unit=item.pricing_unit,
        )
        for choice, item in zip(request.menu, menu_items, strict=True)
    ]


def _upgrade_lines(policy: PricingSettings, request: PriceRequest) -> list[PricedLine]:
    offered = {u.name.strip().casefold(): u for u in policy.upgrades}
    lines, problems = [], {}
    for index, choice in enumerate(request.upgrades):
        upgrade = offered.get(choice.name.strip().casefold())
        if upgrade is None:
            names = ", ".join(u.name for u in policy.upgrades)
            problems[f"upgrades[{index}]"] = (
                f"No such upgrade: {choice.name!r}; choose one of: {names}"
                if names
                else f"No such upgrade: {choice.name!r}; none are offered"
            )
        else:
            lines.append(_line("upgrade", upgrade.name, choice.quantity, upgrade.price_per_person))
    if problems:
        raise ValidationFailed(details=problems)
    return lines


def travel_zone(policy: PricingSettings, request: PriceRequest) -> TravelZone | None:
    """The first zone listing the event's zip code or city (ignoring case)."""
    zip_code = (request.zip_code or "").strip()
    city = (request.city or "").strip().casefold()
    for zone in policy.travel_fee_zones:
        if zip_code and zip_code in {z.strip() for z in zone.zip_codes}:
            return zone
        if city and city in {c.strip().casefold() for c in zone.cities}:
            return zone
    return None


def _travel_fee(
    policy: PricingSettings, request: PriceRequest, distance_miles: Decimal | None
) -> Decimal:
    """A matching zone's flat fee wins; else the miles beyond the free ones; nothing when the
    distance is unknown (staff adjust the booking rather than the quote guessing)."""
    zone = travel_zone(policy, request)
    if zone is not None:
        return round_money(zone.fee)
    if distance_miles is None:
        return ZERO
    chargeable = max(Decimal(0), distance_miles - policy.travel_free_miles)
    return round_money(chargeable * policy.travel_per_mile)


def price(
    policy: PricingSettings,
    *,
    currency: str,
    request: PriceRequest,
    menu_items: Sequence[MenuItemInfo],
    distance_miles: Decimal | None,
) -> Quote:
    """Pure: the same policy and party always give the same quote. `menu_items` are
    `request.menu` resolved, in the same order."""
    lines = (
        _people_lines(policy, request)
        + _menu_lines(request, menu_items)
        + _upgrade_lines(policy, request)
    )
    items_total = sum((line.amount for line in lines), ZERO)
    minimum_applied = max(ZERO, round_money(policy.minimum_total) - items_total)
    subtotal = items_total + minimum_applied
    service_fee = round_money(subtotal * policy.service_fee_rate)
    travel_fee = _travel_fee(policy, request, distance_miles)
    taxable = subtotal
    if policy.tax_includes_service_fee:
        taxable += service_fee
    if policy.tax_includes_travel_fee:
        taxable += travel_fee
    tax = round_money(taxable * policy.tax_rate)
    total = subtotal + service_fee + travel_fee + tax
    deposit = round_money(total * policy.deposit_percent) + round_money(policy.deposit_fixed)
    deposit = min(total, max(round_money(policy.deposit_minimum), deposit))
    gratuity = tuple(
        (rate, round_money(subtotal * rate)) for rate in policy.gratuity_suggestion_rates
    )
    return Quote(
        currency=currency,
        lines=tuple(lines),
        items_total=items_total,
        minimum_applied=minimum_applied,
        subtotal=subtotal,
        service_fee=service_fee,
        travel_fee=travel_fee,
        travel_miles=distance_miles,
        tax=tax,
        total_amount=total,
        deposit_amount=deposit,
        gratuity_suggestions=gratuity,
    )


# --- Pricing with what the database knows ------------------------------------------------------


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
