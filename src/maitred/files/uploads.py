"""Reading a multipart upload at the HTTP edge: at most one byte past the limit is read, so a
file that is too large is refused without being held whole."""

from __future__ import annotations

from fastapi import UploadFile

from maitred.config import Settings
from maitred.files.errors import FileTooLarge
from maitred.kit.errors import ValidationFailed


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
