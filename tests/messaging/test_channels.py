"""/messaging/channels through HTTP: an organization picks its providers, its credentials are
stored encrypted and never returned, bad settings are refused, and only admins and managers
may change them."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from sqlalchemy import select, text

from maitred.app import create_app
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.messaging.models import ChannelConfig
from maitred.messaging.providers import registry
from tests.conftest import make_settings
from tests.factories import given_organization, signed_in_as
from tests.probe_router import error_of

URL = "/api/v1/messaging/channels"
AUTH_TOKEN = "4c1f9e2d8b7a6c5d4e3f2a1b0c9d8e7f"
TWILIO: dict[str, Any] = {
    "provider": "twilio",
    "options": {"account_sid": "AC8f2a6d1c0b9e4f7a3d5c2b1e0f9a8d7c", "from_number": "+14155550000"},
    "credentials": {"auth_token": AUTH_TOKEN},
}


def without_providers(item: dict[str, Any]) -> dict[str, Any]:
    """The item less `available_providers` (other tests may register stand-in providers)."""
    assert {"console"} <= set(item["available_providers"])
    return {k: v for k, v in item.items() if k not in ("available_providers", "updated_at")}


def console(channel: str) -> dict[str, Any]:
    return {
        "channel": channel,
        "provider": "console",
        "source": "environment",
        "options": {},
        "credentials_set": False,
    }


async def stored_config(database: Database, channel: str) -> ChannelConfig | None:
    async with database.transaction(write=False) as session:
        found: ChannelConfig | None = await session.scalar(
            select(ChannelConfig).where(ChannelConfig.channel == channel)
        )
        return found


async def test_without_settings_every_channel_uses_the_environment(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.get(URL, headers=admin.headers)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [without_providers(i) for i in items] == [
        console(c) for c in ("email", "sms", "whatsapp", "telegram")
    ]
    assert {"console", "ringcentral", "twilio"} <= set(items[1]["available_providers"])


async def test_twilio_is_set_up_and_its_token_never_comes_back(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.put(f"{URL}/sms", json=TWILIO, headers=admin.headers)
    listed = (await client.get(URL, headers=admin.headers)).json()["items"]

    assert response.status_code == 200, response.text
    expected = {
        "channel": "sms",
        "provider": "twilio",
        "source": "organization",
        "options": TWILIO["options"],
        "credentials_set": True,
    }
    assert without_providers(response.json()) == expected
    assert response.json()["updated_at"] is not None
    assert without_providers(listed[1]) == expected
    assert AUTH_TOKEN not in response.text
    async with database.transaction(write=False) as session:
        raw = await session.scalar(text("SELECT credentials FROM channel_configs"))
    assert AUTH_TOKEN not in raw
    config = await stored_config(database, "sms")
    assert config is not None
    assert config.credentials is not None
    assert orjson.loads(config.credentials) == {"auth_token": AUTH_TOKEN}


async def test_omitted_credentials_are_kept_for_the_same_provider_only(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    await client.put(f"{URL}/sms", json=TWILIO, headers=admin.headers)

    new_number = {"provider": "twilio", "options": TWILIO["options"] | {"from_number": "+1415"}}
    kept = await client.put(f"{URL}/sms", json=new_number, headers=admin.headers)
    switched = await client.put(
        f"{URL}/sms",
        json={"provider": "ringcentral", "options": {"client_id": "rc", "from_number": "+1650"}},
        headers=admin.headers,
    )

    assert (kept.status_code, kept.json()["credentials_set"]) == (200, True)
    config = await stored_config(database, "sms")
    assert config is not None
    assert config.credentials is not None
    assert (config.provider, orjson.loads(config.credentials)) == (
        "twilio",
        {"auth_token": AUTH_TOKEN},
    )
    assert switched.status_code == 422
    assert error_of(switched)["details"] == {
        "credentials.client_secret": "Required by ringcentral",
        "credentials.jwt": "Required by ringcentral",
    }


async def test_bad_settings_are_refused_with_what_is_wrong(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    cases: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        (
            "sms",
            {"provider": "smtp"},
            {"provider": f"One of {', '.join(registry.known('sms'))}"},
        ),
        (
            "sms",
            {"provider": "twilio", "options": {"from": "x"}, "credentials": {"auth_token": "t"}},
            {
                "options.account_sid": "Required by twilio",
                "options.from": "Not a setting of twilio",
                "options.from_number": "Required by twilio",
            },
        ),
        (
            "sms",
            TWILIO | {"credentials": {"auth_token": " ", "password": "x"}},
            {
                "credentials.auth_token": "Must not be empty",
                "credentials.password": "Not a credential of twilio",
            },
        ),
        (
            "email",
            {
                "provider": "smtp",
                "options": {
                    "host": "smtp.example",
                    "port": 70000,
                    "security": "ssl",
                    "from": "nobody",
                },
            },
            {
                "options.from": "An address such as 'Hibachi at Home <hi@example.com>'",
                "options.port": "A port number from 1 to 65535",
                "options.security": "One of starttls, tls, none",
            },
        ),
        (
            "telegram",
            {
                "provider": "telegram",
                "options": {"api_base": "ftp://bots.example"},
                "credentials": {"bot_token": "1:a"},
            },
            {"options.api_base": "An http:// or https:// URL"},
        ),
    ]

    for channel, body, details in cases:
        response = await client.put(f"{URL}/{channel}", json=body, headers=admin.headers)
        assert response.status_code == 422, body
        assert error_of(response) == {
            "error": "validation_error",
            "message": "Request validation failed",
            "details": details,
        }
    typo = await client.put(f"{URL}/sms", json=TWILIO | {"credential": {}}, headers=admin.headers)
    unknown_channel = await client.put(f"{URL}/fax", json=TWILIO, headers=admin.headers)

    assert typo.status_code == 422
    assert unknown_channel.status_code == 404
    assert error_of(unknown_channel)["error"] == "not_found"
    assert await stored_config(database, "sms") is None
    assert await stored_config(database, "email") is None


async def test_webhook_secrets_are_optional_credentials(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    secrets = {"access_token": "EAAJ", "app_secret": "meta-app-secret", "verify_token": "v"}

    response = await client.put(
        f"{URL}/whatsapp",
        json={
            "provider": "whatsapp_cloud",
            "options": {"phone_number_id": "106540352242922"},
            "credentials": secrets,
        },
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    config = await stored_config(database, "whatsapp")
    assert config is not None
    assert config.credentials is not None
    assert orjson.loads(config.credentials) == secrets


async def test_delete_goes_back_to_the_environment_default(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    await client.put(f"{URL}/sms", json=TWILIO, headers=admin.headers)

    response = await client.delete(f"{URL}/sms", headers=admin.headers)
    again = await client.delete(f"{URL}/sms", headers=admin.headers)

    assert response.status_code == 200
    assert without_providers(response.json()) == console("sms")
    assert again.status_code == 200
    assert await stored_config(database, "sms") is None


async def test_only_admins_and_managers_change_channels_and_staff_may_look(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await signed_in_as(client, database, Role.staff, organization)
    viewer = await signed_in_as(client, database, Role.viewer, organization)
    manager = await signed_in_as(client, database, Role.manager, organization)

    anonymous = await client.get(URL)
    staff_reads = await client.get(URL, headers=staff.headers)
    staff_writes = await client.put(f"{URL}/sms", json=TWILIO, headers=staff.headers)
    staff_deletes = await client.delete(f"{URL}/sms", headers=staff.headers)
    viewer_reads = await client.get(URL, headers=viewer.headers)
    assert await stored_config(database, "sms") is None
    manager_writes = await client.put(f"{URL}/sms", json=TWILIO, headers=manager.headers)

    assert (anonymous.status_code, error_of(anonymous)["error"]) == (401, "unauthorized")
    assert staff_reads.status_code == 200
    assert (staff_writes.status_code, error_of(staff_writes)["error"]) == (403, "forbidden")
    assert staff_deletes.status_code == 403
    assert viewer_reads.status_code == 403
    assert manager_writes.status_code == 200


async def test_another_organizations_settings_are_not_seen_or_used(
    client: httpx.AsyncClient, database: Database
) -> None:
    ours = await signed_in_as(client, database, Role.admin)
    theirs = await signed_in_as(
        client, database, Role.admin, await given_organization(database, "Other Grill")
    )
    await client.put(f"{URL}/sms", json=TWILIO, headers=theirs.headers)

    response = await client.get(URL, headers=ours.headers)

    assert without_providers(response.json()["items"][1]) == console("sms")


async def test_the_environment_default_is_reported_without_its_settings(
    database: Database, settings: Any
) -> None:
    configured = make_settings(
        settings.data_dir,
        settings.database_url,
        twilio_account_sid="AC8f2a6d1c0b9e4f7a3d5c2b1e0f9a8d7c",
        twilio_auth_token=AUTH_TOKEN,
        smtp_url="smtp://mailer:secret@smtp.example:587",
    )
    app: FastAPI = create_app(configured, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        admin = await signed_in_as(client, database, Role.admin)
        response = await client.get(URL, headers=admin.headers)

    email, sms = response.json()["items"][:2]
    assert without_providers(email) == console("email") | {
        "provider": "smtp",
        "credentials_set": True,
    }
    assert without_providers(sms) == console("sms") | {
        "provider": "twilio",
        "credentials_set": True,
    }
    assert "secret" not in response.text
    assert AUTH_TOKEN not in response.text
