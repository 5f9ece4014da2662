"""/menu (seed 004): categories and items; the active menu is public."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile

from maitred.files.checks import IMAGE_TYPES
from maitred.files.responses import binary_answer, file_response
from maitred.files.uploads import UploadRoute, read_upload
from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import AppSettings, DbSession
from maitred.kit.errors import ErrorBody, NotFound
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.menu import categories as menu_categories
from maitred.menu import service as menu_service
from maitred.menu.schemas import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    ItemCreate,
    ItemRead,
    ItemUpdate,
    PublicMenu,
)
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.public import PublicOrganization

router = APIRouter(prefix="/menu", tags=["menu"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such category or item in this organization"},
}
Reader = Annotated[AuthContext, requires("menu:read")]
Writer = Annotated[AuthContext, requires("menu:write")]
CategoryListing = Annotated[
    ListQuery,
    list_query(
        sorts=menu_categories.CATEGORY_SORT_FIELDS,
        default_sort="sort_order",
        default_order="asc",
        search="Part of the name",
    ),
]
ItemListing = Annotated[
    ListQuery,
    list_query(
        sorts=menu_service.ITEM_SORT_FIELDS,
        default_sort="sort_order",
        default_order="asc",
        search="Part of the name",
    ),
]


@router.get(
    "",
    response_model=PublicMenu,
    responses={404: {"model": ErrorBody, "description": "No such organization"}},
)
async def public_menu(organization: PublicOrganization, db: DbSession) -> dict[str, Any]:
    """The active menu grouped by category, for anyone (the organization from `X-Tenant-ID`
    or `?org=`)."""
    return await menu_service.public_menu(db, organization_id=organization.id)


# --- Categories --------------------------------------------------------------------------------


@router.get("/categories", response_model=Page[CategoryRead], responses=ERRORS)
async def list_categories(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: CategoryListing,
    is_active: bool | None = None,
) -> dict[str, Any]:
    items, info = await menu_categories.list_categories(
        db,
        organization_id=auth.org_id,
        params=pagination,
        is_active=is_active,
        listing=listing,
    )
    return {"items": items, "pagination": info}


@router.post("/categories", status_code=201, response_model=CategoryRead, responses=ERRORS)
async def create_category(body: CategoryCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    return await menu_categories.create_category(
        db, organization_id=auth.org_id, **body.model_dump()
    )


@router.get("/categories/{category_id}", response_model=CategoryRead, responses=ERRORS)
async def get_category(category_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await menu_categories.get_category(
        db, organization_id=auth.org_id, category_id=category_id
    )


async def update_category(
    category_id: uuid.UUID, body: CategoryUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Only the fields sent change."""
    return await menu_categories.update_category(
        db,
        organization_id=auth.org_id,
        category_id=category_id,
        changes=body.model_dump(exclude_unset=True),
    )


for method, name in (("PATCH", "update_category"), ("PUT", "replace_category")):
    router.add_api_route(
        "/categories/{category_id}",
        update_category,
        methods=[method],
        name=name,
        response_model=CategoryRead,
        responses=ERRORS,
    )


