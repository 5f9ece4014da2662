"""Reading where an event is, and how far it is from the business, offline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maitred.pricing.distance import miles_between
from maitred.pricing.places import Place, place_of


@pytest.mark.parametrize(
    ("destination", "miles"),
    [("95901", "40.5"), ("95630", "19.4"), ("95814", "0.0"), ("95901-1234", "40.5")],
)
async def test_miles_between_zip_centroids(destination: str, miles: str) -> None:
    assert await miles_between("95814", destination) == Decimal(miles)


@pytest.mark.parametrize("destination", ["00000", "99999", "abcde"])
async def test_an_unknown_zip_code_has_no_distance(destination: str) -> None:
    assert await miles_between("95814", destination) is None


@pytest.mark.parametrize(
    ("location", "place"),
    [
        ("Folsom, CA 95630", Place("95630", "Folsom")),
        ("123 Main St, Los Angeles, CA 90001", Place("90001", "Los Angeles")),
        ("12345 Oak Ave, Sacramento, CA 95814-2004", Place("95814", "Sacramento")),
        ("Folsom, CA", Place(None, "Folsom")),
        ("Folsom CA 95630", Place("95630", "Folsom")),
        ("Roseville", Place(None, "Roseville")),
        ("95661", Place("95661", None)),
        ("456 Oak Ave", Place(None, None)),
        ("", Place(None, None)),
    ],
)
def test_zip_code_and_city_are_read_from_free_text(location: str, place: Place) -> None:
    assert place_of(location) == place


def test_explicit_parts_win_over_the_free_text() -> None:
    assert place_of("Folsom, CA 95630", city="Granite Bay", zip_code="95746") == Place(
        "95746", "Granite Bay"
    )
