"""create_app(): the ASGI application with its routers, middleware and error handlers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import timedelta

from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.orm import configure_mappers
from starlette.routing import BaseRoute, compile_path

from maitred import __version__
from maitred.audit.middleware import AuditMiddleware
from maitred.availability import fast as availability_fast
from maitred.booking_page.router import router as booking_page
from maitred.bookings import detail_fast, list_fast, public_fast
from maitred.config import Settings, load_settings
from maitred.dashboard.install import install_pages
from maitred.docs_pages import install_docs
from maitred.domains import api_routers, import_event_handlers, root_routers
from maitred.health import instance as health_instance
from maitred.health.service import HealthMonitor
from maitred.identity.config import auth_config_from_settings
from maitred.identity.deps import describe_permissions
from maitred.identity.idempotency_scope import IdempotencyScope
from maitred.identity.ratelimit_keys import IdentityTierResolver, OrganizationLimits
from maitred.kit import crypto, param_facts
from maitred.kit.api_paths import API_PREFIX, PrefixDispatch, UnversionedApi
from maitred.kit.db import Database
from maitred.kit.errors import install_error_handlers
from maitred.kit.http import RequestContextMiddleware
from maitred.kit.i18n import LanguageMiddleware
from maitred.kit.idempotency import IdempotencyMiddleware
from maitred.kit.ratelimit import limiter_from_settings, policies_from_settings
from maitred.kit.ratelimit_middleware import ClientAddress, RateLimitMiddleware
from maitred.kit.unknown_query import RefuseUnknownQuery
from maitred.kit.worker import Worker, WorkerOptions
from maitred.kit.worker_lock import sole_worker_lock
from maitred.openapi import install_complete_openapi

log = logging.getLogger("maitred")
STATISTICS_SECONDS = 600.0

DESCRIPTION = """
maitred keeps the book for hospitality businesses: who asked, who booked, for when, for how
many, what they paid and what they were told.

Every route under `/api/v1` is also served under `/api`. Errors share one envelope
(`error`, `message`, `details`, `request_id`, `timestamp`). POST requests accept an
`Idempotency-Key` header.
"""


def worker_options(settings: Settings) -> WorkerOptions:
    return WorkerOptions(
        poll_seconds=settings.outbox_poll_seconds,
        lease_seconds=settings.outbox_lease_seconds,
        max_attempts=settings.outbox_max_attempts,
        backoff_seconds=settings.outbox_backoff_seconds,
    )


async def keep_statistics_fresh(database: Database) -> None:
    """The query planner's figures follow the data as it grows (see Database.refresh_statistics)."""
    while True:
        await asyncio.sleep(STATISTICS_SECONDS)
        try:
            await database.refresh_statistics()
        except Exception:
            log.exception("refreshing the query planner's statistics failed; retrying later")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    database: Database = app.state.database
    await database.refresh_statistics()
    await database.open_connections()
    # The understanding engine loads its shipped classifiers and its date and zip tables (about
    # a second of CPU) before the server answers anything, /health included: no customer's
    # first message waits for them, and no first request shares the process with them.
    from maitred.ai.nlu.understand import warm_up

    app.state.nlu_warm_up = asyncio.create_task(
        asyncio.to_thread(warm_up, freeze=False), name="maitred-nlu-warm-up"
    )
    for route in app.router.routes:
        if isinstance(route, PrefixDispatch):
            route.prepare()  # FastAPI's route contexts too, made lazily otherwise
    configure_mappers()  # the ORM's attribute machinery, made on its first use otherwise
    await app.state.nlu_warm_up
    # Everything created at start-up lives as long as the process: keep it out of the cyclic
    # garbage collector's full passes, which otherwise stall requests (p99) as the heap grows.
    gc.collect()
    gc.freeze()
    statistics_task = asyncio.create_task(keep_statistics_fresh(database), name="maitred-stats")
    worker_task = None
    if settings.run_embedded_worker:
        options = worker_options(settings)
        options.lock_path = sole_worker_lock(database)  # one process of `--workers N` works
        worker = Worker(database, options, settings=settings)
        worker_task = asyncio.create_task(worker.run(), name="maitred-worker")
        app.state.worker = worker
    try:
        yield
    finally:
        statistics_task.cancel()
        if worker_task is not None:
            app.state.worker.stop()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(worker_task, timeout=10)
        if (rate_limiter := getattr(app.state, "rate_limiter", None)) is not None:
            await rate_limiter.aclose()
        await database.dispose()


