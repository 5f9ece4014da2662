"""Whose Stripe account takes an organization's cards (GET, PUT, DELETE /payments/provider): none,
the instance's MAITRED_STRIPE_*, or the organization's own keys; secrets are never shown."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from tests.factories import signed_in_as
from tests.payments.calls import pay
from tests.payments.given import given_pending_booking
from tests.payments.stripe_api import API_KEY, WEBHOOK_SECRET, StripeApi, StripeStandIn

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
PATH = "/api/v1/payments/provider"
OWN_KEY = "sk_test_51HibachiAtHomeOwnAccountKey7Qm2"
OWN_SECRET = "whsec_hibachi_at_home_own_endpoint_9f3a"


async def test_without_keys_there_is_no_card_provider(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")

    response = await client.get(PATH, headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "provider": None,
        "source": "none",
        "card_payments": False,
        "publishable_key": None,
        "api_key_hint": "",
        "webhook_secret_set": False,
        "webhook_path": "/api/v1/webhooks/stripe",
    }


async def test_the_instance_keys_are_shown_only_as_a_hint(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(stripe_client, database, "staff")

    response = await stripe_client.get(PATH, headers=staff.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "provider": "stripe",
        "source": "instance",
        "card_payments": True,
        "publishable_key": None,
        "api_key_hint": f"{API_KEY[:8]}…{API_KEY[-4:]}",
        "webhook_secret_set": True,
        "webhook_path": "/api/v1/webhooks/stripe",
    }
    assert API_KEY not in response.text
    assert WEBHOOK_SECRET not in response.text


async def test_the_organizations_own_keys_are_kept_and_then_removed(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    assert admin.organization is not None
    others = await signed_in_as(client, database, "admin")

    put = await client.put(
        PATH,
        json={
            "api_key": OWN_KEY,
            "webhook_secret": OWN_SECRET,
            "publishable_key": "pk_test_51HibachiAtHome",
        },
        headers=admin.headers,
    )
    got = await client.get(PATH, headers=admin.headers)
    of_others = await client.get(PATH, headers=others.headers)
    removed = await client.delete(PATH, headers=admin.headers)
    after = await client.get(PATH, headers=admin.headers)
    removed_again = await client.delete(PATH, headers=admin.headers)

    assert put.status_code == 200, put.text
    assert put.json() == {
        "provider": "stripe",
        "source": "organization",
        "card_payments": True,
        "publishable_key": "pk_test_51HibachiAtHome",
        "api_key_hint": f"{OWN_KEY[:8]}…{OWN_KEY[-4:]}",
        "webhook_secret_set": True,
        "webhook_path": f"/api/v1/webhooks/stripe/{admin.organization.id}",
    }
    assert got.json() == put.json()
    for shown in (put.text, got.text):
        assert OWN_KEY not in shown
        assert OWN_SECRET not in shown
    assert of_others.json()["source"] == "none"
    assert removed.status_code == 204
    assert (after.json()["source"], after.json()["card_payments"]) == ("none", False)
    assert removed_again.status_code == 404


async def test_new_keys_keep_the_webhook_secret_not_sent_again(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    await client.put(
        PATH, json={"api_key": OWN_KEY, "webhook_secret": OWN_SECRET}, headers=admin.headers
    )

    rotated = await client.put(
        PATH, json={"api_key": "sk_test_51HibachiRotatedKey0000XyZ9"}, headers=admin.headers
    )

    assert rotated.status_code == 200, rotated.text
    assert (rotated.json()["api_key_hint"], rotated.json()["webhook_secret_set"]) == (
        "sk_test_…XyZ9",
        True,
    )


async def test_cards_are_charged_on_the_organizations_own_account(
    stripe_client: httpx.AsyncClient,
    database: Database,
    stripe_account: StripeApi,
    stripe_stand_in: StripeStandIn,
) -> None:
    book, manager, booking = await given_pending_booking(stripe_client, database)
    admin = await signed_in_as(stripe_client, database, "admin", book.organization)
    stripe_account.api_key = OWN_KEY  # the stand-in now plays the organization's account
    put = await stripe_client.put(PATH, json={"api_key": OWN_KEY}, headers=admin.headers)
    assert put.status_code == 200, put.text

    payment = await pay(
        stripe_client, manager, booking["id"], 471.25, method="card", stripe_token="tok_visa"
    )

    assert payment["status"] == "succeeded"
    assert [r.headers["authorization"] for r in stripe_stand_in.requests] == [f"Bearer {OWN_KEY}"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"api_key": "sk_1"}, id="too-short"),
        pytest.param({}, id="no-key"),
        pytest.param({"api_key": OWN_KEY, "secret": OWN_SECRET}, id="unknown-field"),
    ],
)
async def test_keys_that_cannot_be_right_are_refused(
    client: httpx.AsyncClient, database: Database, body: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, "admin")

    response = await client.put(PATH, json=body, headers=admin.headers)

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"
    assert (await client.get(PATH, headers=admin.headers)).json()["source"] == "none"


async def test_only_admins_change_the_keys(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, "admin")
    manager = await signed_in_as(client, database, "manager", admin.organization)
    facilitator = await signed_in_as(client, database, "facilitator", admin.organization)
    await client.put(PATH, json={"api_key": OWN_KEY}, headers=admin.headers)

    anonymous = await client.get(PATH)
    read_by_facilitator = await client.get(PATH, headers=facilitator.headers)
    put_by_manager = await client.put(
        PATH, json={"api_key": "sk_test_51ManagerGuessKey"}, headers=manager.headers
    )
    deleted_by_manager = await client.delete(PATH, headers=manager.headers)

    assert anonymous.status_code == 401
    assert read_by_facilitator.status_code == 403
    assert (put_by_manager.status_code, deleted_by_manager.status_code) == (403, 403)
    kept = (await client.get(PATH, headers=manager.headers)).json()
    assert (kept["source"], kept["api_key_hint"]) == ("organization", "sk_test_…7Qm2")
