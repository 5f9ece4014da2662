"""Ceiling endpoints for bench/run.py: the same answers as maitred's, with nothing on top.

A req/s figure alone depends on the machine; the ratio of a maitred endpoint to a ceiling served
the same way, measured in the same run, says what maitred's own layers cost (middleware,
dependencies, sessions, ORM, response models). Each endpoint here is the least code that gives
the same JSON: a fixed /health body, and one organization read or inserted with the raw driver
(aiosqlite, or asyncpg for a PostgreSQL URL) in the very database maitred serves. The
authenticated read checks maitred's own access token (HS256, the key derived from
MAITRED_SECRET_KEY as maitred derives it) and reads the user row by id.

Served by uvicorn with the options `maitred serve` passes (1 worker, no access log, no server
header): `python bench/ceilings.py --port 8001 --database-url sqlite:///path/maitred.db`, with
MAITRED_SECRET_KEY in the environment for `/raw/auth/me`.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Protocol

import aiosqlite
import asyncpg
import jwt
import uvicorn
from fastapi import FastAPI, Header, HTTPException

from maitred.identity.tokens import derive_signing_key

# The shape of maitred's GET /health body (HealthRead), with fixed values.
HEALTH_BODY: dict[str, Any] = {
    "status": "healthy",
    "version": "0.0.0",
    "uptime_seconds": 0,
    "database": "connected",
    "redis": "not_configured",
    "environment": "development",
    "timestamp": "2026-01-01T00:00:00.000000Z",
    "features": {"workers": "running", "outbox": "enabled", "idempotency": "enabled"},
}
# The fields of maitred's OrganizationPublicRead, in its order.
PUBLIC_COLUMNS = ("id", "name", "slug", "timezone", "currency", "locale", "country")
INSERT_COLUMNS = (
    "id, name, slug, timezone, currency, locale, country, settings, is_active, "
    "created_at, updated_at, description"
)
# The user row as stored: the email is maitred's ciphertext (decrypting it is maitred's work).
USER_COLUMNS = ("id", "email", "is_active", "token_version")
USER_SQL = f"SELECT {', '.join(USER_COLUMNS)} FROM users WHERE id = "
SQLITE_PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000", "synchronous=FULL")


class OrganizationStore(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def read(self, organization_id: uuid.UUID) -> dict[str, Any] | None: ...
    async def read_user(self, user_id: uuid.UUID) -> dict[str, Any] | None: ...
    async def insert(self) -> uuid.UUID: ...


def _inserted_row(organization_id: uuid.UUID) -> tuple[str, str, str, str, str, str, str]:
    """Inactive, so the rows the insert load leaves behind stay out of maitred's public reads."""
    return (
        "Bench insert",
        f"bench-insert-{organization_id.hex}",
        "UTC",
        "USD",
        "en-US",
        "US",
        "{}",
    )


class SqliteStore:
    """Reads round-robin over `pool_size` connections; inserts on one connection, because
    SQLite has one writer at a time and several writing connections only queue on its lock."""

    def __init__(self, path: str, pool_size: int) -> None:
        self.path = path
        self.pool_size = pool_size
        self._readers: list[aiosqlite.Connection] = []
        self._next_reader: Iterator[aiosqlite.Connection] = iter(())
        self._writer: aiosqlite.Connection | None = None

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)  # autocommit
        for pragma in SQLITE_PRAGMAS:
            await conn.execute(f"PRAGMA {pragma}")
        return conn

    async def open(self) -> None:
        self._readers = [await self._connect() for _ in range(self.pool_size)]
        self._next_reader = itertools.cycle(self._readers)
        self._writer = await self._connect()

    async def close(self) -> None:
        for conn in [*self._readers, self._writer]:
            if conn is not None:
                await conn.close()

    async def read(self, organization_id: uuid.UUID) -> dict[str, Any] | None:
        rows = await next(self._next_reader).execute_fetchall(
            f"SELECT {', '.join(PUBLIC_COLUMNS)} FROM organizations WHERE id = ? AND is_active = 1",
            (organization_id.hex,),
        )
        if not rows:
            return None
        found = dict(zip(PUBLIC_COLUMNS, next(iter(rows)), strict=True))
        found["id"] = str(uuid.UUID(found["id"]))
        return found

    async def read_user(self, user_id: uuid.UUID) -> dict[str, Any] | None:
        rows = await next(self._next_reader).execute_fetchall(USER_SQL + "?", (user_id.hex,))
        return dict(zip(USER_COLUMNS, next(iter(rows)), strict=True)) if rows else None

    async def insert(self) -> uuid.UUID:
        assert self._writer is not None, "open() first"
        organization_id = uuid.uuid4()
        # SQLAlchemy's DateTime on SQLite: naive UTC text, as maitred's rows have it.
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        await self._writer.execute(
            f"INSERT INTO organizations ({INSERT_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, '')",
            (organization_id.hex, *_inserted_row(organization_id), now, now),
        )
        return organization_id


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """No reset query on release: these endpoints change no session state, and asyncpg's
    default reset (`RESET ALL`, `UNLISTEN *`, …) would add a second round trip per request."""


