"""Request-scoped dependencies: the database session of the request's single transaction."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.reads import ReadPool

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database_of(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_database(request: Request) -> Database:
    """Async on purpose: FastAPI runs plain `def` dependencies in a thread pool."""
    return database_of(request)


def app_settings(request: Request) -> Settings:
    """The settings the app was created with (tests and the CLI pass their own, so never
    `load_settings()` in a request)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Commits after the endpoint returns and before the response is sent, so a failed
    commit is reported as an error instead of a success the database never kept."""
    async with database_of(request).transaction(
        write=request.method not in SAFE_METHODS,
        reads_first=getattr(request.state, "reads_first", False),
    ) as session:
        yield session


async def reads_first(request: Request) -> None:
    """A route's dependency (`dependencies=[ReadsFirst]`, so it runs before the session is
    made): the request's reads before its first write run outside SQLite's writers' turn
    (kit/db.py `defer_to_write`). Only for a route whose writes check what they rely on."""
    request.state.reads_first = True


async def get_reads(request: Request) -> ReadPool:
    return database_of(request).reads


DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
ReadsFirst = Depends(reads_first)
Reads = Annotated[ReadPool, Depends(get_reads)]
AppSettings = Annotated[Settings, Depends(app_settings)]
"""Committed data through compiled queries, without a session: for read-only endpoints."""


def client_ip(request: Request) -> str:
    """The caller's address, believing `X-Forwarded-For` only from trusted proxies."""
    resolve = getattr(request.app.state, "client_address", None)
    forwarded = request.headers.get("x-forwarded-for")
    if resolve is not None:
        return str(resolve(request.scope, forwarded))
    return request.client.host if request.client else "unknown"


def user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")[:300]
