"""What an upload really is, decided from its bytes: the client's name and Content-Type are
never believed. Images are opened and re-encoded with Pillow, which proves they decode and drops
their metadata (EXIF, with a phone photo's GPS position); other kinds are recognised by their
magic numbers (puremagic). Client file names are cleaned for Content-Disposition only: storage
keys are the server's own.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import puremagic
from PIL import Image, ImageOps, UnidentifiedImageError

from maitred.files.errors import FileTooLarge, UnsupportedFileType
from maitred.kit.errors import ValidationFailed

IMAGE_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
# What a message may carry besides images: documents, voice notes, short videos.
MEDIA_TYPES = {
    **IMAGE_TYPES,
    "application/pdf": ".pdf",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
}
_PILLOW_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
_UNSAFE = re.compile(r"[^\w.() -]+")


@dataclass(frozen=True)
class Checked:
    data: bytes
    content_type: str
    extension: str


def check(data: bytes, *, allowed: dict[str, str], max_bytes: int) -> Checked:
    """The bytes to keep and their real type; 413 too large, 415 a type not in `allowed`, 422 an
    empty file or an image that does not decode."""
    if len(data) > max_bytes:
        raise FileTooLarge(details={"file": f"At most {max_bytes} bytes"})
    if not data:
        raise ValidationFailed(details={"file": "The file is empty"})
    image_format = _image_format(data)
    if image_format is not None:
        image_type = _PILLOW_FORMATS.get(image_format, "")
        if image_type not in allowed:
            raise _unsupported(allowed)
        return Checked(_reencoded(data, image_format), image_type, allowed[image_type])
    content_type = _magic_type(data, allowed)
    if content_type is None:
        raise _unsupported(allowed)
    if content_type in IMAGE_TYPES:  # it starts like an image, but Pillow cannot open it
        raise ValidationFailed(details={"file": "The image is damaged or incomplete"})
    return Checked(data, content_type, allowed[content_type])


def _unsupported(allowed: dict[str, str]) -> UnsupportedFileType:
    return UnsupportedFileType(details={"file": "Accepted: " + ", ".join(sorted(allowed))})


def _image_format(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.size[0] * image.size[1] > MAX_PIXELS:
                raise _too_many_pixels()
            return image.format
    except Image.DecompressionBombError:  # Pillow's own ceiling, checked as it opens
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _too_many_pixels() -> ValidationFailed:
    return ValidationFailed(details={"file": f"The image has more than {MAX_PIXELS} pixels"})


def _magic_type(data: bytes, allowed: dict[str, str]) -> str | None:
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return None
    for match in sorted(matches, key=lambda m: -m.confidence):
        mime = "audio/ogg" if match.extension == ".ogg" else match.mime_type
        if mime in allowed:
            return mime
    return None


def _reencoded(data: bytes, image_format: str) -> bytes:
    """The image decoded and saved again without its metadata, turned upright first (the EXIF
    orientation goes with the rest). An animated GIF is kept as sent: GIF carries no EXIF."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image_format == "GIF":
                image.verify()
                return data
            image.load()
            upright = ImageOps.exif_transpose(image)
            output = io.BytesIO()
            options: dict[str, object] = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
            if image_format == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(output, format=image_format, **options)
            return output.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ValidationFailed(details={"file": "The image is damaged or incomplete"}) from None


def clean_name(name: str | None, *, extension: str) -> str:
    """A display name for the file: the last path segment of what the client sent, without
    control characters, path separators or leading dots, ending in the real extension."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFKC", name or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:100] or "file"
    return f"{stem}{extension}"


def content_disposition(kind: str, name: str) -> str:
    """RFC 6266: an ASCII `filename` and the UTF-8 `filename*`."""
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