@router.delete(
    "/categories/{category_id}", status_code=204, response_class=Response, responses=ERRORS
)
async def delete_category(category_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    """Its items stay on the menu, uncategorized."""
    await menu_categories.delete_category(db, organization_id=auth.org_id, category_id=category_id)
    return Response(status_code=204)


# --- Items -------------------------------------------------------------------------------------


@router.get("/items", response_model=Page[ItemRead], responses=ERRORS)
async def list_items(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: ItemListing,
    category_id: uuid.UUID | None = None,
    is_active: bool | None = None,
    dietary_tag: Annotated[str | None, Query(max_length=40, examples=["vegetarian"])] = None,
) -> dict[str, Any]:
    items, info = await menu_service.list_items(
        db,
        organization_id=auth.org_id,
        params=pagination,
        category_id=category_id,
        is_active=is_active,
        dietary_tag=dietary_tag,
        listing=listing,
    )
    return {"items": items, "pagination": info}


@router.post("/items", status_code=201, response_model=ItemRead, responses=ERRORS)
async def create_item(body: ItemCreate, auth: Writer, db: DbSession) -> dict[str, Any]:
    """`category_id` must be a category of this organization (else 422)."""
    return await menu_service.create_item(db, organization_id=auth.org_id, **body.model_dump())


@router.get("/items/{item_id}", response_model=ItemRead, responses=ERRORS)
async def get_item(item_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await menu_service.get_item(db, organization_id=auth.org_id, item_id=item_id)


async def update_item(
    item_id: uuid.UUID, body: ItemUpdate, auth: Writer, db: DbSession
) -> dict[str, Any]:
    """Only the fields sent change; `category_id: null` makes the item uncategorized."""
    return await menu_service.update_item(
        db,
        organization_id=auth.org_id,
        item_id=item_id,
        changes=body.model_dump(exclude_unset=True),
    )


for method, name in (("PATCH", "update_item"), ("PUT", "replace_item")):
    router.add_api_route(
        "/items/{item_id}",
        update_item,
        methods=[method],
        name=name,
        response_model=ItemRead,
        responses=ERRORS,
    )


@router.delete("/items/{item_id}", status_code=204, response_class=Response, responses=ERRORS)
async def delete_item(item_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    await menu_service.delete_item(db, organization_id=auth.org_id, item_id=item_id)
    return Response(status_code=204)


# --- Photos ------------------------------------------------------------------------------------

UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    413: {"model": ErrorBody, "description": "The file is larger than MAITRED_UPLOAD_MAX_BYTES"},
    415: {"model": ErrorBody, "description": "Not a JPEG, PNG, GIF or WebP image (by its bytes)"},
    422: {"model": ErrorBody, "description": "No file sent, an empty file or a damaged image"},
}
Photo = Annotated[
    UploadFile | None,
    File(description="A JPEG, PNG, GIF or WebP image; its metadata (EXIF, GPS) is removed"),
]


async def set_item_photo(
    item_id: uuid.UUID,
    auth: Writer,
    db: DbSession,
    settings: AppSettings,
    file: Photo = None,
) -> dict[str, Any]:
    """multipart/form-data with the image as `file`; replaces the item's photo if it had one."""
    await menu_service.get_item(db, organization_id=auth.org_id, item_id=item_id)
    data, name = await read_upload(file, settings)
    return await menu_service.set_photo(
        db,
        settings,
        organization_id=auth.org_id,
        item_id=item_id,
        data=data,
        name=name,
        created_by=auth.user_id,
    )


for method, name in (("PUT", "set_item_photo"), ("POST", "upload_item_photo")):
    router.add_api_route(
        "/items/{item_id}/photo",
        set_item_photo,
        methods=[method],
        name=name,
        response_model=ItemRead,
        responses=UPLOAD_ERRORS,
        route_class_override=UploadRoute,
    )


@router.delete("/items/{item_id}/photo", status_code=204, response_class=Response, responses=ERRORS)
async def delete_item_photo(item_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    """The item shows no photo any more (idempotent)."""
    await menu_service.delete_photo(db, organization_id=auth.org_id, item_id=item_id)
    return Response(status_code=204)


@router.get(
    "/photos/{organization}/{photo}",
    response_class=Response,
    responses={
        **binary_answer("The image, with its own Content-Type", IMAGE_TYPES),
        404: {"model": ErrorBody, "description": "No such photo"},
    },
)
async def menu_photo(
    organization: uuid.UUID, photo: uuid.UUID, db: DbSession, settings: AppSettings
) -> Response:
    """A menu item's photo, for anyone (the `photo_url` of the menu's items); cached for long,
    since a new photo gets a new URL."""
    found = await tenancy_service.get(db, organization)
    if found is None or not found.is_active:
        raise NotFound("No such photo")
    stored, data = await menu_service.public_photo(
        db, settings, organization_id=found.id, file_id=photo
    )
    return file_response(stored, data, public=True)
