"""Money: integer cents in the database, Decimal in Python, two-decimal numbers in JSON."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from maitred.kit.money import from_minor, round_money, to_minor
from tests.probe_router import ProbeControls, error_of

MONEY = "/api/v1/probe/money"


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("942.50", 94250),
        ("0.01", 1),
        ("0.00", 0),
        ("-12.34", -1234),
        ("19999999999.99", 1999999999999),
        ("0.10", 10),
    ],
)
def test_cents_round_trip_exactly(amount: str, cents: int) -> None:
    assert to_minor(Decimal(amount)) == cents
    assert from_minor(cents) == Decimal(amount)
    assert str(from_minor(cents)) == amount


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("2.675", "2.68"),
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("1.115", "1.12"),
        ("-0.005", "-0.01"),
        ("-2.675", "-2.68"),
        ("10", "10.00"),
    ],
)
def test_rounding_is_half_up_to_cents(amount: str, rounded: str) -> None:
    assert str(round_money(Decimal(amount))) == rounded
    assert to_minor(Decimal(amount)) == int(Decimal(rounded) * 100)


@pytest.mark.parametrize(
    ("sent", "answer"),
    [
        ("942.50", b'{"amount":942.5,"minor_units":94250}'),
        (942.5, b'{"amount":942.5,"minor_units":94250}'),
        ("942.505", b'{"amount":942.51,"minor_units":94251}'),
        (2.675, b'{"amount":2.68,"minor_units":268}'),
        ("0.1", b'{"amount":0.1,"minor_units":10}'),
        (150, b'{"amount":150.0,"minor_units":15000}'),
        ("-0.005", b'{"amount":-0.01,"minor_units":-1}'),
    ],
)
async def test_amount_survives_the_database_and_renders_as_a_json_number(
    client: httpx.AsyncClient, probe: ProbeControls, sent: str | float, answer: bytes
) -> None:
    response = await client.post(MONEY, json={"amount": sent})

    assert response.status_code == 200
    assert response.content == answer


async def test_amount_that_is_not_a_number_is_422(
    client: httpx.AsyncClient, probe: ProbeControls
) -> None:
    response = await client.post(MONEY, json={"amount": "ten dollars"})

    assert response.status_code == 422
    assert error_of(response)["details"] == {"amount": "Input should be a valid decimal"}


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("1e30", "Input should be less than 10000000000000"),
        (-(10**13), "Input should be greater than -10000000000000"),
    ],
)
async def test_amount_too_large_to_store_is_422_not_a_database_error(
    client: httpx.AsyncClient, probe: ProbeControls, sent: str | int, message: str
) -> None:
    response = await client.post(MONEY, json={"amount": sent})

    assert response.status_code == 422
    assert error_of(response)["details"] == {"amount": message}


@pytest.mark.parametrize("sent", ["9999999999999.99", "-9999999999999.99", "1234567890123.45"])
async def test_largest_amounts_round_trip_exactly_to_json(
    client: httpx.AsyncClient, probe: ProbeControls, sent: str
) -> None:
    response = await client.post(MONEY, json={"amount": sent})

    assert response.status_code == 200
    assert response.content == f'{{"amount":{sent},"minor_units":{sent.replace(".", "")}}}'.encode()


@pytest.mark.parametrize("sent", ["NaN", "Infinity"])
async def test_amount_that_is_not_finite_is_422(
    client: httpx.AsyncClient, probe: ProbeControls, sent: str
) -> None:
    response = await client.post(MONEY, json={"amount": sent})

    assert response.status_code == 422
    assert error_of(response)["details"] == {"amount": "Input should be a finite number"}
