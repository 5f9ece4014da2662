"""The `maitred` command: serve, migrate, create-admin, demo, worker."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from maitred import __version__
from maitred.config import ConfigError, Settings, load_settings
from maitred.kit.logs import configure_logging


class CommandFailed(Exception):
    """A one-line reason the command could not do its work."""


def _settings() -> Settings:
    from maitred.kit import crypto

    settings = load_settings()
    configure_logging(level=settings.log_level, json_lines=settings.json_logs)
    crypto.configure(crypto.Keyring.from_settings(settings))  # a bad key fails here, in one line
    return settings


def _database_failure(exc: BaseException) -> str:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"cannot use the database: {reason[0] if reason else type(exc).__name__}"


def _migrate(settings: Settings) -> None:
    from maitred.kit.migrate import upgrade

    settings.resolved_secret_key()  # development: create the key before workers race for it
    try:
        upgrade(settings.sqlalchemy_url)
    except (OSError, ConnectionError) as exc:
        raise CommandFailed(_database_failure(exc)) from exc
    except Exception as exc:
        if type(exc).__module__.startswith(("sqlalchemy", "asyncpg", "sqlite3")):
            raise CommandFailed(_database_failure(exc)) from exc
        raise


def _local_url(host: str, port: int) -> str:
    """This machine's address for a server listening on `host` (every interface: localhost)."""
    if host in ("0.0.0.0", "::", "127.0.0.1", "::1", ""):
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from maitred.kit.ratelimit import policies_from_settings
    from maitred.kit.ratelimit_middleware import parse_networks

    settings = _settings()
    # Checked here, once, so that with --workers N a typo is one line and not N tracebacks.
    policies_from_settings(settings)
    parse_networks(settings.trusted_proxies)
    if not args.no_migrate:
        _migrate(settings)
    if args.demo:
        demo_organization = _load_demo(settings)
        if not settings.default_organization:
            # Seed 001's public requests name no business: the demo's answer is the hibachi one.
            # The server processes read their settings from the environment again.
            os.environ["MAITRED_DEFAULT_ORGANIZATION"] = demo_organization
            print(f"default organization (public requests): {demo_organization}", flush=True)
    if not os.environ.get("MAITRED_PUBLIC_URL"):
        # Links in messages and pages (deposit links, password resets) lead back to this server
        # unless the install says where it is reachable from outside.
        os.environ["MAITRED_PUBLIC_URL"] = _local_url(args.host, args.port)
    print(f"maitred {__version__} on http://{args.host}:{args.port}  (docs: /docs)", flush=True)
    uvicorn.run(
        "maitred.app:create_served_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=None if args.reload else args.workers,
        reload=args.reload,
        access_log=False,
        log_config=None,
        # Only MAITRED_TRUSTED_PROXIES decides whose X-Forwarded-For is believed (rate limits,
        # idempotency scopes); uvicorn must not rewrite the client address on its own.
        proxy_headers=False,
        server_header=False,
    )


def cmd_migrate(_args: argparse.Namespace) -> None:
    settings = _settings()
    _migrate(settings)
    print("database is at the latest migration")


def cmd_create_admin(args: argparse.Namespace) -> None:
    from maitred.identity import service as identity_service
    from maitred.kit.errors import ValidationFailed

    settings = _settings()
    _migrate(settings)

    async def run() -> identity_service.AdminResult:
        database = settings.database()
        try:
            async with database.transaction() as session:
                return await identity_service.create_admin(
                    session, email=args.email, password=args.password, org_name=args.org_name
                )
        finally:
            await database.dispose()

    try:
        result = asyncio.run(run())
    except ValidationFailed as exc:
        raise CommandFailed("; ".join(f"{k}: {v}" for k, v in exc.details.items())) from exc
    org = result.organization
    if result.organization_created:
        print(f"created organization {org.name!r} (slug {org.slug}, id {org.id})")
    else:
        print(f"using organization {org.name!r} (slug {org.slug}, id {org.id})")
    if result.user_created:
        print(f"created admin {result.user.email} (id {result.user.id})")
    else:
        print(f"user {result.user.email} already exists; nothing changed")


def _load_demo(settings: Settings) -> str:
    """Loads the demo; answers the hibachi business's id (the demo's default organization)."""
    from maitred.demo import DEMO_ORG, load_demo
    from maitred.tenancy import service as tenancy_service

    def show(line: str) -> None:
        print(line, flush=True)

    async def run() -> str:
        database = settings.database()
        try:
            await load_demo(database, progress=show)  # a line per step, as it happens
            async with database.transaction() as session:
                ensured = await tenancy_service.ensure(session, name=DEMO_ORG)
                return str(ensured.organization.id)
        finally:
            await database.dispose()

    return asyncio.run(run())


def cmd_demo(_args: argparse.Namespace) -> None:
    settings = _settings()
    _migrate(settings)
    _load_demo(settings)


def cmd_worker(args: argparse.Namespace) -> None:
    from maitred.app import worker_options
    from maitred.domains import import_event_handlers
    from maitred.kit.worker import Worker
    from maitred.kit.worker_lock import sole_worker_lock

    settings = _settings()
    import_event_handlers()

    async def run() -> None:
        database = settings.database(pool_size=2)
        options = worker_options(settings)
        if args.batch_size is not None:
            options.batch_size = args.batch_size
        if args.batch_seconds is not None:
            options.batch_seconds = args.batch_seconds
        options.lock_path = sole_worker_lock(database)  # SQLite: one worker of all processes
        options.writers_in_sight = False  # the API processes' writers wait on the file's lock
        worker = Worker(database, options, settings=settings)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, worker.stop)
        try:
            await worker.run()
        finally:
            await database.dispose()

    print("maitred worker running; Ctrl-C stops it", flush=True)
    asyncio.run(run())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maitred",
        description="maitred: booking and CRM server for hospitality businesses. "
        "Configured by MAITRED_* environment variables (see README.md).",
    )
    parser.add_argument("--version", action="version", version=f"maitred {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], None], help_: str) -> Any:
        sub = commands.add_parser(name, help=help_, description=help_)
        sub.set_defaults(func=func)
        return sub

    serve = add("serve", cmd_serve, "Run the API (and, on SQLite, the background worker).")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="API processes (default 1)")
    serve.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    serve.add_argument("--demo", action="store_true", help="load the demo data set first")
    serve.add_argument(
        "--no-migrate", action="store_true", help="do not apply migrations before starting"
    )
    add("migrate", cmd_migrate, "Apply database migrations (creates the SQLite file if needed).")
    admin = add(
        "create-admin", cmd_create_admin, "Create an organization's admin user (idempotent)."
    )
    admin.add_argument("--email", required=True, help="the admin's email address")
    admin.add_argument("--password", required=True, help="at least 10 characters")
    admin.add_argument(
        "--org-name",
        default=None,
        help="organization to add the admin to, created if missing "
        "(default: the first organization, or a new one)",
    )
    add("demo", cmd_demo, "Load a demo hibachi caterer and wellness studio (safe to run again).")
    worker = add("worker", cmd_worker, "Run background workers only (no API).")
    worker.add_argument(
        "--batch-size", type=int, help="deliveries claimed at once (WorkerOptions: 50)"
    )
    worker.add_argument(
        "--batch-seconds",
        type=float,
        help="how long a batch may run its handlers before it hands back the rest (0.03)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (ConfigError, CommandFailed) as exc:
        print(f"maitred: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        with contextlib.suppress(Exception):
            sys.stderr.write("\n")
        sys.exit(130)
