from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from maitred.health import service as health_service
from maitred.health.schemas import (
    DatabaseHealthRead,
    FeaturesRead,
    HealthRead,
    OutboxRead,
    WorkerRead,
    WorkersHealthRead,
)
from maitred.kit.clock import isoformat_z, utcnow
from maitred.kit.db import Database
from maitred.kit.deps import get_database
from maitred.kit.errors import ErrorBody
from maitred.kit.jsonresponse import JSONResponse
from maitred.kit.worker_health import outbox_backlog

router = APIRouter(prefix="/health", tags=["health"])
Db = Annotated[Database, Depends(get_database)]
UNAVAILABLE = {503: {"model": ErrorBody, "description": "A dependency is down"}}


async def _monitor(request: Request) -> health_service.HealthMonitor:
    monitor: health_service.HealthMonitor = request.app.state.health_monitor
    return monitor


Monitor = Annotated[health_service.HealthMonitor, Depends(_monitor)]


@router.get(
    "",
    response_model=HealthRead,
    summary="API health",
    responses={503: {"model": HealthRead, "description": "The database is unreachable"}},
)
async def health(request: Request) -> Response:
    """Overall status; 503 with the same body when the database is unreachable.

    Load balancers poll this: it serves a snapshot at most `health_cache_seconds` old and is
    rendered without a response-model pass (the body is HealthRead's, field for field)."""
    monitor: health_service.HealthMonitor = request.app.state.health_monitor
    snap = await monitor.snapshot()
    up = snap.database.connected
    body = {
        "status": "healthy" if up else "unhealthy",
        "version": health_service.VERSION,
        "uptime_seconds": monitor.uptime_seconds,
        "database": "connected" if up else "disconnected",
        "redis": snap.redis,
        "environment": request.app.state.settings.env.value,
        "timestamp": isoformat_z(utcnow()),
        "features": snap.features,
        "external_services": monitor.external_services,
    }
    return JSONResponse(body, status_code=200 if up else 503)


@router.get(
    "/db",
    response_model=DatabaseHealthRead,
    summary="Database health",
    responses={503: {"model": DatabaseHealthRead}},
)
async def database_health(response: Response, database: Db) -> DatabaseHealthRead:
    """A live round trip to the database, with its latency and the applied migration."""
    probe = await health_service.probe_database(database)
    if not probe.connected:
        response.status_code = 503
    return DatabaseHealthRead(
        status="healthy" if probe.connected else "unhealthy",
        database="connected" if probe.connected else "disconnected",
        backend="sqlite" if database.is_sqlite else "postgresql",
        latency_ms=probe.latency_ms,
        migration=probe.migration,
        error=probe.error,
        timestamp=utcnow(),
    )


@router.get(
    "/workers",
    response_model=WorkersHealthRead,
    summary="Background workers",
    responses={503: {"model": WorkersHealthRead, "description": "No worker is running"}},
)
async def workers_health(response: Response, database: Db) -> WorkersHealthRead:
    """Workers that sent a heartbeat recently (from every process) and the outbox backlog."""
    try:
        workers = await health_service.live_workers(database)
        backlog: OutboxRead | None = OutboxRead(**await outbox_backlog(database))
    except Exception:
        workers, backlog = [], None
    if not workers:
        response.status_code = 503
    return WorkersHealthRead(
        status="healthy" if workers else "unhealthy",
        workers=[WorkerRead.model_validate(w, from_attributes=True) for w in workers],
        outbox=backlog,
        timestamp=utcnow(),
    )


@router.get("/features", response_model=FeaturesRead, summary="Feature status")
async def features_health(monitor: Monitor) -> FeaturesRead:
    """What this installation has switched on and which providers it sends through (seed 000's
    names), and which outside services it is configured for (seed 001's)."""
    snap = await monitor.snapshot()
    return FeaturesRead(
        status="healthy" if snap.database.connected else "unhealthy",
        features=snap.features,
        external_services=monitor.external_services,
    )
