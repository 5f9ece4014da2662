"""New booking: find the customer or type a new one, pick a free slot, the party, menu and
upgrades with a live quote; the API's own `BookingCreate` and service judge it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, QueryParams
from starlette.responses import RedirectResponse, Response

from maitred.availability import service as availability_service
from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import BookingCreate
from maitred.customers import service as customers_service
from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.clock import local_today
from maitred.dashboard.forms import problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams
from maitred.menu import service as menu_service
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service

router = APIRouter(prefix="/app/bookings/new", include_in_schema=False)
Writers = Annotated[AuthContext, page_user("bookings:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
TEXT_FIELDS = (
    "event_date",
    "event_time",
    "guest_count",
    "child_count",
    "event_type",
    "location",
    "notes",
    "status",
)


async def _choices(session: AsyncSession, auth: AuthContext) -> dict[str, Any]:
    organization = await tenancy_service.get(session, auth.org_id)
    assert organization is not None
    settings = tenancy_service.settings_of(organization)
    items, _ = await menu_service.list_items(
        session, organization_id=auth.org_id, params=PageParams(page=1, limit=100), is_active=True
    )
    return {
        "menu": items,
        "upgrades": settings.pricing.upgrades,
        "event_types": settings.bookings.event_types,
        "currency": organization.currency,
    }


def _count(text: Any) -> int:
    try:
        return max(int(str(text or "0")), 0)
    except ValueError:
        return 0


def body_of(
    form: FormData | QueryParams, menu: list[dict[str, Any]], upgrades: list[Any]
) -> dict[str, Any]:
    """The JSON body `POST /bookings` would get for this form (blank fields left out)."""
    body: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = str(form.get(name) or "").strip()
        if value:
            body[name] = value
    chosen = str(form.get("customer_id") or "").strip()
    if chosen:
        body["customer_id"] = chosen
    else:
        customer = {
            k: str(form.get(f"customer_{k}") or "").strip() for k in ("name", "email", "phone")
        }
        body["customer"] = {k: v for k, v in customer.items() if v or k == "name"}
    body["menu_items"] = [
        {"menu_item_id": str(item["id"]), "quantity": quantity}
        for item in menu
        if (quantity := _count(form.get(f"menu_{item['id']}")))
    ]
    body["upgrades"] = [
        {"name": upgrade.name, "quantity": quantity}
        for upgrade in upgrades
        if (quantity := _count(form.get(f"upgrade_{upgrade.name}")))
    ]
    return body


@router.get("")
async def new_booking_page(request: Request, auth: Writers) -> Response:
    async with database_of(request).transaction(write=False) as session:
        choices = await _choices(session, auth)
    return dashboard_pages.render(
        request,
        "new_booking/page.html",
        {"title": "New booking", "values": {}, "problems": {}, **choices},
    )


@router.get("/customers")
async def customer_search(request: Request, auth: Writers, q: str = "") -> Response:
    """Matches for the search box: part of a name, or an exact email or phone."""
    found: list[dict[str, Any]] = []
    if len(q.strip()) >= 2:
        async with database_of(request).transaction(write=False) as session:
            try:
                found, _ = await customers_service.list_customers(
                    session,
                    organization_id=auth.org_id,
                    params=PageParams(page=1, limit=8),
                    listing=ListQuery(
                        sort_by="created_at", descending=True, search=q.strip()[:200]
                    ),
                )
            except AppError:
                found = []
    return dashboard_pages.render(request, "new_booking/_customers.html", {"found": found})


@router.get("/quote")
async def live_quote(request: Request, auth: Writers, part: str = "quote") -> Response:
    """Free times on the date (`part=slots`: refreshed only when the date, place or party
    changes, so a chosen time stays chosen) or the price of the party as the form stands."""
    params = request.query_params
    context: dict[str, Any] = {"answer": None, "quote": None, "problem": None}
    async with database_of(request).transaction(write=False) as session:
        choices = await _choices(session, auth)
        body = body_of(params, choices["menu"], choices["upgrades"])
        guests = _count(body.get("guest_count"))
        try:
            day = date.fromisoformat(body["event_date"]) if "event_date" in body else None
        except ValueError:
            day = None
        try:
            if part == "slots" and day is not None:
                context["answer"] = await availability_service.availability_in(
                    session,
                    organization_id=auth.org_id,
                    day=day,
                    guest_count=None,
                    location=body.get("location"),
                )
            if part == "quote" and guests:
                form = BookingCreate.model_validate(
                    {
                        **body,
                        "customer": None,
                        "customer_id": None,
                        "event_date": day or await local_today(request, auth),
                        "guest_count": guests,
                    }
                )
                context["quote"] = await pricing_service.quote_for_form(
                    session,
                    organization_id=auth.org_id,
                    request=pricing_service.PriceRequest(
                        guest_count=guests,
                        child_count=form.child_count,
                        menu=bookings_service_menu(form),
                        upgrades=tuple(
                            pricing_service.UpgradeChoice(name=u.name, quantity=u.quantity)
                            for u in form.upgrades
                        ),
                    ),
                    location=body.get("location"),
                    event_type=form.event_type,
                )
        except (AppError, ValidationError) as exc:
            problems = problems_of(exc)
            context["problem"] = "; ".join([problems.message, *problems.fields.values()])
    return dashboard_pages.render(
        request,
        "new_booking/_quote.html",
        {
            **context,
            "part": part,
            "chosen_time": params.get("event_time", ""),
            "currency": choices["currency"],
        },
    )


def bookings_service_menu(form: BookingCreate) -> tuple[pricing_service.MenuChoice, ...]:
    return tuple(
        pricing_service.MenuChoice(
            menu_item_id=item.menu_item_id, name=item.name, quantity=item.quantity
        )
        for item in form.menu_items
        if not isinstance(item, str)
    )


@router.post("")
async def create(request: Request, auth: Writers, form: Form) -> Response:
    database = database_of(request)
    async with database.transaction(write=False) as session:
        choices = await _choices(session, auth)
    body = body_of(form, choices["menu"], choices["upgrades"])
    try:
        parsed = BookingCreate.model_validate(body)
        async with database.transaction() as session:
            booking = await bookings_service.create_from_form(
                session, bookings_service.viewer_of(auth), parsed
            )
    except (AppError, ValidationError) as exc:
        problems = problems_of(exc)
        return dashboard_pages.render(
            request,
            "new_booking/page.html",
            {
                "title": "New booking",
                "values": dict(form),
                "problems": problems.fields,
                "message": problems.message,
                **choices,
            },
            status_code=problems.status_code,
        )
    return RedirectResponse(f"/app/bookings/{booking['id']}?done=created", status_code=303)
