"""The `s3` storage through boto3's real code path against moto's S3 server (a real HTTP
implementation of the S3 API on a local port): a menu photo and a message attachment land in
the bucket under server-made keys, are served from there, and their objects go when deleted."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.conftest import make_settings
from tests.factories import deliver_everything, signed_in_as
from tests.files.images import phone_photo, png
from tests.menu.helpers import ITEMS, given_item

BUCKET = "maitred-uploads"
CREDENTIALS = {"s3_access_key_id": "AKIATESTKEY", "s3_secret_access_key": "test-secret"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_settings(settings: Settings, s3_endpoint: str) -> Settings:
    return make_settings(
        settings.data_dir,
        settings.database_url,
        storage_backend="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=BUCKET,
        s3_prefix="uploads",
        **CREDENTIALS,
    )


@pytest.fixture
def bucket(s3_endpoint: str) -> Any:
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["s3_access_key_id"],
        aws_secret_access_key=CREDENTIALS["s3_secret_access_key"],
    )
    s3.create_bucket(Bucket=BUCKET)
    return s3


@pytest.fixture
async def s3_client(s3_settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(s3_settings, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def objects(bucket: Any) -> dict[str, bytes]:
    listed = bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: bucket.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


async def test_a_menu_photo_is_kept_in_the_bucket_served_from_it_and_removed(
    s3_client: httpx.AsyncClient, database: Database, s3_settings: Settings, bucket: Any
) -> None:
    admin = await signed_in_as(s3_client, database, Role.admin)
    assert admin.organization is not None
    item_id = await given_item(database, admin.organization)
    local_before = set((s3_settings.data_dir / "files").rglob("*"))

    uploaded = await s3_client.put(
        f"{ITEMS}/{item_id}/photo",
        files={"file": ("../../etc/passwd.jpg", phone_photo(), "image/jpeg")},
        headers=admin.headers,
    )

    assert uploaded.status_code == 200, uploaded.text
    ((key, data),) = objects(bucket).items()
    assert key.startswith(f"uploads/{admin.organization.id}/")
    assert key.endswith(".jpg")
    assert bucket.head_object(Bucket=BUCKET, Key=key)["ContentType"] == "image/jpeg"
    served = await s3_client.get(uploaded.json()["photo_url"])
    assert (served.status_code, served.content) == (200, data)
    assert set((s3_settings.data_dir / "files").rglob("*")) == local_before  # nothing on disk

    deleted = await s3_client.delete(f"{ITEMS}/{item_id}/photo", headers=admin.headers)
    await deliver_everything(database, s3_settings)

    assert deleted.status_code == 204
    assert objects(bucket) == {}


async def test_an_attachment_is_uploaded_to_the_bucket_and_downloaded_by_staff(
    s3_client: httpx.AsyncClient, database: Database, bucket: Any
) -> None:
    admin = await signed_in_as(s3_client, database, Role.admin)

    uploaded = await s3_client.post(
        "/api/v1/messages/attachments",
        files={"file": ("patio.png", png(), "image/png")},
        headers=admin.headers,
    )
    sent = await s3_client.post(
        "/api/v1/messages/send",
        json={
            "recipient": {"phone": "+19164445566"},
            "content": "Our patio",
            "provider": "sms",
            "attachment_ids": [uploaded.json()["id"]],
        },
        headers=admin.headers,
    )

    assert (uploaded.status_code, sent.status_code) == (201, 201)
    ((key, data),) = objects(bucket).items()
    download = await s3_client.get(sent.json()["attachments"][0]["url"], headers=admin.headers)
    assert (download.status_code, download.content) == (200, data)
    assert key.endswith(".png")
