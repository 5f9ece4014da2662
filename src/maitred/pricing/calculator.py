"""The pricing function on its own (`price`): a pricing policy and a party in, a quote out,
with no statement, so the same policy and party always give the same figures. Every amount is
rounded half-up to cents as soon as it is computed, and later amounts are computed from the
rounded ones: the breakdown always adds up to the total shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from maitred.kit.errors import ValidationFailed
from maitred.kit.money import round_money
from maitred.pricing.quotes import MenuItemInfo, PricedLine, PriceRequest, Quote
from maitred.tenancy.book_settings import ChildBand, PricingSettings, TravelZone

ZERO = Decimal("0.00")


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
