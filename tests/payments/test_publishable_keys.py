"""The instance's publishable key (MAITRED_STRIPE_PUBLISHABLE_KEY) goes with its intents, an
organization's own goes with its own, and /health/features says whether payments are set up and
in which mode, never with a key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from maitred.app import create_app
from maitred.kit.db import Database
from tests.conftest import make_settings
from tests.factories import signed_in_as
from tests.payments.given import given_pending_booking
from tests.payments.stripe_api import API_KEY, WEBHOOK_SECRET, StripeApi, StripeStandIn

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
INSTANCE_PK = "pk_test_51QxR9bLkdIwHu7ixInstancePublishable"
OWN_KEY, OWN_PK = "sk_test_51HibachiAtHomeOwnAccountKey7Qm2", "pk_test_51HibachiAtHomeOwn"


@asynccontextmanager
async def app_client(
    data_dir: Path, database_url: str, database: Database, **settings: object
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(make_settings(data_dir, database_url, **settings), database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_intents_carry_the_publishable_key_of_the_account_that_made_them(
    data_dir: Path,
    database_url: str,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    stripe = {
        "stripe_api_key": API_KEY,
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "stripe_api_base": stripe_stand_in.url,
        "stripe_publishable_key": INSTANCE_PK,
    }
    async with app_client(data_dir, database_url, database, **stripe) as client:
        _, manager, booking = await given_pending_booking(client, database)
        book_b, manager_b, booking_b = await given_pending_booking(client, database)
        admin_b = await signed_in_as(client, database, "admin", book_b.organization)
        stripe_account.api_key = OWN_KEY  # B's own account at Stripe, from here on
        own = {"api_key": OWN_KEY, "publishable_key": OWN_PK}
        put = await client.put("/api/v1/payments/provider", json=own, headers=admin_b.headers)
        assert put.status_code == 200, put.text

        of_b = await client.post(
            "/api/v1/payments/intents",
            json={"booking_id": booking_b["id"]},
            headers=manager_b.headers,
        )
        stripe_account.api_key = API_KEY
        of_a = await client.post(
            "/api/v1/payments/intents", json={"booking_id": booking["id"]}, headers=manager.headers
        )
        provider_a = await client.get("/api/v1/payments/provider", headers=manager.headers)
        features = await client.get("/health/features")

    assert of_a.status_code == 201, of_a.text
    assert of_a.json()["publishable_key"] == INSTANCE_PK
    assert of_b.status_code == 201, of_b.text
    assert of_b.json()["publishable_key"] == OWN_PK
    assert provider_a.json()["publishable_key"] == INSTANCE_PK
    assert features.json()["features"]["payments"] == "stripe_test"
    assert API_KEY not in features.text


@pytest.mark.parametrize(
    ("keys", "shown"),
    [
        pytest.param({}, "not_configured", id="none"),
        pytest.param({"stripe_api_key": API_KEY}, "stripe_test", id="test"),
        pytest.param(
            {"stripe_api_key": "sk_live_51QxR9bLkdIwHu7ixLive0Key"}, "stripe_live", id="live"
        ),
        pytest.param(
            {"stripe_api_key": "rk_live_51QxR9bLkdIwHu7ixRestricted"},
            "stripe_live",
            id="restricted",
        ),
    ],
)
async def test_health_features_say_whether_payments_are_set_up_and_in_which_mode(
    data_dir: Path, database_url: str, database: Database, keys: dict[str, str], shown: str
) -> None:
    async with app_client(data_dir, database_url, database, **keys) as client:
        response = await client.get("/health/features")

    assert response.status_code == 200, response.text
    assert response.json()["features"]["payments"] == shown
    assert "sk_" not in response.text
    assert "rk_" not in response.text