class PostgresStore:
    def __init__(self, dsn: str, pool_size: int) -> None:
        self.dsn = dsn
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self.dsn, min_size=self.pool_size, max_size=self.pool_size, reset=_keep_session
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    async def read(self, organization_id: uuid.UUID) -> dict[str, Any] | None:
        assert self._pool is not None, "open() first"
        row = await self._pool.fetchrow(
            f"SELECT {', '.join(PUBLIC_COLUMNS)} FROM organizations WHERE id = $1 AND is_active",
            organization_id,
        )
        if row is None:
            return None
        return {**dict(row), "id": str(row["id"])}

    async def read_user(self, user_id: uuid.UUID) -> dict[str, Any] | None:
        assert self._pool is not None, "open() first"
        row = await self._pool.fetchrow(USER_SQL + "$1", user_id)
        return None if row is None else dict(row)

    async def insert(self) -> uuid.UUID:
        assert self._pool is not None, "open() first"
        organization_id = uuid.uuid4()
        now = datetime.now(UTC)
        await self._pool.execute(
            f"INSERT INTO organizations ({INSERT_COLUMNS}) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, false, $9, $9, '')",
            organization_id,
            *_inserted_row(organization_id),
            now,
        )
        return organization_id


def open_store(database_url: str, pool_size: int) -> OrganizationStore:
    """The raw-driver store for a maitred-style URL (`sqlite:///…` or `postgresql://…`)."""
    if database_url.startswith("sqlite:"):
        return SqliteStore(database_url.removeprefix("sqlite:").removeprefix("///"), pool_size)
    if database_url.startswith(("postgresql:", "postgres:")):
        return PostgresStore(database_url, pool_size)
    raise ValueError(f"unsupported database URL: {database_url}")


def token_claims(authorization: str | None, signing_key: bytes | None) -> dict[str, Any]:
    """The claims of maitred's access token in `Authorization: Bearer …`, or 401."""
    if signing_key is None:
        raise HTTPException(503, "Set MAITRED_SECRET_KEY to check access tokens")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        raise HTTPException(401, "Use 'Authorization: Bearer <access token>'")
    try:
        claims: dict[str, Any] = jwt.decode(
            token.strip(), signing_key, algorithms=["HS256"], issuer="maitred"
        )
    except jwt.PyJWTError:
        raise HTTPException(401, "The access token is invalid") from None
    return claims


def create_app(database_url: str, pool_size: int) -> FastAPI:
    store = open_store(database_url, pool_size)
    secret_key = os.environ.get("MAITRED_SECRET_KEY")
    signing_key = derive_signing_key(secret_key) if secret_key else None

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await store.open()
        try:
            yield
        finally:
            await store.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return HEALTH_BODY

    @app.get("/raw/organizations/{organization_id}")
    async def read_organization(organization_id: uuid.UUID) -> dict[str, Any]:
        found = await store.read(organization_id)
        if found is None:
            raise HTTPException(404, "No such organization")
        return found

    @app.get("/raw/auth/me")
    async def read_me(authorization: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        claims = token_claims(authorization, signing_key)
        user = await store.read_user(uuid.UUID(claims["sub"]))
        if user is None or not user["is_active"] or user["token_version"] != claims["ver"]:
            raise HTTPException(401, "The session has ended; sign in again")
        return {"id": claims["sub"], "email": user["email"], "role": claims["role"]}

    @app.post("/raw/organizations", status_code=201)
    async def insert_organization() -> dict[str, Any]:
        return {"id": str(await store.insert())}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the benchmark's ceiling endpoints.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True, help="sqlite:///path or postgresql://…")
    parser.add_argument("--pool-size", type=int, default=1, help="read connections (default 1)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # The options `maitred serve` passes to uvicorn.run, so only the application differs.
    uvicorn.run(
        create_app(args.database_url, args.pool_size),
        host=args.host,
        port=args.port,
        access_log=False,
        log_config=None,
        proxy_headers=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
