"""What is priced and what it comes to: the party asked about (`PriceRequest`, with its menu
and upgrade choices) and the quote answered (`Quote`, its `PricedLine`s). They are kept apart
from the arithmetic (calculator.py) and the database (service.py) because bookings, the
booking page, the dashboard and the assistant all build and read them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from maitred.kit.money import round_money
from maitred.menu import service as menu_service

MenuChoice = menu_service.MenuChoice
MenuItemInfo = menu_service.MenuItemInfo


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
