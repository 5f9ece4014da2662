"""Customers: search (part of a name, or an exact email or phone), a customer's page with their
bookings, spend and loyalty, editing, and erasure behind a typed confirmation."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.customers.schemas import CustomerUpdate
from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import dashboard_pages
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams

router = APIRouter(prefix="/app/customers", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("customers:read")]
Writers = Annotated[AuthContext, page_user("customers:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
ERASE_WORD = "ERASE"
DONE = {
    "saved": "Customer saved.",
    "erased": "Customer erased.",
    "converted": "Lead converted into this customer.",
}


@router.get("")
async def customers_list(
    request: Request, auth: Readers, search: str = "", page: int = 1
) -> Response:
    problem = ""
    items: list[dict[str, Any]] = []
    info = None
    try:
        async with database_of(request).transaction(write=False) as session:
            items, info = await customers_service.list_customers(
                session,
                organization_id=auth.org_id,
                params=PageParams(page=max(page, 1), limit=25),
                listing=ListQuery(
                    sort_by="created_at", descending=True, search=search.strip()[:200] or None
                ),
            )
    except AppError as exc:
        problem = problems_of(exc).message
    name = (
        "customers/_results.html"
        if request.headers.get("hx-target") == "results"
        else ("customers/list.html")
    )
    return dashboard_pages.render(
        request,
        name,
        {"title": "Customers", "items": items, "info": info, "search": search, "problem": problem},
    )


async def _detail(request: Request, auth: AuthContext, customer_id: uuid.UUID) -> dict[str, Any]:
    reads = database_of(request).reads
    async with database_of(request).transaction(write=False) as session:
        customer = await customers_service.get_customer(
            session, organization_id=auth.org_id, customer_id=customer_id
        )
        bookings: list[dict[str, Any]] = []
        if auth.can("bookings:read"):
            bookings, _ = await bookings_service.list_bookings(
                session,
                reads,
                bookings_service.viewer_of(auth),
                PageParams(page=1, limit=50),
                customer_id=customer_id,
            )
    return {
        "title": customer["name"],
        "c": customer,
        "bookings": bookings,
        "erase_word": ERASE_WORD,
        "done": DONE.get(request.query_params.get("done", "")),
    }


async def _page(
    request: Request,
    auth: AuthContext,
    customer_id: uuid.UUID,
    problems: Problems | None = None,
    form_name: str = "",
) -> Response:
    try:
        context = await _detail(request, auth, customer_id)
    except AppError as exc:
        return dashboard_pages.render(
            request, "refused.html", {"message": exc.message}, status_code=exc.status_code
        )
    context["problems"] = {form_name: problems} if problems else {}
    return dashboard_pages.render(
        request,
        "customers/detail.html",
        context,
        status_code=problems.status_code if problems else 200,
    )


@router.get("/{customer_id:uuid}")
async def customer_page(request: Request, auth: Readers, customer_id: uuid.UUID) -> Response:
    return await _page(request, auth, customer_id)


@router.post("/{customer_id:uuid}")
async def save_customer(
    request: Request, auth: Writers, customer_id: uuid.UUID, form: Form
) -> Response:
    fields: dict[str, Any] = {"name": str(form.get("name") or "").strip()}
    for name in ("email", "phone", "notes"):
        value = str(form.get(name) or "").strip()
        fields[name] = value or (None if name != "notes" else "")
    try:
        body = CustomerUpdate.model_validate(fields)
        async with database_of(request).transaction() as session:
            await customers_service.update_customer(
                session,
                organization_id=auth.org_id,
                customer_id=customer_id,
                changes=body.model_dump(exclude_unset=True),
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, customer_id, problems_of(exc), "edit")
    return RedirectResponse(f"/app/customers/{customer_id}?done=saved", status_code=303)


@router.post("/{customer_id:uuid}/erase")
async def erase_customer(
    request: Request, auth: Writers, customer_id: uuid.UUID, form: Form
) -> Response:
    """Erasure cannot be undone: the user types the word, as a second, deliberate step."""
    if str(form.get("confirm") or "").strip() != ERASE_WORD:
        problems = Problems(f"Type {ERASE_WORD} to erase this customer.", status_code=422)
        return await _page(request, auth, customer_id, problems, "erase")
    try:
        async with database_of(request).transaction() as session:
            await customers_service.erase_customer(
                session, organization_id=auth.org_id, customer_id=customer_id
            )
    except AppError as exc:
        return await _page(request, auth, customer_id, problems_of(exc), "erase")
    return RedirectResponse(f"/app/customers/{customer_id}?done=erased", status_code=303)
