"""Settings: an admin sets the pricing and previews the quote a customer would now get."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from maitred.kit.db import Database
from maitred.tenancy import service as tenancy_service
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import given_organization, given_user

pytestmark = pytest.mark.browser


async def test_an_admin_sets_the_price_per_adult_and_previews_a_quote(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    organization = await given_organization(database)
    admin = await given_user(database, organization, "admin")
    page = browser_page
    await sign_in_through_page(page, admin.email)
    await page.get_by_role("link", name="Settings").click()
    await accessible(page)

    await page.get_by_label("Price per adult").fill("55")
    await page.get_by_label("Deposit percent (%)").fill("25")
    await page.get_by_role("button", name="Save pricing").click()
    await page.get_by_role("status").filter(has_text="Pricing saved.").wait_for()
    await page.get_by_label("Guests").fill("10")
    await page.get_by_role("button", name="Preview").click()

    await page.locator("#preview-total").filter(has_text="$550.00").wait_for()
    assert await page.locator("#preview-deposit").inner_text() == "$137.50"
    await accessible(page)
    async with database.transaction() as session:
        stored = await tenancy_service.get(session, organization.id)
        assert stored is not None
        pricing = tenancy_service.settings_of(stored).pricing
    assert (pricing.price_per_adult, pricing.deposit_percent) == (Decimal(55), Decimal("0.25"))
