"""Customers: find one by part of the name, correct their phone, erase another after typing the
confirmation."""

from __future__ import annotations

from typing import Any

import pytest

from maitred.customers.models import Customer
from maitred.kit.db import Database
from tests.bookings.given import given_book, given_customer
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import given_user

pytestmark = pytest.mark.browser


async def _customer(database: Database, customer_id: Any) -> Customer:
    async with database.transaction() as session:
        found = await session.get(Customer, customer_id)
    assert found is not None
    return found


async def test_staff_find_edit_and_erase_customers(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    book = await given_book(database)
    maria = await given_customer(database, book, "Maria Lopez", "maria@example.com", "+19165550111")
    tom = await given_customer(database, book, "Tom Baker", "tom@example.com", "+19165550122")
    staff = await given_user(database, book.organization, "staff")
    page = browser_page
    await sign_in_through_page(page, staff.email)

    await page.goto("/app/customers")
    await page.get_by_label("Search").fill("lope")
    await page.locator("#result-count").filter(has_text="1 customer").wait_for()
    await accessible(page)
    await page.get_by_role("link", name="Maria Lopez").click()
    await page.get_by_label("Phone").fill("(916) 555-0199")
    await page.get_by_role("button", name="Save customer").click()
    await page.get_by_role("status").filter(has_text="Customer saved.").wait_for()
    await accessible(page)
    assert (await _customer(database, maria)).phone == "+19165550199"

    await page.goto(f"/app/customers/{tom}")
    await page.get_by_role("button", name="Erase customer").click()
    await page.get_by_role("alert").filter(has_text="Type ERASE to erase this customer.").wait_for()
    assert (await _customer(database, tom)).name == "Tom Baker"
    await page.get_by_label("Type ERASE to confirm").fill("ERASE")
    await page.get_by_role("button", name="Erase customer").click()
    await page.get_by_role("status").filter(has_text="Customer erased.").wait_for()
    erased = await _customer(database, tom)
    assert (erased.email, erased.phone) == (None, None)
    assert erased.erased_at is not None
