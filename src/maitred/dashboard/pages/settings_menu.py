"""Settings, menu: the items with their prices and dietary tags, a photo for each, and new
items. Bodies are the API's own schemas; photos go through the same checks as the API's
upload (type by the bytes, size, metadata removed)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, cast

from fastapi import APIRouter, Request, UploadFile
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as FormFile
from starlette.responses import Response

from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import (
    BASE,
    Form,
    done,
    lines,
    render,
    section_user,
    text,
)
from maitred.files.uploads import UploadRoute, read_upload
from maitred.identity.deps import AuthContext
from maitred.kit.deps import app_settings, database_of
from maitred.kit.errors import AppError
from maitred.kit.pagination import PageParams
from maitred.menu import service as menu_service
from maitred.menu.schemas import ItemCreate, ItemUpdate, PricingUnit

router = APIRouter(prefix="/menu", include_in_schema=False)
PATH = f"{BASE}/menu"
Readers = Annotated[AuthContext, section_user("menu:read")]
Writers = Annotated[AuthContext, section_user("menu:write")]
DONE = {
    "added": "Menu item added.",
    "saved": "Menu item saved.",
    "photo": "Photo saved.",
    "deleted": "Menu item deleted.",
}


async def _page(request: Request, auth: AuthContext, problems: Problems | None = None) -> Response:
    async with database_of(request).transaction(write=False) as session:
        items, _ = await menu_service.list_items(
            session, organization_id=auth.org_id, params=PageParams(page=1, limit=100)
        )
    return render(
        request,
        auth,
        "settings/menu.html",
        {"title": "Menu", "items": items, "units": [unit.value for unit in PricingUnit]},
        problems=problems,
        done=DONE,
    )


@router.get("")
async def menu_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


def _fields(form: FormData) -> dict[str, Any]:
    return {
        "name": text(form, "name"),
        "price": text(form, "price"),
        "pricing_unit": text(form, "pricing_unit") or PricingUnit.per_item.value,
        "dietary_tags": lines(form, "dietary_tags"),
        "description": text(form, "description"),
    }


@router.post("/items")
async def add_item(request: Request, auth: Writers, form: Form) -> Response:
    try:
        item = ItemCreate.model_validate(_fields(form))
        async with database_of(request).transaction() as session:
            await menu_service.create_item(
                session, organization_id=auth.org_id, **item.model_dump()
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "added")


@router.post("/items/{item_id}")
async def save_item(request: Request, item_id: uuid.UUID, auth: Writers, form: Form) -> Response:
    try:
        changes = ItemUpdate.model_validate(_fields(form))
        async with database_of(request).transaction() as session:
            await menu_service.update_item(
                session,
                organization_id=auth.org_id,
                item_id=item_id,
                changes=changes.model_dump(exclude_unset=True),
            )
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "saved")


@router.post("/items/{item_id}/delete")
async def delete_item(request: Request, item_id: uuid.UUID, auth: Writers, form: Form) -> Response:
    """DELETE /menu/items/{id}: bookings keep their own copy of what they ordered."""
    try:
        async with database_of(request).transaction() as session:
            await menu_service.delete_item(session, organization_id=auth.org_id, item_id=item_id)
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "deleted")


async def upload_photo(request: Request, item_id: uuid.UUID, auth: Writers, form: Form) -> Response:
    """The photo of an item (a multipart form, its size checked before it is read)."""
    settings = app_settings(request)
    photo = form.get("photo")
    try:
        data, name = await read_upload(
            cast(UploadFile, photo) if isinstance(photo, FormFile) else None, settings
        )
        async with database_of(request).transaction() as session:
            await menu_service.set_photo(
                session,
                settings,
                organization_id=auth.org_id,
                item_id=item_id,
                data=data,
                name=name,
                created_by=auth.user_id,
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "photo")


router.add_api_route(
    "/items/{item_id}/photo", upload_photo, methods=["POST"], route_class_override=UploadRoute
)
