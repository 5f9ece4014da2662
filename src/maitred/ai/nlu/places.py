"""Where the event is: a zip code (checked against the offline `zipcodes` data pricing uses),
a city (the service area's, or one the zip data knows after "in"), a street address
(`usaddress`)."""

from __future__ import annotations

import re
from functools import lru_cache

import usaddress
import zipcodes

_ZIP = re.compile(r"(?<![\d+\-.(])\b(\d{5})(?:-\d{4})?\b(?![\d\-.)])")
_STREET = re.compile(
    r"(?i)\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9'.]+\s+){0,3}"
    r"(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|way|ct|court|pl|place|"
    r"cir|circle|pkwy|parkway|ter|terrace|hwy|highway|trl|trail|loop|sq|square)\b\.?"
    r"(?:\s*(?:#|apt\.?|unit|suite|ste\.?)\s*\w+)?"
)
_IN_CITY = re.compile(
    r"(?:\b(?:in|at|en|near|around|to|cover|serve|visit|cerca\s+de)\s+)([A-Za-z][A-Za-z .'-]{1,40})"
)


def zip_codes(text: str) -> list[str]:
    return [z for z in _ZIP.findall(text) if zipcodes.is_real(z)]  # type: ignore[no-untyped-call]


@lru_cache(maxsize=4096)
def _is_city(name: str) -> bool:
    """Whether some US zip code lies in a city of this name (the zip table's own index, which
    costs ~40 MB once, where listing every entry cost ~140 MB)."""
    return any(
        zipcodes.filter_by(city=spelling)  # type: ignore[no-untyped-call]
        for spelling in dict.fromkeys((name, name.title()))
    )


def city(text: str, known: tuple[str, ...]) -> str | None:
    """A city of the service area named anywhere, else a real city after "in"/"en"."""
    lowered = text.lower()
    for name in sorted(known, key=len, reverse=True):
        if re.search(rf"\b{re.escape(name.lower())}\b", lowered):
            return name
    for match in _IN_CITY.finditer(text):
        words = match.group(1).split()
        for size in (3, 2, 1):
            candidate = " ".join(words[:size]).strip(" .,'")
            if len(words) >= size and candidate[:1].isupper() and _is_city(candidate):
                return candidate.title()
    return None


def address(text: str) -> dict[str, str]:
    """The street address and what `usaddress` reads around it (city, zip code)."""
    match = _STREET.search(text)
    if match is None:
        return {}
    tail = text[match.start() : match.start() + 120].split("\n")[0]
    try:
        tagged, _kind = usaddress.tag(tail)
    except usaddress.RepeatedLabelError:
        return {"address": match.group(0).strip(" ,.")}
    street_parts = [
        value
        for label, value in tagged.items()
        if label.startswith(
            (
                "AddressNumber",
                "StreetName",
                "StreetNamePre",
                "StreetNamePost",
                "OccupancyType",
                "OccupancyIdentifier",
            )
        )
    ]
    found = {"address": " ".join(street_parts).strip(" ,.") or match.group(0).strip(" ,.")}
    if place := tagged.get("PlaceName"):
        found["city"] = place.strip(" ,.").title()
    return found
