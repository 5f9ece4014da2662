"""Money: integer minor units in the database, Decimal in Python, two-decimal numbers in JSON."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import PlainSerializer
from sqlalchemy import BigInteger, TypeDecorator
from sqlalchemy.engine import Dialect

CENT = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    """Half-up to cents, the rounding every price and total uses."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal) -> int:
    return int(round_money(amount) * 100)


def from_minor(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(CENT)


class MoneyColumn(TypeDecorator[Decimal]):
    """Stores a Decimal amount as integer cents, exact on SQLite and PostgreSQL alike."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        return None if value is None else to_minor(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_minor(int(value))


def _json_number(amount: Decimal) -> float:
    return float(round_money(amount))


Money = Annotated[Decimal, PlainSerializer(_json_number, return_type=float, when_used="json")]
"""A pydantic field type: exact Decimal in Python, a number such as `942.5` in JSON."""
