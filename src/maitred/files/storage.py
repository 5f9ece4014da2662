"""Where the bytes of stored files live: one small interface, `local` (a directory under
MAITRED_DATA_DIR) or `s3` (any S3-compatible service, through boto3).

Keys are made here, from random bytes and the checked type's extension, never from a client's
file name; a key that does not have that shape is refused before it reaches a path or a bucket.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import tempfile
import uuid
from pathlib import Path
from typing import Any, Protocol

from maitred.config import Settings

_KEY = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[0-9a-f]{32}\.[a-z0-9]{2,4}"
)


def new_key(organization_id: uuid.UUID, extension: str) -> str:
    key = f"{organization_id}/{secrets.token_hex(16)}{extension}"
    return checked_key(key)


def checked_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError("not a storage key")
    return key


class Storage(Protocol):
    name: str

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None:
        """Removing what is already gone is no error."""


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / checked_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError("not a storage key")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Written aside and renamed into place: a reader sees no file or all of it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".upload.")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(scratch, path)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)


class S3Storage:
    name = "s3"

    def __init__(self, settings: Settings) -> None:
        import boto3  # only S3 installs pay for importing it

        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix.strip("/")
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=settings.s3_secret_access_key or None,
        )

    def _object(self, key: str) -> str:
        key = checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            Bucket=self.bucket,
            Key=self._object(key),
            Body=data,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        answer = await asyncio.to_thread(
            self.client.get_object, Bucket=self.bucket, Key=self._object(key)
        )
        body: bytes = await asyncio.to_thread(answer["Body"].read)
        return body

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(
            self.client.delete_object, Bucket=self.bucket, Key=self._object(key)
        )


_s3_clients: dict[tuple[str, ...], S3Storage] = {}


def storage_for(settings: Settings) -> Storage:
    """The backend the settings choose (an S3 client is made once per configuration)."""
    if settings.storage_backend == "s3":
        config = (
            settings.s3_endpoint_url,
            settings.s3_bucket,
            settings.s3_region,
            settings.s3_access_key_id,
            settings.s3_secret_access_key,
            settings.s3_prefix,
        )
        if config not in _s3_clients:
            _s3_clients[config] = S3Storage(settings)
        return _s3_clients[config]
    return LocalStorage(settings.data_dir / "files")
