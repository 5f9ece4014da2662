"""Menu data for tests, made through the menu service."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from maitred.kit.db import Database
from maitred.menu import categories as menu_categories
from maitred.menu import service as menu_service
from maitred.menu.models import MenuCategory, MenuItem
from maitred.tenancy.models import Organization

CATEGORIES = "/api/v1/menu/categories"
ITEMS = "/api/v1/menu/items"


def forbidden(permission: str) -> dict[str, Any]:
    return {"error": "forbidden", "message": f"Requires permission {permission}", "details": {}}


def not_found(message: str) -> dict[str, Any]:
    return {"error": "not_found", "message": message, "details": {}}


UNAUTHORIZED = {
    "error": "unauthorized",
    "message": "Sign in first: send 'Authorization: Bearer <token>' or 'X-API-Key'",
    "details": {},
}


async def given_category(
    database: Database, organization: Organization, name: str = "Entrées", **fields: Any
) -> uuid.UUID:
    async with database.transaction() as session:
        created = await menu_categories.create_category(
            session, organization_id=organization.id, name=name, **fields
        )
    category_id: uuid.UUID = created["id"]
    return category_id


async def given_item(
    database: Database,
    organization: Organization,
    name: str = "Hibachi Chicken",
    price: str = "25.00",
    **fields: Any,
) -> uuid.UUID:
    async with database.transaction() as session:
        created = await menu_service.create_item(
            session, organization_id=organization.id, name=name, price=Decimal(price), **fields
        )
    item_id: uuid.UUID = created["id"]
    return item_id


async def stored_category(database: Database, category_id: uuid.UUID) -> MenuCategory | None:
    async with database.transaction(write=False) as session:
        return await session.get(MenuCategory, category_id)


async def stored_item(database: Database, item_id: uuid.UUID) -> MenuItem | None:
    async with database.transaction(write=False) as session:
        return await session.get(MenuItem, item_id)


async def count(database: Database, model: type[MenuCategory] | type[MenuItem]) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)
