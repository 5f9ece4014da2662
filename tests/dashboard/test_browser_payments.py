"""Payments: a manager reads what came in over a period, as the payments summary adds it up."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_000_MENU,
    SEED_000_POLICY,
    given_book,
    given_customer,
    seed_001_form,
)
from tests.dashboard.conftest import Server
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import bearer, given_user, sign_in

pytestmark = pytest.mark.browser


async def test_a_manager_sees_the_months_takings(
    browser_page: Any, database: Database, server: Server, accessible: Any
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    customer = await given_customer(database, book)
    manager = await given_user(database, book.organization, "manager")
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        headers = bearer(await sign_in(api, manager.email))
        made = await api.post(
            "/api/v1/bookings",
            json=seed_001_form(customer, book, status="pending", menu_items=[], guest_count=10),
            headers=headers,
        )
        paid = await api.post(
            "/api/v1/payments/process",
            json={"booking_id": made.json()["id"], "amount": 120.5, "payment_method": "cash"},
            headers=headers,
        )
        assert paid.status_code == 201, paid.text
    page = browser_page
    await sign_in_through_page(page, manager.email)

    await page.get_by_role("link", name="Payments").click()
    await page.get_by_role("heading", name="Payments", exact=True).first.wait_for()

    assert await page.locator("#collected").inner_text() == "$120.50"
    assert await page.locator("#net").inner_text() == "$120.50"
    assert await page.get_by_role("cell", name="Cash").count() == 1
    await accessible(page)
