"""What bookings hand to pricing and take back from it: the requested menu as pricing's choices,
and a quote as the booking's amounts and menu lines. Every operation that prices a booking (new,
changed, past, public, re-quoted) goes through these, so a booking's price is stored one way."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.models import Booking, BookingLine
from maitred.bookings.schemas import MenuItemIn
from maitred.bookings.service.location import Place
from maitred.pricing import service as pricing_service


def menu_choices(items: Sequence[MenuItemIn | str]) -> tuple[pricing_service.MenuChoice, ...]:
    """Seed 001's `{menu_item_id, quantity}` objects or seed 000's plain names."""
    return tuple(
        pricing_service.MenuChoice(name=item)
        if isinstance(item, str)
        else pricing_service.MenuChoice(
            menu_item_id=item.menu_item_id, name=item.name, quantity=item.quantity
        )
        for item in items
    )


async def quote_at(
    session: AsyncSession,
    organization_id: uuid.UUID,
    place: Place,
    *,
    guest_count: int,
    child_count: int,
    menu: Sequence[pricing_service.MenuChoice],
    upgrades: Sequence[pricing_service.UpgradeChoice],
) -> pricing_service.Quote:
    """The organization's price for this party and menu at `place` (its travel fee and tax)."""
    return await pricing_service.quote(
        session,
        organization_id=organization_id,
        request=pricing_service.PriceRequest(
            guest_count=guest_count,
            child_count=child_count,
            menu=tuple(menu),
            upgrades=tuple(upgrades),
            zip_code=place.zip_code,
            city=place.city,
        ),
    )


def quoted_amounts(quote: pricing_service.Quote) -> dict[str, Any]:
    """The quote's amounts as the booking's columns."""
    return {
        "currency": quote.currency,
        "subtotal": quote.subtotal,
        "service_fee": quote.service_fee,
        "travel_fee": quote.travel_fee,
        "tax": quote.tax,
        "total_amount": quote.total_amount,
        "deposit_amount": quote.deposit_amount,
        "pricing": quote.as_json(),
    }


def quoted_lines(booking_id: uuid.UUID, quote: pricing_service.Quote) -> list[dict[str, Any]]:
    """The quote's menu lines as the booking's lines (`booking_lines` columns)."""
    return [
        {
            "booking_id": booking_id,
            "menu_item_id": line.menu_item_id,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "pricing_unit": line.pricing_unit or "per_item",
            "amount": line.amount,
            "position": position,
        }
        for position, line in enumerate(line for line in quote.lines if line.kind == "menu")
    ]


def apply_quote(booking: Booking, quote: pricing_service.Quote) -> list[BookingLine]:
    """Copies the quote's amounts onto the booking; returns its menu lines to store."""
    for column, value in quoted_amounts(quote).items():
        setattr(booking, column, value)
    return [BookingLine(**line) for line in quoted_lines(booking.id, quote)]
