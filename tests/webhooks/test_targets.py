"""The SSRF guard: in production webhooks go over https to public addresses only, checked when
subscribing and again when delivering; the delivery connects to the address it checked."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.webhooks.targets import Target, checked_target, refusal
from tests.conftest import make_settings
from tests.factories import deliver_everything, signed_in_as
from tests.probe_router import error_of
from tests.webhooks.given import SUBSCRIPTIONS, deliveries_of, emit, subscribe
from tests.webhooks.receiver import Receiver

PUBLIC = "https://93.184.216.34/hooks"


@pytest.fixture
def production(data_dir: Path, database_url: str) -> Settings:
    return make_settings(data_dir, database_url, env="production")


async def _client_for(settings: Settings, database: Database) -> httpx.AsyncClient:
    app = create_app(settings, database=database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def production_client(
    production: Settings, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    async with await _client_for(production, database) as client:
        yield client


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/hooks", "Webhook URLs must use https"),
        ("http://example.com/hooks", "Webhook URLs must use https"),
        (
            "https://10.0.0.1/hooks",
            "10.0.0.1 resolves to 10.0.0.1, a private address; "
            "webhooks go to public addresses only",
        ),
        (
            "https://127.0.0.1/hooks",
            "127.0.0.1 resolves to 127.0.0.1, a loopback address; "
            "webhooks go to public addresses only",
        ),
        (
            "https://169.254.169.254/latest",
            "169.254.169.254 resolves to 169.254.169.254, a "
            "link-local address; webhooks go to public addresses only",
        ),
        (
            "https://[::ffff:192.168.1.5]/",
            "::ffff:192.168.1.5 resolves to ::ffff:c0a8:105, a "
            "private address; webhooks go to public addresses only",
        ),
        ("https://no-such-host.invalid/", "The host no-such-host.invalid could not be resolved"),
    ],
)
async def test_production_refuses_plain_http_and_inside_addresses(
    production_client: httpx.AsyncClient, database: Database, url: str, reason: str
) -> None:
    admin = await signed_in_as(production_client, database, Role.admin)

    response = await production_client.post(
        SUBSCRIPTIONS, json={"url": url, "events": "*"}, headers=admin.headers
    )

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "The webhook URL is not allowed",
        "details": {"url": reason},
    }
    listed = await production_client.get(SUBSCRIPTIONS, headers=admin.headers)
    assert listed.json()["items"] == []


async def test_production_accepts_public_https_and_refuses_moving_inside(
    production_client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(production_client, database, Role.admin)
    created = await subscribe(production_client, admin, PUBLIC)
    path = f"{SUBSCRIPTIONS}/{created['id']}"

    localhost = await production_client.patch(
        path, json={"url": "https://localhost/hooks"}, headers=admin.headers
    )

    assert localhost.status_code == 422
    assert error_of(localhost)["details"]["url"].startswith(  # type: ignore[index]
        "localhost resolves to "
    )
    assert (await production_client.get(path, headers=admin.headers)).json()["url"] == PUBLIC


async def test_private_targets_can_be_allowed_but_https_stays_required(
    data_dir: Path, database_url: str, database: Database
) -> None:
    allowing = make_settings(
        data_dir, database_url, env="production", webhook_allow_private_targets=True
    )
    async with await _client_for(allowing, database) as client:
        admin = await signed_in_as(client, database, Role.admin)
        inside = await client.post(
            SUBSCRIPTIONS, json={"url": "https://10.0.0.1/h", "events": "*"}, headers=admin.headers
        )
        plain = await client.post(
            SUBSCRIPTIONS, json={"url": "http://10.0.0.1/h", "events": "*"}, headers=admin.headers
        )

    assert inside.status_code == 201
    assert plain.status_code == 422


async def test_the_target_is_checked_again_when_delivering(
    client: httpx.AsyncClient,
    database: Database,
    production: Settings,
    receiver: Receiver,
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    assert admin.organization is not None

    await emit(database, admin.organization.id, "lead.created", lead_id=uuid.uuid4())
    await deliver_everything(database, production)

    assert receiver.received == []
    [delivery] = (await deliveries_of(client, admin, subscription["id"]))["items"]
    assert (delivery["status"], delivery["response_status"], delivery["error"]) == (
        "pending",
        None,
        "Refused: Webhook URLs must use https",
    )


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "private"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fd00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_only_public_addresses_pass(address: str, kind: str | None) -> None:
    assert refusal(ipaddress.ip_address(address)) == kind


async def test_a_checked_target_is_connected_to_by_its_address(production: Settings) -> None:
    target = await checked_target("https://93.184.216.34:8443/hooks?x=1", production)
    named = Target(httpx.URL("https://hooks.example.com:8443/in"), pinned_address="2001:db8::7")

    assert target.pinned_address == "93.184.216.34"
    assert str(named.request_url()) == "https://[2001:db8::7]:8443/in"
    assert named.host_header() == "hooks.example.com:8443"
    assert named.request_extensions() == {"sni_hostname": "hooks.example.com"}
    assert Target(httpx.URL("http://h.example/")).request_extensions() == {}
