"""An app whose card payments go to the local Stripe stand-in (tests/payments/stripe_api.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.db import Database
from tests.conftest import make_settings
from tests.payments.stripe_api import API_KEY, WEBHOOK_SECRET, StripeApi, StripeStandIn


@pytest.fixture
def stripe_account() -> StripeApi:
    return StripeApi()


@pytest.fixture
def stripe_stand_in(stripe_account: StripeApi) -> Iterator[StripeStandIn]:
    stand_in = StripeStandIn(stripe_account)
    with stand_in.running():
        yield stand_in


@pytest.fixture
def stripe_settings(data_dir: Path, database_url: str, stripe_stand_in: StripeStandIn) -> Settings:
    return make_settings(
        data_dir,
        database_url,
        stripe_api_key=API_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stripe_stand_in.url,
        public_url="https://book.example.com",
    )


@pytest.fixture
async def stripe_client(
    stripe_settings: Settings, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """Like `client`, on an app with Stripe configured."""
    app = create_app(stripe_settings, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
