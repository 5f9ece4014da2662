"""SQLite connections are set up for safety: WAL, foreign keys, a busy timeout, durable commits."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from maitred.kit.db import Database
from tests.conftest import make_settings


async def _pragmas(database: Database) -> dict[str, object]:
    found = {}
    async with database.transaction(write=False) as session:
        for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous"):
            found[name] = (await session.execute(text(f"PRAGMA {name}"))).scalar()
    return found


@pytest.mark.parametrize(("setting", "level"), [("FULL", 2), ("NORMAL", 1)])
async def test_sqlite_connections_carry_the_pragmas(
    tmp_path: Path, setting: str, level: int
) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", sqlite_synchronous=setting)
    database = settings.database()
    try:
        assert await _pragmas(database) == {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 10000,
            "synchronous": level,
        }
    finally:
        await database.dispose()


async def test_durable_commits_are_the_default(tmp_path: Path) -> None:
    assert make_settings(tmp_path, "sqlite:///x.db").sqlite_synchronous == "FULL"