def ids_only_match_uuids(routes: Iterable[BaseRoute]) -> None:
    """`/events/{event_id}` matches only a UUID, so `/events/series` is never taken for an id:
    GET there is a 405 naming the methods it has, not a 422 about a malformed event id."""
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        path = route.path
        for param in route.dependant.path_params:
            if param.field_info.annotation is uuid.UUID:
                path = path.replace(f"{{{param.alias}}}", f"{{{param.alias}:uuid}}")
        if path != route.path:
            route.path = path
            route.path_regex, route.path_format, route.param_convertors = compile_path(path)


def _unique_operation_id(route: APIRoute) -> str:
    return f"{route.name}_{'_'.join(sorted(m.lower() for m in route.methods or ()))}"


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The app on `database` (default: a new handle from `settings`; the tests share one)."""
    settings = settings or load_settings()
    param_facts.install()
    crypto.configure(crypto.Keyring.from_settings(settings))
    import_event_handlers()
    app = FastAPI(
        title="maitred",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=_unique_operation_id,
        # maitred configures no OpenTelemetry; asking FastAPI to check costs every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        docs_url=None,  # served by install_docs, without a CDN
        redoc_url=None,
        dependencies=[RefuseUnknownQuery],  # a misspelt query parameter is a 422, not ignored
    )
    database = database or settings.database()
    app.state.settings = settings
    app.state.database = database
    app.state.auth_config = auth_config_from_settings(settings)
    app.state.client_address = ClientAddress(settings.trusted_proxies)
    app.state.health_monitor = HealthMonitor(
        database=database,
        redis_url=settings.redis_url,
        max_age=settings.health_cache_seconds,
        settled=health_instance.settled_features(settings),
        external_services=health_instance.external_services(settings),
    )

    for router in root_routers():
        describe_permissions(router.routes)
        app.include_router(router)
    # Each router is included directly (every level of nesting costs routing time on every
    # request) and once: the unversioned /api (seed 000) is a path rewrite (UnversionedApi).
    app.state.api_prefixes = ("/api/v1", "/api")  # a 404 outside them names the path within
    for router in api_routers():
        describe_permissions(router.routes)
        ids_only_match_uuids(router.routes)
        app.include_router(router, prefix=API_PREFIX)
    app.router.routes.insert(0, PrefixDispatch(app.router.routes))
    public_fast.install(app.router.routes, app.router, database)
    availability_fast.install(app.router.routes, app.router, database)
    list_fast.install(app.router.routes, app.router, database)
    detail_fast.install(app.router.routes, app.router, database)
    install_complete_openapi(app)
    install_docs(app)
    install_pages(app)
    app.include_router(booking_page)

    install_error_handlers(app)
    # Innermost of all: every middleware outside sees the path as the client sent it.
    app.add_middleware(UnversionedApi)
    # Inside the others: an idempotent replay or a 429 changed nothing, so it is not recorded.
    app.add_middleware(AuditMiddleware, database=database, client_address=app.state.client_address)
    app.add_middleware(
        IdempotencyMiddleware,
        database=database,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        lock_timeout=timedelta(seconds=settings.idempotency_lock_seconds),
        caller_scope=IdempotencyScope(
            signer=app.state.auth_config.signer,
            database=database,
            client_address=app.state.client_address,
        ),
    )
    # Checked even when switched off: a typo must not wait for the day limits are switched on.
    policies = policies_from_settings(settings)
    resolver = IdentityTierResolver(settings.trusted_proxies, app.state.auth_config.signer)
    if settings.rate_limit_enabled:  # inside the request context: a 429 has a request id
        app.state.rate_limiter = limiter_from_settings(settings)
        app.add_middleware(
            RateLimitMiddleware,
            limiter=app.state.rate_limiter,
            policies=policies,
            resolver=resolver,
            override=OrganizationLimits(database),
        )
    app.add_middleware(RequestContextMiddleware)
    # Outermost: even a 500 rendered by the request context is in the request's language.
    app.add_middleware(LanguageMiddleware)
    return app


def create_served_app() -> FastAPI:
    """The factory `maitred serve` hands to the server, in every server process."""
    from maitred.kit.logs import configure_logging

    settings = load_settings()
    configure_logging(level=settings.log_level, json_lines=settings.json_logs)
    return create_app(settings)
