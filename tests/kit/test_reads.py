"""Fast reads (kit/reads.py) return what the ORM would, from committed data, on both databases."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC
from decimal import Decimal

import pytest
from sqlalchemy import Integer, bindparam, func, literal_column, select, text, type_coerce

from maitred.kit import reads
from maitred.kit.db import Database
from maitred.kit.money import MoneyColumn
from maitred.kit.reads import ReadPool, ReadQuery
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

BY_SLUG = ReadQuery(
    select(
        Organization.id,
        Organization.slug,
        Organization.settings,
        Organization.is_active,
        Organization.created_at,
    ).where(Organization.slug == bindparam("slug"))
)
BY_SLUG_ONLY = ReadQuery(select(Organization.slug).where(Organization.slug == bindparam("slug")))
BY_ID = ReadQuery(select(Organization.slug).where(Organization.id == bindparam("id")))
ALL_ACTIVE = ReadQuery(
    select(Organization.slug)
    .where(Organization.is_active == bindparam("active"))
    .order_by(Organization.slug)
)
MONEY_ROUND_TRIP = ReadQuery(
    select(type_coerce(bindparam("amount", type_=MoneyColumn()), MoneyColumn()).label("amount"))
)


async def _create(database: Database, name: str, **settings: object) -> Organization:
    async with database.transaction() as session:
        org = await tenancy_service.create(session, name=name)
        org.settings = dict(settings)
        return org


async def test_values_come_back_as_the_orm_types(database: Database) -> None:
    org = await _create(database, "Hibachi at Home", deposit={"fixed": 100})
    row = await database.reads.one(BY_SLUG, slug="hibachi-at-home")
    assert row == {
        "id": org.id,
        "slug": "hibachi-at-home",
        "settings": {"deposit": {"fixed": 100}},
        "is_active": True,
        "created_at": org.created_at,
    }
    assert isinstance(row["id"], uuid.UUID)
    assert row["created_at"].tzinfo is UTC


async def test_parameters_are_converted_like_the_orm_does(database: Database) -> None:
    org = await _create(database, "Studio Calm")
    await _create(database, "Closed Shop")
    async with database.transaction() as session:
        closed = await session.scalar(
            select(Organization).where(Organization.slug == "closed-shop")
        )
        assert closed is not None
        closed.is_active = False
    assert await database.reads.one(BY_ID, id=org.id) == {"slug": "studio-calm"}
    assert await database.reads.all(ALL_ACTIVE, active=True) == [{"slug": "studio-calm"}]
    assert await database.reads.all(ALL_ACTIVE, active=False) == [{"slug": "closed-shop"}]
    assert await database.reads.one(MONEY_ROUND_TRIP, amount=Decimal("942.50")) == {
        "amount": Decimal("942.50")
    }


async def test_missing_row_is_none_and_missing_parameter_is_an_error(database: Database) -> None:
    assert await database.reads.one(BY_ID, id=uuid.uuid4()) is None
    with pytest.raises(TypeError, match="missing query parameters: slug"):
        await database.reads.one(BY_SLUG)


async def test_reads_see_committed_data_only(database: Database) -> None:
    async with database.transaction() as session:
        await tenancy_service.create(session, name="Not Yet")  # flushed, not committed
        assert await database.reads.one(BY_SLUG, slug="not-yet") is None
    assert (await database.reads.one(BY_SLUG, slug="not-yet") or {})["slug"] == "not-yet"


async def test_many_concurrent_reads_share_a_small_pool(database: Database) -> None:
    orgs = [await _create(database, f"Shop {n}") for n in range(10)]
    rows = await asyncio.gather(*(database.reads.one(BY_ID, id=o.id) for o in orgs * 5))
    assert [r["slug"] if r else None for r in rows] == [o.slug for o in orgs * 5]
    assert database.reads.held <= database.reads.size


async def test_a_lost_postgresql_connection_is_replaced(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("PostgreSQL only: an SQLite file connection cannot be cut from outside")
    org = await _create(database, "Resilient")
    assert await database.reads.one(BY_ID, id=org.id) == {"slug": "resilient"}
    async with database.transaction() as session:
        await session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    outcomes: list[object] = []
    for _ in range(database.reads.size + 2):  # each dead connection fails once, then is gone
        try:
            outcomes.append(await database.reads.one(BY_ID, id=org.id))
        except ConnectionError:
            outcomes.append("lost")
    assert outcomes[0] == "lost"
    assert outcomes[-1] == {"slug": "resilient"}


async def test_readers_waiting_on_a_connection_that_breaks_get_a_new_one(
    database: Database,
) -> None:
    if database.is_sqlite:
        pytest.skip("PostgreSQL only: an SQLite file connection cannot be cut from outside")
    org = await _create(database, "Queue")
    pool = ReadPool(database.engine, size=1)
    try:
        assert await pool.one(BY_ID, id=org.id) == {"slug": "queue"}
        async with database.transaction() as session:
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        outcomes = await asyncio.gather(
            *(pool.one(BY_ID, id=org.id) for _ in range(5)), return_exceptions=True
        )
        assert isinstance(outcomes[0], ConnectionError)
        assert outcomes[1:] == [{"slug": "queue"}] * 4
        assert pool.held == 1
    finally:
        await pool.close()


_counting = select(literal_column("1", Integer()).label("n")).cte("counting", recursive=True)
_counting = _counting.union_all(
    select(_counting.c.n + literal_column("1", Integer())).where(
        _counting.c.n < bindparam("upto", type_=Integer())
    )
)
COUNT_TO = ReadQuery(select(func.max(_counting.c.n).label("n")))


async def test_a_long_read_still_answers_and_leaves_the_loop_free(database: Database) -> None:
    """SQLite reads run on the loop's thread only within a small budget; one that outruns it
    is interrupted and run again on its connection's thread, whole (and on PostgreSQL the
    driver never holds the loop)."""
    ticks = 0
    reading = True

    async def tick() -> None:
        nonlocal ticks
        while reading:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    try:
        long_read = await database.reads.one(COUNT_TO, upto=3_000_000)
        ticks_during_long_read = ticks
        short_read = await database.reads.one(COUNT_TO, upto=10)
    finally:
        reading = False
        await ticker
    assert long_read == {"n": 3_000_000}
    assert short_read == {"n": 10}
    assert ticks_during_long_read > 10  # the loop served other work while it ran


async def test_the_busy_timeout_is_kept_off_inline_only(database: Database) -> None:
    """Inline reads keep their connection's busy timeout at 0 (waiting there would hold the
    loop); a read that moves to the thread, and the connection handed back to the engine,
    wait for locks as configured again."""
    if not database.is_sqlite:
        pytest.skip("SQLite reads inline; PostgreSQL's reads never do")
    pool = ReadPool(database.engine, size=1)
    try:
        assert await pool.one(COUNT_TO, upto=10) == {"n": 10}
        conn = pool._idle[0].driver_connection._require()
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 0
        assert await pool.one(COUNT_TO, upto=3_000_000) == {"n": 3_000_000}  # on the thread
        configured = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        assert configured > 0
        assert await pool.one(COUNT_TO, upto=10) == {"n": 10}
    finally:
        await pool.close()
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == configured


async def test_a_read_preempted_past_its_inline_budget_still_answers(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loaded machine can preempt the loop's thread between setting a read's deadline and
    running it: the read then goes to its thread instead of failing (the lock-timeout PRAGMA
    around it once ran under the deadline's progress handler and was interrupted too)."""
    if not database.is_sqlite:
        pytest.skip("inline reads are SQLite's")
    await _create(database, "Hibachi at Home")
    monkeypatch.setattr(reads, "INLINE_SECONDS", -1.0)  # past its deadline from the start
    monkeypatch.setattr(reads, "_PROGRESS_STEPS", 1)

    assert await database.reads.one(BY_SLUG_ONLY, slug="hibachi-at-home") == {
        "slug": "hibachi-at-home"
    }
