"""The booking page section of the organization settings: which other sites may show the
public booking page in a frame (its Content-Security-Policy `frame-ancestors`)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from maitred.tenancy.settings_base import Section

_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?$")


class BookingPageSettings(Section):
    allowed_origins: list[str] = Field(
        default_factory=list,
        max_length=20,
        examples=[["https://www.example.com"]],
        description=(
            "Origins (scheme://host[:port]) whose pages may embed the booking page; empty: "
            "only this server's own pages may"
        ),
    )

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        cleaned = []
        for origin in value:
            text = origin.strip().lower().rstrip("/")
            if not _ORIGIN.match(text):
                raise ValueError(f"{origin!r} is not an origin such as https://www.example.com")
            cleaned.append(text)
        return list(dict.fromkeys(cleaned))
