"""Money: integer minor units in the database, Decimal in Python, two-decimal numbers in JSON."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from annotated_types import Gt, Lt
from pydantic import PlainSerializer
from sqlalchemy import BigInteger, TypeDecorator
from sqlalchemy.engine import Dialect

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10**13)
"""Far above any real amount: its cents fit a 64-bit integer, and with two decimals it has at
most 15 significant digits, which a JSON (double) number carries exactly."""


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


Money = Annotated[
    Decimal,
    Gt(-MAX_AMOUNT),
    Lt(MAX_AMOUNT),
    PlainSerializer(_json_number, return_type=float, when_used="json"),
]
"""A pydantic field type: exact Decimal in Python, a number such as `942.5` in JSON; amounts too
large to store are refused with a 422 instead of failing in the database."""
