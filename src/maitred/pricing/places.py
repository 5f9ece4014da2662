"""Where an event is, as far as pricing cares: its zip code and city, read out of what a form
sent (seed 001's free text "123 Main St, Los Angeles, CA 90001", seed 000's object)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")
_STATE_ZIP = re.compile(r"^[A-Za-z]{2}(?:\s+\d{5}(?:-\d{4})?)?$|^\d{5}(?:-\d{4})?$")
_CITY_STATE_ZIP = re.compile(
    r"^(?P<city>[^\d,]+?)\s+[A-Za-z]{2}(?:\s+\d{5}(?:-\d{4})?)?$"  # "Folsom CA 95630"
)


@dataclass(frozen=True)
class Place:
    zip_code: str | None
    city: str | None


def five_digit_zip(text: str | None) -> str | None:
    """The last 5-digit group: a street number may come first, the zip code comes last."""
    if not text:
        return None
    found = _ZIP.findall(text)
    return found[-1] if found else None


def _city(text: str) -> str | None:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        return None
    if len(parts) == 1:
        single = parts[0]
        if match := _CITY_STATE_ZIP.match(single):
            return match.group("city").strip()
        return None if any(ch.isdigit() for ch in single) else single
    # "…, City, ST 12345" / "City, ST" / "City, 12345": the city precedes the state or zip.
    for index in range(len(parts) - 1, 0, -1):
        if _STATE_ZIP.match(parts[index]):
            candidate = parts[index - 1]
            return None if any(ch.isdigit() for ch in candidate) else candidate
    return None


def place_of(
    location: str | None, *, city: str | None = None, zip_code: str | None = None
) -> Place:
    """Explicit `city`/`zip_code` win over what the free text says."""
    text = (location or "").strip()
    found_zip = five_digit_zip(zip_code) if zip_code else five_digit_zip(text)
    found_city = (city or "").strip() or (_city(text) if text else None)
    return Place(zip_code=found_zip, city=found_city or None)
