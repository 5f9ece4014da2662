"""Why an upload is refused."""

from __future__ import annotations

from maitred.kit.errors import AppError


class FileTooLarge(AppError):
    """The file is larger than MAITRED_UPLOAD_MAX_BYTES."""

    status_code, code, message = 413, "payload_too_large", "The file is too large"


class UnsupportedFileType(AppError):
    """The bytes are not of a type this upload accepts, whatever the name or Content-Type say."""

    status_code, code, message = 415, "unsupported_media_type", "This type of file is not accepted"
