"""What each page makes a browser download: the HTML and every stylesheet and script it links,
at most ~150 KB a page (issue 21). Counted in bytes, not timed; bench/pages.py measures speed."""

from __future__ import annotations

import re

import httpx
import pytest

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.bookings.given import SEED_000_MENU, SEED_000_POLICY, given_book, saturday
from tests.dashboard.given import signed_in_page
from tests.factories import given_user

BUDGET = 150 * 1024
ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/[^"]+)"')


async def page_bytes(client: httpx.AsyncClient, path: str) -> tuple[int, list[str]]:
    """The page's own bytes plus those of the assets it links, and which assets they are."""
    page = await client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    assets = sorted(set(ASSET.findall(page.text)))
    total = len(page.content)
    for asset in assets:
        answer = await client.get(asset)
        assert answer.status_code == 200, asset
        total += len(answer.content)
    return total, assets


@pytest.mark.parametrize(
    "path",
    ["/app", "/app/calendar", "/app/bookings", "/book/{slug}", "/book/{slug}/events"],
)
async def test_a_page_and_its_assets_stay_under_150_kb(
    client: httpx.AsyncClient, database: Database, path: str
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    manager = await given_user(database, book.organization, Role.manager)
    await signed_in_page(client, manager.email)

    total, assets = await page_bytes(client, path.format(slug=book.organization.slug))

    assert "/static/app.css" in assets
    assert any(a.startswith("/static/vendor/htmx") for a in assets)
    assert total <= BUDGET, f"{path}: {total:,} bytes ({assets})"


async def test_the_live_parts_add_little(client: httpx.AsyncClient, database: Database) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    slug = book.organization.slug

    slots = await client.get(f"/book/{slug}/slots", params={"event_date": saturday().isoformat()})
    quote = await client.get(f"/book/{slug}/quote", params={"guest_count": "12"})

    assert 'name="event_time"' in slots.text
    assert "quote-total" in quote.text
    assert len(slots.content) + len(quote.content) < 8 * 1024
    assert "<script" not in slots.text + quote.text
