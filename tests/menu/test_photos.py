"""Menu item photos through HTTP: uploaded as multipart/form-data, served to anyone with their
real type, replaced and deleted (bytes removed by the worker), refused when too large, not an
image, or named to escape the storage directory."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import select

from maitred.config import Settings
from maitred.files.models import StoredFile
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, deliver_everything, signed_in_as
from tests.files.images import GPS_IFD, WINDOWS_PROGRAM, decoded, phone_photo, png, png_claiming
from tests.menu.helpers import ITEMS, given_item, stored_item

MENU = "/api/v1/menu"


async def upload(
    client: httpx.AsyncClient,
    actor: Actor,
    item_id: uuid.UUID,
    data: bytes,
    *,
    name: str = "chicken.jpg",
    content_type: str = "image/jpeg",
    method: str = "PUT",
) -> httpx.Response:
    return await client.request(
        method,
        f"{ITEMS}/{item_id}/photo",
        files={"file": (name, data, content_type)},
        headers=actor.headers,
    )


async def files_of(database: Database) -> list[StoredFile]:
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(StoredFile))).all())


def on_disk(settings: Settings, stored: StoredFile) -> Path:
    assert stored.key is not None
    return settings.data_dir / "files" / stored.key


async def given_admin_and_item(
    client: httpx.AsyncClient, database: Database
) -> tuple[Actor, uuid.UUID]:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    return admin, await given_item(database, admin.organization)


async def public_menu_items(client: httpx.AsyncClient, actor: Actor) -> list[dict[str, Any]]:
    assert actor.organization is not None
    response = await client.get(MENU, params={"org": str(actor.organization.id)})
    assert response.status_code == 200, response.text
    return [item for group in response.json()["categories"] for item in group["items"]]


async def test_a_photo_is_uploaded_and_served_to_anyone_without_its_gps_position(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, item_id = await given_admin_and_item(client, database)
    original = phone_photo()
    assert GPS_IFD in decoded(original).getexif()

    response = await upload(client, admin, item_id, original, name="Chicken plate.jpg")

    assert response.status_code == 200, response.text
    url = response.json()["photo_url"]
    (stored,) = await files_of(database)
    assert url == f"/api/v1/menu/photos/{admin.organization.id}/{stored.id}"  # type: ignore[union-attr]
    assert [item["photo_url"] for item in await public_menu_items(client, admin)] == [url]
    served = await client.get(url)  # nobody signed in
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["content-disposition"] == (
        "inline; filename=\"Chicken plate.jpg\"; filename*=UTF-8''Chicken%20plate.jpg"
    )
    photo = decoded(served.content)
    assert (photo.format, photo.size) == ("JPEG", (64, 48))
    assert GPS_IFD not in photo.getexif()
    assert 0x010F not in photo.getexif()
    assert on_disk(settings, stored).read_bytes() == served.content


async def test_replacing_a_photo_changes_its_url_and_removes_the_old_bytes(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, item_id = await given_admin_and_item(client, database)
    first = (await upload(client, admin, item_id, phone_photo())).json()["photo_url"]
    (old,) = await files_of(database)

    replaced = await upload(client, admin, item_id, png(), name="new.png", method="POST")
    await deliver_everything(database, settings)

    assert replaced.status_code == 200, replaced.text
    second = replaced.json()["photo_url"]
    assert second != first
    assert (await client.get(first)).status_code == 404
    served = await client.get(second)
    assert (served.status_code, served.headers["content-type"]) == (200, "image/png")
    assert not on_disk(settings, old).exists()
    assert [f.content_type for f in await files_of(database)] == ["image/png"]


async def test_deleting_a_photo_hides_it_and_removes_its_bytes(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, item_id = await given_admin_and_item(client, database)
    url = (await upload(client, admin, item_id, phone_photo())).json()["photo_url"]
    (stored,) = await files_of(database)

    deleted = await client.delete(f"{ITEMS}/{item_id}/photo", headers=admin.headers)
    again = await client.delete(f"{ITEMS}/{item_id}/photo", headers=admin.headers)
    await deliver_everything(database, settings)

    assert (deleted.status_code, again.status_code) == (204, 204)
    assert (await client.get(url)).status_code == 404
    item = await client.get(f"{ITEMS}/{item_id}", headers=admin.headers)
    assert item.json()["photo_url"] is None
    assert not on_disk(settings, stored).exists()
    assert await files_of(database) == []


async def test_deleting_the_item_removes_its_photo(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, item_id = await given_admin_and_item(client, database)
    url = (await upload(client, admin, item_id, phone_photo())).json()["photo_url"]
    (stored,) = await files_of(database)

    assert (await client.delete(f"{ITEMS}/{item_id}", headers=admin.headers)).status_code == 204
    await deliver_everything(database, settings)

    assert (await client.get(url)).status_code == 404
    assert not on_disk(settings, stored).exists()


async def test_a_program_renamed_to_jpg_is_refused_and_nothing_is_kept(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin, item_id = await given_admin_and_item(client, database)

    response = await upload(client, admin, item_id, WINDOWS_PROGRAM, name="photo.jpg")

    assert response.status_code == 415
    body = response.json()
    assert (body["error"], body["message"]) == (
        "unsupported_media_type",
        "This type of file is not accepted",
    )
    assert body["details"] == {"file": "Accepted: image/gif, image/jpeg, image/png, image/webp"}
    assert await files_of(database) == []
    assert (await stored_item(database, item_id)).photo_file_id is None  # type: ignore[union-attr]


async def test_a_damaged_image_is_refused(client: httpx.AsyncClient, database: Database) -> None:
    admin, item_id = await given_admin_and_item(client, database)

    response = await upload(client, admin, item_id, phone_photo()[:200])

    assert response.status_code == 422
    assert response.json()["details"] == {"file": "The image is damaged or incomplete"}
    assert await files_of(database) == []


async def test_a_photo_over_the_size_limit_is_refused(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, item_id = await given_admin_and_item(client, database)
    before = await upload(client, admin, item_id, png())
    too_big = phone_photo() + b"\x00" * settings.upload_max_bytes

    response = await upload(client, admin, item_id, too_big)

    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert response.json()["details"] == {"file": f"At most {settings.upload_max_bytes} bytes"}
    after = await client.get(f"{ITEMS}/{item_id}", headers=admin.headers)
    assert after.json()["photo_url"] == before.json()["photo_url"]
    assert len(await files_of(database)) == 1


async def test_a_file_name_cannot_choose_where_the_bytes_go(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    outside = set(settings.data_dir.parent.rglob("*"))
    tricks = {
        "../../../../etc/cron.d/evil.jpg": "evil.png",
        "..\\..\\windows\\evil.exe": "evil.png",
        "/tmp/.bashrc": "bashrc.png",
        # httpx sends these control characters percent-encoded
        "\x00\r\nSet-Cookie: a=b;.png": "00_0D_0ASet-Cookie_ a_b.png",
    }

    served = {}
    for trick, expected in tricks.items():
        item_id = await given_item(database, admin.organization, f"Item for {expected}")
        response = await upload(client, admin, item_id, png(), name=trick)
        assert response.status_code == 200, response.text
        photo = await client.get(response.json()["photo_url"])
        served[trick] = photo.headers["content-disposition"]
        assert served[trick] == (
            f"inline; filename=\"{expected}\"; filename*=UTF-8''{quote(expected, safe='')}"
        )

    new = set(settings.data_dir.parent.rglob("*")) - outside
    assert new
    assert all(p.is_relative_to(settings.data_dir / "files") for p in new)
    for found in await files_of(database):
        assert found.key is not None
        assert re.fullmatch(f"{admin.organization.id}/[0-9a-f]{{32}}\\.png", found.key)


async def test_only_menu_writers_set_photos(client: httpx.AsyncClient, database: Database) -> None:
    admin, item_id = await given_admin_and_item(client, database)
    viewer = await signed_in_as(client, database, Role.viewer, admin.organization)

    as_viewer = await upload(client, viewer, item_id, png())
    anonymous = await client.put(f"{ITEMS}/{item_id}/photo", files={"file": ("a.png", png())})
    no_file = await client.put(f"{ITEMS}/{item_id}/photo", headers=admin.headers)

    assert (as_viewer.status_code, anonymous.status_code, no_file.status_code) == (403, 401, 422)
    assert no_file.json()["details"] == {
        "file": "Send the file as the multipart/form-data field 'file'"
    }
    assert await files_of(database) == []


async def test_a_body_declared_far_over_the_limit_is_refused_before_it_is_read(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin, item_id = await given_admin_and_item(client, database)
    huge = settings.upload_max_bytes + 1024 * 1024
    parts = [b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n']
    read = []

    async def body() -> AsyncIterator[bytes]:
        """Streams a PNG and then zeros; counts what the server pulled."""
        for chunk in [parts[0], png(), *([b"\0" * 65536] * (huge // 65536))]:
            read.append(len(chunk))
            yield chunk

    response = await client.put(
        f"{ITEMS}/{item_id}/photo",
        content=body(),
        headers={
            **admin.headers,
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(huge),
        },
    )

    assert response.status_code == 413
    assert response.json()["details"] == {"file": f"At most {settings.upload_max_bytes} bytes"}
    assert sum(read) < settings.upload_max_bytes  # the rest was never pulled
    assert await files_of(database) == []


async def test_a_chunked_body_over_the_limit_is_refused_before_it_is_all_read(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    """Without a Content-Length the server cannot refuse up front; it stops at the limit."""
    admin, item_id = await given_admin_and_item(client, database)
    chunks = settings.upload_max_bytes // 65536 + 64
    read = []

    async def body() -> AsyncIterator[bytes]:
        head = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
        for chunk in [head, png(), *([b"\0" * 65536] * chunks)]:
            read.append(len(chunk))
            yield chunk

    response = await client.put(
        f"{ITEMS}/{item_id}/photo",
        content=body(),
        headers={**admin.headers, "Content-Type": "multipart/form-data; boundary=x"},
    )

    assert response.status_code == 413
    assert response.json()["details"] == {"file": f"At most {settings.upload_max_bytes} bytes"}
    assert sum(read) < (chunks - 8) * 65536  # the server stopped pulling near the limit
    assert await files_of(database) == []


async def test_an_image_claiming_too_many_pixels_is_refused_without_decoding(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin, item_id = await given_admin_and_item(client, database)

    answers = [
        await upload(client, admin, item_id, png_claiming(*size), name="bomb.png")
        for size in ((8000, 8000), (30000, 30000))  # over ours; over Pillow's own ceiling too
    ]

    assert [a.status_code for a in answers] == [422, 422]
    assert {a.json()["details"]["file"] for a in answers} == {
        "The image has more than 40000000 pixels"
    }
    assert await files_of(database) == []
