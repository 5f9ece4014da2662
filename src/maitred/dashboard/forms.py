"""Reading forms into the API's own schemas, and the API's messages back onto the fields.

A page never re-checks what a service checks: it builds the same body the API would get,
lets the schema and the service judge it, and shows their messages next to the fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from maitred.kit.errors import AppError, validation_details


@dataclass
class Problems:
    """What went wrong with a form: one message for the page and one per field."""

    message: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    status_code: int = 422

    def __bool__(self) -> bool:
        return bool(self.message or self.fields)


def problems_of(exc: AppError | ValidationError) -> Problems:
    if isinstance(exc, ValidationError):
        return Problems("Please correct the fields below.", validation_details(exc.errors()))
    details = {str(k): str(v) for k, v in (exc.details or {}).items() if isinstance(v, str)}
    return Problems(exc.message, details, exc.status_code)


def values(form: FormData, *names: str) -> dict[str, Any]:
    """The named fields the browser filled in (empty ones left out, as a JSON body would)."""
    found: dict[str, Any] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip() != "":
            found[name] = value.strip()
    return found
