"""Writes of a hot path run on the session's SQLite connection without SQLAlchemy's execution.

Why: the public booking request writes six statements in the writer's turn, each taking 20-60 µs
in SQLite and ~0.13-0.2 ms in SQLAlchemy's execution machinery around it (the session, greenlet
hand-offs, the execution context, the result object; bench/README.md, "The public booking
request without FastAPI"). A `WriteStatement` is a Core INSERT or UPDATE built once and compiled
by SQLAlchemy once per dialect and set of keys, as `kit.reads.ReadQuery` is for reads: its SQL,
parameter order and type conversions (UUID, Decimal, datetimes,
encrypted and JSON columns) are exactly SQLAlchemy's, so the rows read back through the ORM as
if it had written them. Only the execution differs: the statement goes straight to the session's
driver connection (kit/sqlite_driver.py), which joins the writers' group and runs it inline on
the event loop's thread as it does any statement of a write transaction.

The session's transaction is SQLAlchemy's as before (its commit, rollback and savepoint), so a
failing write rolls back with the rest. PostgreSQL, and a session on any other driver, runs the
statement through `session.execute` unchanged. Errors are SQLAlchemy's (`IntegrityError` …).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import sqlite_driver

Processor = Callable[[Any], Any] | None
_DRIVER = "writes_driver"
# False runs every statement through `session.execute`, as on PostgreSQL (tests write a row both
# ways and compare what reads back).
ON_DRIVER = True
# Called with each statement's SQL before it runs on the driver (the statement-budget tests
# count them beside the engine's; empty in production).
listeners: list[Callable[[str], None]] = []


@dataclass(frozen=True)
class _Plan:
    sql: str
    param_names: tuple[str, ...]
    bind_processors: tuple[Processor, ...]
    # Values bound in the statement itself (`.values(last_value=1)`), unless the caller gives one.
    constants: dict[str, Any]
    result_processors: tuple[Processor, ...]


class WriteStatement:
    """A Core INSERT or UPDATE with named parameters, built once at import time."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        # A plain `insert(table)` takes its columns from the keys given (as SQLAlchemy's
        # executemany does), so each set of keys has its own compilation.
        self._by_keys = isinstance(statement, Insert) and not _has_values(statement)
        self._plans: dict[tuple[str, frozenset[str] | None], _Plan | None] = {}
        self._returns_rows = bool(statement.is_select or getattr(statement, "_returning", ()))

    def plan(self, dialect: Dialect, keys: frozenset[str]) -> _Plan | None:
        """The compiled statement, or None when SQLAlchemy's execution must run it."""
        key = (dialect.name, keys if self._by_keys else None)
        if key not in self._plans:
            self._plans[key] = self._compile(dialect, keys)
        return self._plans[key]

    def _compile(self, dialect: Dialect, keys: frozenset[str]) -> _Plan | None:
        compiled = self.statement.compile(
            dialect=dialect, column_keys=sorted(keys) if self._by_keys else None
        )
        binds = compiled.binds
        if any(b.expanding for b in binds.values()):
            raise TypeError("WriteStatement does not support expanding (IN-list) parameters")
        names = tuple(compiled.positiontup or ())
        if compiled.insert_prefetch or compiled.update_prefetch:
            return None  # a column's Python-side default, which SQLAlchemy's execution fills
        return _Plan(
            sql=str(compiled),
            param_names=names,
            constants={n: binds[n].effective_value for n in names if not binds[n].required},
            bind_processors=tuple(binds[n].type._cached_bind_processor(dialect) for n in names),
            result_processors=tuple(
                entry[3]._cached_result_processor(dialect, None)
                for entry in compiled._result_columns
            ),
        )

    def parameters(self, plan: _Plan, values: Mapping[str, Any]) -> list[Any]:
        if plan.constants:
            values = plan.constants | dict(values)
        return [
            process(values[name]) if process else values[name]
            for name, process in zip(plan.param_names, plan.bind_processors, strict=True)
        ]

    async def run(self, session: AsyncSession, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Runs the statement with `values`; its RETURNING rows, converted (else [])."""
        driver = await _sqlite_driver(session)
        plan = None if driver is None else self.plan(session.get_bind().dialect, frozenset(values))
        if driver is None or plan is None:
            result = await session.execute(self.statement, dict(values))
            return [tuple(row) for row in result.all()] if self._returns_rows else []
        parameters = self.parameters(plan, values)
        for listener in listeners:
            listener(plan.sql)
        cursor = driver.cursor()
        try:
            await cursor.execute(plan.sql, parameters)
        except sqlite3.Error as exc:
            raise _wrapped(plan.sql, parameters, exc) from exc
        raw = await cursor.fetchall()
        if not raw or not plan.result_processors:
            return list(raw)
        processors = plan.result_processors
        return [
            tuple(p(v) if p else v for p, v in zip(processors, row, strict=True)) for row in raw
        ]

    async def run_many(self, session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
        """Runs the statement once per row (an executemany; rows with the same keys)."""
        driver = await _sqlite_driver(session)
        plan = None if driver is None else self.plan(session.get_bind().dialect, frozenset(rows[0]))
        if driver is None or plan is None:
            await session.execute(self.statement, [dict(row) for row in rows])
            return
        parameters = [self.parameters(plan, row) for row in rows]
        for listener in listeners:
            listener(plan.sql)
        cursor = driver.cursor()
        try:
            await cursor.executemany(plan.sql, parameters)
        except sqlite3.Error as exc:
            raise _wrapped(plan.sql, parameters, exc) from exc


def _has_values(statement: Insert) -> bool:
    return bool(statement._values or statement._multi_values or statement.select is not None)


def _wrapped(sql: str, parameters: Any, exc: sqlite3.Error) -> StatementError:
    """The driver's error as SQLAlchemy raises it (`IntegrityError` for a constraint …)."""
    return DBAPIError.instance(sql, parameters, exc, sqlite3.Error)


async def _sqlite_driver(session: AsyncSession) -> sqlite_driver.Connection | None:
    """The session's SQLite driver connection for its current transaction (asked of SQLAlchemy
    once per transaction), or None on any other database, or while the session holds ORM
    changes not flushed yet (`session.execute` flushes them first, keeping their order)."""
    if not ON_DRIVER or not session.sync_session._is_clean():
        return None
    if session.get_bind().dialect.name != "sqlite":
        return None
    transaction = session.sync_session.get_transaction()
    kept = session.info.get(_DRIVER)
    if kept is not None and transaction is not None and kept[0] is transaction:
        driver: sqlite_driver.Connection | None = kept[1]
        return driver
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    found = raw.driver_connection
    driver = found if isinstance(found, sqlite_driver.Connection) else None
    session.info[_DRIVER] = (session.sync_session.get_transaction(), driver)
    return driver
