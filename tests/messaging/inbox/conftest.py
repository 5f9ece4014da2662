"""An app whose environment sets the instance-wide webhook secrets (a one-business install
configured by MAITRED_* variables rather than per-organization channel settings)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from maitred.app import create_app
from maitred.kit.db import Database
from tests.conftest import make_settings

APP_SECRET = "meta-app-secret"
VERIFY_TOKEN = "meta-verify-token"
TELEGRAM_SECRET = "telegram-secret-token_1"
RINGCENTRAL_TOKEN = "ringcentral-verification-token"


@pytest.fixture
async def env_client(
    data_dir: Path, database_url: str, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        data_dir,
        database_url,
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token=VERIFY_TOKEN,
        telegram_webhook_secret=TELEGRAM_SECRET,
        ringcentral_verification_token=RINGCENTRAL_TOKEN,
    )
    app = create_app(settings, database=database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
