"""The one pricing function, on its own: the seeds' examples and MyHibachi's published rules,
to the cent, computed by hand."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from maitred.kit.errors import ValidationFailed
from maitred.pricing.calculator import price
from maitred.pricing.quotes import (
    MenuChoice,
    MenuItemInfo,
    PricedLine,
    PriceRequest,
    Quote,
    UpgradeChoice,
)
from maitred.tenancy.book_settings import PricingSettings

D = Decimal
CHICKEN = MenuItemInfo(
    id=uuid.uuid4(), name="Hibachi Chicken", price=D("25.00"), pricing_unit="per_item"
)
STEAK = MenuItemInfo(
    id=uuid.uuid4(), name="Hibachi Steak", price=D("35.00"), pricing_unit="per_item"
)
SEED_001 = PricingSettings(tax_rate=D("0.10"), service_fee_rate=D("0.20"), deposit_percent=D("0.5"))
SEED_000 = PricingSettings(price_per_adult=D(45), deposit_percent=D("0.25"))
MY_HIBACHI: dict[str, Any] = {
    "price_per_adult": 55,
    "price_per_child": 30,
    "child_age_bands": [
        {"min_age": 0, "max_age": 5, "price": 0},
        {"min_age": 6, "max_age": 12, "price": 30},
    ],
    "minimum_total": 550,
    "upgrades": [
        {"name": "Filet Mignon", "price_per_person": 5},
        {"name": "Salmon", "price_per_person": 5},
        {"name": "Scallops", "price_per_person": 5},
        {"name": "Lobster", "price_per_person": 15},
    ],
    "travel_base_zip": "95814",
    "travel_free_miles": 30,
    "travel_per_mile": 2,
    "tax_rate": 0.0825,
    "deposit_fixed": 100,
    "gratuity_suggestion_rates": [0.20, 0.35],
}


def my_hibachi(**changes: Any) -> PricingSettings:
    return PricingSettings.model_validate(MY_HIBACHI | changes)


def priced(
    policy: PricingSettings,
    request: PriceRequest,
    miles: str | None = None,
    items: Sequence[MenuItemInfo] = (),
) -> Quote:
    return price(
        policy,
        currency="USD",
        request=request,
        menu_items=items,
        distance_miles=D(miles) if miles is not None else None,
    )


def test_seed_001_booking_detail_comes_out_exactly() -> None:
    request = PriceRequest(
        guest_count=25,
        menu=(
            MenuChoice(menu_item_id=CHICKEN.id, quantity=15),
            MenuChoice(menu_item_id=STEAK.id, quantity=10),
        ),
    )

    quote = priced(SEED_001, request, items=(CHICKEN, STEAK))

    assert quote.lines == (
        PricedLine("menu", "Hibachi Chicken", 15, D("25.00"), D("375.00"), CHICKEN.id, "per_item"),
        PricedLine("menu", "Hibachi Steak", 10, D("35.00"), D("350.00"), STEAK.id, "per_item"),
    )
    assert (quote.subtotal, quote.tax, quote.service_fee) == (D("725.00"), D("72.50"), D("145.00"))
    assert (quote.total_amount, quote.deposit_amount) == (D("942.50"), D("471.25"))
    assert quote.total_amount - quote.deposit_amount == D("471.25")  # the balance once paid
    assert quote.as_json() == {
        "currency": "USD",
        "lines": [
            {
                "kind": "menu",
                "name": "Hibachi Chicken",
                "quantity": 15,
                "unit_price": 25.0,
                "amount": 375.0,
                "menu_item_id": str(CHICKEN.id),
                "pricing_unit": "per_item",
            },
            {
                "kind": "menu",
                "name": "Hibachi Steak",
                "quantity": 10,
                "unit_price": 35.0,
                "amount": 350.0,
                "menu_item_id": str(STEAK.id),
                "pricing_unit": "per_item",
            },
        ],
        "items_total": 725.0,
        "minimum_applied": 0.0,
        "subtotal": 725.0,
        "service_fee": 145.0,
        "travel_fee": 0.0,
        "travel_miles": None,
        "tax": 72.5,
        "total_amount": 942.5,
        "deposit_amount": 471.25,
        "gratuity_suggestions": [],
    }


@pytest.mark.parametrize(
    ("guests", "total", "deposit"), [(8, "360.00", "90.00"), (6, "270.00", "67.50")]
)
def test_seed_000_per_guest_examples_come_out_exactly(
    guests: int, total: str, deposit: str
) -> None:
    quote = priced(SEED_000, PriceRequest(guest_count=guests))

    assert quote.lines == (PricedLine("adults", "Adults", guests, D("45.00"), D(total)),)
    assert (quote.subtotal, quote.tax, quote.service_fee, quote.travel_fee) == (D(total), 0, 0, 0)
    assert (quote.total_amount, quote.deposit_amount) == (D(total), D(deposit))


def test_my_hibachi_small_party_is_raised_to_the_minimum_and_pays_travel() -> None:
    """7 adults (55), children 8 and 10 (30), a 4-year-old (free); 3 filet (+5), 2 lobster
    (+15); 40.5 miles from Sacramento 95814 to Marysville 95901."""
    request = PriceRequest(
        guest_count=10,
        child_ages=(8, 4, 10),
        upgrades=(UpgradeChoice("filet mignon", 3), UpgradeChoice("LOBSTER", 2)),
        zip_code="95901",
        city="Marysville",
    )

    quote = priced(my_hibachi(), request, miles="40.5")

    assert quote.lines == (
        PricedLine("adults", "Adults", 7, D("55.00"), D("385.00")),
        PricedLine("children", "Children under 6", 1, D("0.00"), D("0.00")),
        PricedLine("children", "Children 6-12", 2, D("30.00"), D("60.00")),
        PricedLine("upgrade", "Filet Mignon", 3, D("5.00"), D("15.00")),
        PricedLine("upgrade", "Lobster", 2, D("15.00"), D("30.00")),
    )
    assert quote.items_total == D("490.00")
    assert quote.minimum_applied == D("60.00")
    assert quote.subtotal == D("550.00")
    assert quote.service_fee == D("0.00")
    assert quote.travel_miles == D("40.5")
    assert quote.travel_fee == D("21.00")  # (40.5 - 30) miles x 2
    assert quote.tax == D("45.38")  # 550 x 0.0825 = 45.375, half-up; travel is not taxed
    assert quote.total_amount == D("616.38")
    assert quote.deposit_amount == D("100.00")  # fixed
    assert quote.gratuity_suggestions == ((D("0.20"), D("110.00")), (D("0.35"), D("192.50")))


def test_my_hibachi_party_above_the_minimum_within_free_miles() -> None:
    """12 adults and a child of unknown age (30): 660 + 30 + 4 scallops 20 = 710; Folsom is
    19.4 miles away, inside the 30 free miles."""
    request = PriceRequest(
        guest_count=13, child_count=1, upgrades=(UpgradeChoice("Scallops", 4),), zip_code="95630"
    )

    quote = priced(my_hibachi(), request, miles="19.4")

    assert [(line.name, line.amount) for line in quote.lines] == [
        ("Adults", D("660.00")),
        ("Children", D("30.00")),
        ("Scallops", D("20.00")),
    ]
    assert (quote.subtotal, quote.minimum_applied, quote.travel_fee) == (D("710.00"), 0, 0)
    assert quote.tax == D("58.58")  # 710 x 0.0825 = 58.575
    assert quote.total_amount == D("768.58")
    assert quote.gratuity_suggestions == ((D("0.20"), D("142.00")), (D("0.35"), D("248.50")))


def test_a_travel_zone_wins_over_distance_and_unknown_distance_charges_nothing() -> None:
    policy = my_hibachi(
        travel_fee_zones=[{"name": "Foothills", "cities": ["placerville"], "fee": 40}]
    )
    zoned = PriceRequest(guest_count=10, city="Placerville", zip_code="95667")
    unknown = PriceRequest(guest_count=10, zip_code="99999")

    assert priced(policy, zoned, miles="38.3").travel_fee == D("40.00")
    assert priced(policy, unknown, miles=None).travel_fee == D("0.00")


def test_amounts_round_half_up_at_the_half_cent() -> None:
    """Banker's rounding would give 2.26 and 23.78; money rounds half-up."""
    policy = PricingSettings(
        price_per_adult=D("45.30"), tax_rate=D("0.05"), deposit_percent=D("0.5")
    )

    quote = priced(policy, PriceRequest(guest_count=1))

    assert quote.tax == D("2.27")  # 45.30 x 0.05 = 2.265
    assert quote.total_amount == D("47.57")
    assert quote.deposit_amount == D("23.79")  # 47.57 x 0.5 = 23.785


