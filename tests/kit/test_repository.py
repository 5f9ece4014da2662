"""Tenant scoping by construction (kit/repository.py), on a test-only tenant-owned table."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import String, delete
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from maitred.kit.db import Base, Database, TenantOwned
from maitred.kit.errors import NotFound
from maitred.kit.pagination import PageParams, parse_sort
from maitred.kit.repository import Repository


class ProbeBase(DeclarativeBase):
    """Kept apart from maitred's Base so migrations and `alembic check` never see it."""

    type_annotation_map = Base.type_annotation_map


class Note(TenantOwned, ProbeBase):
    __tablename__ = "test_repository_notes"

    text: Mapped[str] = mapped_column(String(100))


class NoteRepository(Repository[Note]):
    model = Note
    not_found_message = "No such note"


ORG_A, ORG_B = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def notes(database: Database) -> AsyncIterator[Database]:
    async with database.engine.begin() as conn:
        await conn.run_sync(ProbeBase.metadata.create_all)
        await conn.execute(delete(Note))
    yield database
    async with database.engine.begin() as conn:
        await conn.run_sync(ProbeBase.metadata.drop_all)


async def _add(database: Database, organization_id: uuid.UUID, *texts: str) -> list[Note]:
    async with database.transaction() as session:
        repo = NoteRepository(session, organization_id)
        added = [repo.add(Note(text=t)) for t in texts]
        await session.flush()
        return added


async def test_another_organizations_row_is_not_found(notes: Database) -> None:
    (mine,) = await _add(notes, ORG_A, "prep the grill")
    async with notes.transaction(write=False) as session:
        assert (await NoteRepository(session, ORG_A).get_or_404(mine.id)).text == "prep the grill"
        assert await NoteRepository(session, ORG_B).get(mine.id) is None
        with pytest.raises(NotFound, match="No such note"):
            await NoteRepository(session, ORG_B).get_or_404(mine.id)


async def test_add_stamps_the_organization_and_refuses_a_foreign_one(notes: Database) -> None:
    (note,) = await _add(notes, ORG_A, "order rice")
    assert note.organization_id == ORG_A
    async with notes.transaction() as session:
        with pytest.raises(ValueError, match="another organization"):
            NoteRepository(session, ORG_B).add(Note(text="x", organization_id=ORG_A))


async def test_pages_hold_only_the_organizations_rows_without_overlap(notes: Database) -> None:
    await _add(notes, ORG_A, *(f"a{n:02}" for n in range(25)))
    await _add(notes, ORG_B, "b00", "b01")
    seen: list[str] = []
    async with notes.transaction(write=False) as session:
        repo = NoteRepository(session, ORG_A)
        sort = parse_sort("text", "asc", {"text": Note.text}, default="text")
        for page in (1, 2, 3):
            rows, info = await repo.page(PageParams(page=page, limit=10), sort=sort)
            seen += [r.text for r in rows]
            assert info.total_items == 25
            assert info.total_pages == 3
    assert seen == [f"a{n:02}" for n in range(25)]
