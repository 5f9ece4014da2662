"""The browser tests' harness: a real `maitred serve` on the test database, Debian's chromium
driven by Playwright at a phone's and a desk's width, axe-core injected into each page, and a
screenshot of the page when a test fails (in test-screenshots/, its path printed).

Browser tests run once, on SQLite: on PostgreSQL (MAITRED_TEST_DATABASE_URL) they are skipped,
as they are where no chromium is installed (`.ci/run` installs it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from maitred.config import Settings
from tests.demo_server import Server, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTHS = {"desk": (1280, 900), "phone": (375, 740)}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = None
    if os.environ.get("MAITRED_TEST_DATABASE_URL"):
        reason = "browser tests run once, on SQLite"
    elif CHROMIUM is None:
        reason = "no chromium here (apt-get install chromium; .ci/run does)"
    for item in items:
        if item.get_closest_marker("browser") is not None:
            # One worker runs them all, so the one server starts once.
            item.add_marker(pytest.mark.xdist_group("browser"))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@contextlib.asynccontextmanager
async def running_server(settings: Settings, home: Path, **more_env: str) -> AsyncIterator[Server]:
    """The pages' server: cards are taken, so pending bookings get a deposit link; nothing
    calls Stripe unless a customer follows the link, which no test does."""
    more_env.setdefault("MAITRED_STRIPE_API_KEY", "sk_test_browser_tests_never_call_stripe")
    async with serving(settings, home, **more_env) as running:
        yield running


@pytest.fixture(scope="session")
async def server(
    settings: Settings, migrated: None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    async with running_server(settings, tmp_path_factory.mktemp("browser-server")) as running:
        yield running


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        await browser.close()


@pytest.fixture(params=sorted(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    """Each browser test runs at a phone's width and at a desk's."""
    name: str = request.param
    return name


@pytest.fixture
async def browser_page(
    request: pytest.FixtureRequest,
    chromium: Any,
    server: Server,
    database: Any,
    width: str,
) -> AsyncIterator[Any]:
    """An empty browser (no cookies) on the server, `width` wide; a screenshot in
    test-screenshots/ when the test fails."""
    w, h = WIDTHS[width]
    context = await chromium.new_context(
        viewport={"width": w, "height": h}, base_url=server.base_url
    )
    page = await context.new_page()
    try:
        yield page
    finally:
        if request.node.stash.get(_FAILED, False):
            # pytest's temporary directories are pruned as other runs start: keep it elsewhere.
            folder = request.config.rootpath / "test-screenshots"
            folder.mkdir(exist_ok=True)
            shot = folder / f"{request.node.name}.png"
            await page.screenshot(path=str(shot), full_page=True)
        await context.close()


async def axe_violations(page: Any) -> list[str]:
    """Serious and critical accessibility violations axe-core finds on the page as it is.

    A click on a link may have just committed a navigation whose document has no
    <head> yet: wait for it to load, and try again if the script lands mid-swap."""
    from playwright.async_api import Error as PlaywrightError

    for attempt in range(3):
        await page.wait_for_load_state("load")
        try:
            await page.add_script_tag(path=str(AXE))
            break
        except PlaywrightError:
            if attempt == 2:
                raise
    result = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(v['nodes'][:3])}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def accessible() -> Iterator[Any]:
    """`await accessible(page)` asserts axe-core finds nothing serious or critical."""

    async def check(page: Any) -> None:
        found = await axe_violations(page)
        assert found == [], f"{page.url}: {found}"

    return check