def test_fees_are_taxed_when_the_policy_says_so() -> None:
    policy = PricingSettings(
        price_per_adult=D(100),
        service_fee_rate=D("0.18"),
        tax_rate=D("0.10"),
        tax_includes_service_fee=True,
        tax_includes_travel_fee=True,
        travel_per_mile=D("1.50"),
    )

    quote = priced(policy, PriceRequest(guest_count=2, zip_code="95901"), miles="10.0")

    assert (quote.subtotal, quote.service_fee, quote.travel_fee) == (D(200), D(36), D(15))
    assert quote.tax == D("25.10")  # (200 + 36 + 15) x 0.10
    assert quote.total_amount == D("276.10")


@pytest.mark.parametrize(
    ("rule", "deposit"),
    [
        ({"deposit_percent": 0.25, "deposit_fixed": 50}, "125.00"),  # 300 x 0.25 + 50
        ({"deposit_percent": 0.1, "deposit_minimum": 100}, "100.00"),  # 30 is below the minimum
        ({"deposit_minimum": 500}, "300.00"),  # never more than the total
    ],
)
def test_deposit_rules(rule: dict[str, Any], deposit: str) -> None:
    policy = PricingSettings.model_validate({"price_per_adult": 100} | rule)

    assert priced(policy, PriceRequest(guest_count=3)).deposit_amount == D(deposit)


def test_an_unknown_upgrade_names_the_valid_ones() -> None:
    request = PriceRequest(guest_count=10, upgrades=(UpgradeChoice("Caviar", 2),))

    with pytest.raises(ValidationFailed) as raised:
        priced(my_hibachi(), request)

    assert raised.value.details == {
        "upgrades[0]": "No such upgrade: 'Caviar'; choose one of: Filet Mignon, Salmon, "
        "Scallops, Lobster"
    }


def test_more_children_than_guests_is_refused() -> None:
    with pytest.raises(ValidationFailed) as raised:
        priced(my_hibachi(), PriceRequest(guest_count=2, child_count=1, child_ages=(3, 4)))

    assert raised.value.details == {"child_count": "Children are counted in guest_count: at most 0"}


def test_a_menu_item_without_quantity_is_one_per_guest() -> None:
    buffet = MenuItemInfo(
        id=uuid.uuid4(), name="Fried Rice", price=D("4.50"), pricing_unit="per_guest"
    )

    quote = priced(
        SEED_001,
        PriceRequest(guest_count=8, menu=(MenuChoice(name="fried rice"),)),
        items=(buffet,),
    )

    assert quote.lines[0].quantity == 8
    assert quote.subtotal == D("36.00")
