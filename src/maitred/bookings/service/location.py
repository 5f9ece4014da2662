"""Where an event is: the text staff read, and the city and zip code pricing and the service
area need (seed 001 sends one line of text, seed 000 a structured address)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")
_STATE_ZIP = re.compile(r"^[A-Za-z]{2}(\s+\d{5}(-\d{4})?)?$")


@dataclass(frozen=True)
class Place:
    text: str
    details: dict[str, Any]
    city: str | None
    zip_code: str | None


def place_of(location: str, details: dict[str, Any] | None = None) -> Place:
    """Structured details win; otherwise the city and zip code are read from the text
    ("123 Main St, Los Angeles, CA 90001", "Los Angeles, CA", "Sacramento")."""
    if details:
        cleaned = {k: str(v).strip() for k, v in details.items() if v is not None}
        state_zip = " ".join(p for p in (cleaned.get("state"), cleaned.get("zip_code")) if p)
        parts = [cleaned.get("address", ""), cleaned.get("city", ""), state_zip]
        text = location.strip() or ", ".join(p for p in parts if p)
        return Place(
            text=text,
            details=cleaned,
            city=cleaned.get("city") or None,
            zip_code=cleaned.get("zip_code") or None,
        )
    text = location.strip()
    zip_match = _ZIP.search(text)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    city: str | None = None
    if len(parts) >= 2 and _STATE_ZIP.match(parts[-1]):
        city = parts[-2]
    elif len(parts) == 1 and not any(ch.isdigit() for ch in parts[0]):
        city = parts[0]
    return Place(
        text=text, details={}, city=city, zip_code=zip_match.group(1) if zip_match else None
    )
