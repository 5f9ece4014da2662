"""An app whose card payments go to the local Stripe stand-in (tests/payments/stripe_api.py).

The stand-in server and the app are the run's (a new app costs ~0.4 s of FastAPI preparing its
routes, a new server a thread and a port); what a test sees of Stripe is still its own: every
test gets a fresh `StripeApi` account and a stand-in with nothing recorded or queued.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.db import Database
from tests.conftest import make_settings
from tests.payments.stripe_api import API_KEY, WEBHOOK_SECRET, StripeApi, StripeStandIn


@pytest.fixture(scope="session")
def shared_stripe_stand_in() -> Iterator[StripeStandIn]:
    stand_in = StripeStandIn(StripeApi())
    with stand_in.running():
        yield stand_in


@pytest.fixture
def stripe_account() -> StripeApi:
    return StripeApi()


@pytest.fixture
def stripe_stand_in(
    shared_stripe_stand_in: StripeStandIn, stripe_account: StripeApi
) -> StripeStandIn:
    """The run's stand-in, playing this test's own account, with nothing recorded or queued."""
    stand_in = shared_stripe_stand_in
    stand_in.play = stripe_account
    stand_in.requests.clear()
    stand_in.queued.clear()
    return stand_in


def stripe_settings(
    data_dir: Path, database_url: str, stand_in: StripeStandIn, **overrides: object
) -> Settings:
    return make_settings(
        data_dir,
        database_url,
        stripe_api_key=API_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stand_in.url,
        public_url="https://book.example.com",
        **overrides,
    )


@pytest.fixture(scope="session")
def stripe_app_with(
    data_dir: Path,
    database_url: str,
    shared_database: Database,
    shared_stripe_stand_in: StripeStandIn,
) -> Callable[..., FastAPI]:
    """stripe_app_with(**setting overrides): the run's app with those settings, made once."""
    apps: dict[frozenset[tuple[str, object]], FastAPI] = {}

    def app_with(**overrides: object) -> FastAPI:
        key = frozenset(overrides.items())
        if key not in apps:
            settings = stripe_settings(data_dir, database_url, shared_stripe_stand_in, **overrides)
            apps[key] = create_app(settings, database=shared_database)
        return apps[key]

    return app_with


@pytest.fixture
async def stripe_client(
    request: pytest.FixtureRequest,
    stripe_app_with: Callable[..., FastAPI],
    stripe_stand_in: StripeStandIn,
    database: Database,
) -> AsyncIterator[httpx.AsyncClient]:
    """Like `client`, on an app with Stripe configured; `@pytest.mark.stripe_settings(...)`
    changes its settings (e.g. `stripe_max_network_retries=0`)."""
    marker = request.node.get_closest_marker("stripe_settings")
    app = stripe_app_with(**(marker.kwargs if marker else {}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
