"""The domain packages the app is made of: their routers and their outbox handlers.

Adding a domain means adding it here; the app, the worker and the tests all read this list.
"""

import importlib

from fastapi import APIRouter

# Modules whose import registers outbox handlers (`<domain>/events.py`).
EVENT_HANDLER_MODULES: tuple[str, ...] = ()


def root_routers() -> list[APIRouter]:
    """Served at the root: health checks."""
    from maitred.health.router import router as health

    return [health]


def api_routers() -> list[APIRouter]:
    """Served under /api/v1 and /api."""
    from maitred.identity.router import facilitator_router as facilitator_auth
    from maitred.identity.router import router as auth
    from maitred.monitoring.router import router as monitoring
    from maitred.tenancy.router import public_router as tenancy_public

    return [auth, facilitator_auth, tenancy_public, monitoring]


def import_event_handlers() -> None:
    for module in EVENT_HANDLER_MODULES:
        importlib.import_module(module)


def import_models() -> None:
    """Every model module, so Base.metadata is complete (migrations, tests)."""
    for module in (
        "maitred.kit.outbox",
        "maitred.kit.worker",
        "maitred.kit.idempotency",
        "maitred.tenancy.models",
        "maitred.identity.models",
        "maitred.audit.models",
    ):
        importlib.import_module(module)
