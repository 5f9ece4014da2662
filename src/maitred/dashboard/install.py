"""Mounts the dashboard on the app: its pages under /app, the static files under /static (the
public booking page, which uses them, is included by app.py), and `/` sending people where
they belong."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import RedirectResponse, Response

from maitred.dashboard.access import SIGN_IN, signed_in_user
from maitred.dashboard.responses import install_refusals
from maitred.dashboard.templating import STATIC

STATIC_DIR = Path(__file__).parent / "static"


def page_routers() -> list[object]:
    from maitred.dashboard.pages.booking_money import router as booking_money
    from maitred.dashboard.pages.bookings import router as bookings
    from maitred.dashboard.pages.calendar import router as calendar
    from maitred.dashboard.pages.customers import router as customers
    from maitred.dashboard.pages.events import router as events
    from maitred.dashboard.pages.inbox import router as inbox
    from maitred.dashboard.pages.leads import router as leads
    from maitred.dashboard.pages.new_booking import router as new_booking
    from maitred.dashboard.pages.payments import router as payments
    from maitred.dashboard.pages.settings import router as settings
    from maitred.dashboard.pages.sign_in import router as sign_in
    from maitred.dashboard.pages.today import router as today

    return [
        sign_in,
        today,
        new_booking,
        bookings,
        booking_money,
        leads,
        customers,
        inbox,
        calendar,
        events,
        payments,
        settings,
    ]


def install_pages(app: FastAPI) -> None:
    app.mount(STATIC, StaticFiles(directory=str(STATIC_DIR)), name="static")
    for router in page_routers():
        app.include_router(router)  # type: ignore[arg-type]
    install_refusals(app)

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        signed_in = await signed_in_user(request) is not None
        return RedirectResponse("/app" if signed_in else SIGN_IN, status_code=303)
