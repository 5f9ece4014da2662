"""Counting the statements a request sends (the hot paths' budgets, ARCHITECTURE.md).

Both ways a request reaches the database are counted: the session's (SQLAlchemy's
`before_cursor_execute` on the app's engine) and the read pool's compiled reads (kit/reads.py,
which runs them on the driver's connection and tells its listeners).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from maitred.kit.db import Database


@contextmanager
def counting_statements(database: Database) -> Iterator[list[str]]:
    """The SQL of every statement sent while the block runs, in order."""
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    database.reads.listeners.append(seen.append)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        database.reads.listeners.remove(seen.append)
