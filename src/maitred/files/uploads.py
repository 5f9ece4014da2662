"""Uploads at the HTTP edge: a request whose body is far larger than the limit is refused
before its form is parsed (UploadRoute), whether it declares its length or streams it in
chunks, and of a file at most one byte past the limit is read."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, UploadFile
from fastapi.routing import APIRoute

from maitred.config import Settings
from maitred.files.errors import FileTooLarge
from maitred.kit.deps import app_settings
from maitred.kit.errors import ValidationFailed

# Room for the form's boundaries and part headers around the file.
FORM_OVERHEAD = 64 * 1024


async def read_upload(file: UploadFile | None, settings: Settings) -> tuple[bytes, str | None]:
    """The bytes and the client's file name of the form field `file`."""
    if file is None or isinstance(file, str):
        raise ValidationFailed(
            details={"file": "Send the file as the multipart/form-data field 'file'"}
        )
    limit = settings.upload_max_bytes
    data = await file.read(limit + 1)
    await file.close()
    if len(data) > limit:
        raise FileTooLarge(details={"file": f"At most {limit} bytes"})
    return data, file.filename


class UploadRoute(APIRoute):
    """A route taking a file: a `Content-Length` beyond the limit is 413 before the body is
    read (FastAPI parses the form before any dependency runs). A chunked body, which declares
    no length, is read up to the same bound and refused as soon as it passes it, so it is
    never spooled whole."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            limit = app_settings(request).upload_max_bytes
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
                raise FileTooLarge(details={"file": f"At most {limit} bytes"})
            if not declared:
                await _read_bounded(request, limit)
            return await handler(request)

        return guarded


async def _read_bounded(request: Request, limit: int) -> None:
    """Reads a body of unknown length into the request (where the form parser finds it),
    stopping with a 413 at the first chunk past the limit."""
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit + FORM_OVERHEAD:
            raise FileTooLarge(details={"file": f"At most {limit} bytes"})
        chunks.append(chunk)
    request._body = b"".join(chunks)
