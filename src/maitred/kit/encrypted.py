"""EncryptedText: a column whose values are sealed by kit/crypto.py before they reach the database
(EncryptedJSON: the same for a JSON object, such as a structured street address).

    email: Mapped[str] = mapped_column(EncryptedText("users.email"))
    email_index: Mapped[str] = mapped_column(String(64), index=True)  # crypto.blind_index(...)

The context names the column and is bound into every ciphertext: keep it stable once data is
written, and give each column its own. Every value has a random nonce, so SQL can neither
compare nor sort these columns; the comparator refuses to, instead of silently matching nothing.
Look rows up by a blind index.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import ColumnElement, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import operators
from sqlalchemy.sql.operators import OperatorType

from maitred.kit.crypto import active_keyring


class EncryptedText(TypeDecorator[str]):
    """Text encrypted on the way in and decrypted on the way out with the active keyring."""

    impl = Text
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator[str]):
        def operate(self, op: OperatorType, *other: Any, **kwargs: Any) -> ColumnElement[Any]:
            _refuse_unless_null_test(op, other)
            return super().operate(op, *other, **kwargs)

        def reverse_operate(
            self, op: OperatorType, other: Any, **kwargs: Any
        ) -> ColumnElement[Any]:
            _refuse_unless_null_test(op, (other,))
            return super().reverse_operate(op, other, **kwargs)

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"{self.context} takes text, not {type(value).__name__}")
        return active_keyring().encrypt(value, context=self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else active_keyring().decrypt(value, context=self.context)


class EncryptedJSON(TypeDecorator[dict[str, Any]]):
    """A JSON object sealed as one encrypted text: SQL sees neither its keys nor its values."""

    impl = Text
    cache_ok = True
    comparator_factory = EncryptedText.comparator_factory

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return active_keyring().encrypt(orjson.dumps(value).decode(), context=self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> dict[str, Any] | None:
        if value is None:
            return None
        loaded: dict[str, Any] = orjson.loads(active_keyring().decrypt(value, context=self.context))
        return loaded


_NULL_TESTS = {operators.is_, operators.is_not}
_EQUALITY = {operators.eq, operators.ne}


def _refuse_unless_null_test(op: OperatorType, other: tuple[Any, ...]) -> None:
    if op in _NULL_TESTS or (op in _EQUALITY and len(other) == 1 and other[0] is None):
        return
    raise TypeError(
        "an encrypted column cannot be compared or sorted in SQL; look rows up by a blind index"
    )
