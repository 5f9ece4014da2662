"""How a stored file goes out over HTTP: its real type, never sniffed, never run as a page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Response

from maitred.files import checks
from maitred.files.models import StoredFile

# Public menu photos change URL when replaced (the URL names the file), so they may be kept.
PUBLIC_CACHE = "public, max-age=31536000, immutable"
PRIVATE_CACHE = "private, no-store"


def file_response(
    stored: StoredFile, data: bytes, *, public: bool, download: bool = False
) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(
        content=data,
        media_type=stored.content_type,
        headers={
            "Cache-Control": PUBLIC_CACHE if public else PRIVATE_CACHE,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Content-Disposition": checks.content_disposition(disposition, stored.original_name),
            "ETag": f'"{stored.sha256}"',
        },
    )


def binary_answer(
    description: str, content_types: Iterable[str]
) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI entry of a 200 that is the file itself, in one of `content_types`."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        200: {
            "description": description,
            "content": dict.fromkeys(sorted(content_types), binary),
        }
    }
