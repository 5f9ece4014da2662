"""Enums whose values are lowercase snake_case and whose input is case-insensitive."""

from enum import StrEnum


class CaseInsensitiveEnum(StrEnum):
    """`CONFIRMED` and `confirmed` both parse (seed 000 writes upper case); we answer lower."""

    @classmethod
    def _missing_(cls, value: object) -> "CaseInsensitiveEnum | None":
        if isinstance(value, str):
            lowered = value.strip().lower()
            for member in cls:
                if member.value == lowered:
                    return member
        return None
