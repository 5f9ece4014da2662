"""HTTP load benchmark: maitred's endpoints next to bare "ceiling" endpoints, in one run.

Why: req/s on their own depend on the machine. Served the same way (uvicorn, one worker, the same
wrk connections, the same database file) and measured in the same run, a bare FastAPI endpoint
and a raw-driver read show what the hardware, uvicorn and the driver allow; the ratio of maitred
to them is what maitred's own layers cost, and it can be compared across machines and commits.

    .venv/bin/python bench/run.py            # full: 10 s per endpoint after a 2 s warm-up
    .venv/bin/python bench/run.py --quick    # a few seconds per endpoint

See bench/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import hostinfo
import loadgen
import servers
from loadgen import LoadError, LoadSettings, Measurement
from servers import Organization, Server, ServerError

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
HEALTH_GOAL = 0.70
READ_GOAL = 0.50
AUTH_GOAL = 0.40
# Raw-driver connections for the read ceiling: one aiosqlite connection (its thread serves
# queued queries back to back; more threads only contend for the GIL), maitred's own pool size
# for asyncpg (each connection has one query in flight at a time).
CEILING_POOL_SIZE = {"aiosqlite": 1, "asyncpg": 10}
OTHER_CPU_WARNING = 0.15


@dataclass(frozen=True)
class Endpoint:
    label: str
    server: str  # "maitred" or "ceilings"
    method: str
    path: str
    ceiling: str | None = None  # label of the row this one is compared with
    goal: float | None = None  # the ratio to that ceiling we aim for
    headers: dict[str, str] = field(default_factory=dict)  # sent with every request
    # The ceiling answers only some of maitred's keys (then only those are compared).
    ceiling_keys_subset: bool = False


@dataclass(frozen=True)
class Row:
    endpoint: Endpoint
    measurement: Measurement
    # CPU seconds used per second measured (1.0 = one core busy): by the server under load, by
    # wrk, and by everything else on the machine (what skews a run when it is not near zero).
    server_cpu: float
    wrk_cpu: float
    other_cpu: float
    wrk_report: str


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up (2)")
    parser.add_argument("--quick", action="store_true", help="3 s per endpoint, 1 s warm-up")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="postgresql://… to measure on PostgreSQL (rows are inserted into it); "
        "default: a fresh SQLite file in a temporary directory",
    )
    parser.add_argument(
        "--ceiling-pool-size",
        type=int,
        default=None,
        help="raw-driver read connections (1 on SQLite, 10 on PostgreSQL)",
    )
    parser.add_argument(
        "--only", action="append", default=[], help="run rows whose label contains this"
    )
    parser.add_argument("--output", type=Path, default=None, help="JSON file to write")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    if args.ceiling_pool_size is None:
        args.ceiling_pool_size = CEILING_POOL_SIZE["asyncpg" if args.database_url else "aiosqlite"]
    return args


def build_plan(organization: Organization, driver: str, access_token: str) -> list[Endpoint]:
    """The rows, in the order they run; inserts last, so reads see the table as created."""
    bare_json = "ceiling: bare FastAPI JSON"
    raw_read = f"ceiling: raw {driver} read by id"
    raw_auth = f"ceiling: raw JWT check + {driver} user read"
    public = "/api/v1/public/organizations"
    bearer = {"Authorization": f"Bearer {access_token}"}
    return [
        Endpoint(bare_json, "ceilings", "GET", "/health"),
        Endpoint("maitred GET /health", "maitred", "GET", "/health", bare_json, HEALTH_GOAL),
        Endpoint(raw_read, "ceilings", "GET", f"/raw/organizations/{organization.id}"),
        Endpoint(
            f"maitred GET {public}/{{slug}}",
            "maitred",
            "GET",
            f"{public}/{organization.slug}",
            raw_read,
            READ_GOAL,
        ),
        Endpoint(
            f"maitred GET {public}/{{id}}",
            "maitred",
            "GET",
            f"{public}/{organization.id}",
            raw_read,
            READ_GOAL,
        ),
        Endpoint(raw_auth, "ceilings", "GET", "/raw/auth/me", headers=bearer),
        Endpoint(
            "maitred GET /api/v1/auth/me",
            "maitred",
            "GET",
            "/api/v1/auth/me",
            raw_auth,
            AUTH_GOAL,
            headers=bearer,
            ceiling_keys_subset=True,
        ),
        Endpoint(f"ceiling: raw {driver} insert", "ceilings", "POST", "/raw/organizations"),
    ]


def select_rows(plan: list[Endpoint], parts: list[str]) -> list[Endpoint]:
    """The rows whose label contains one of `parts`, with the ceilings they are compared to."""
    chosen = {e.label for e in plan if any(part in e.label for part in parts)}
    chosen |= {e.ceiling for e in plan if e.label in chosen and e.ceiling}
    return [e for e in plan if e.label in chosen]


def check_answers(plan: list[Endpoint], urls: dict[str, str]) -> list[str]:
    """One request per endpoint before any load: each must succeed, and maitred must answer
    what its ceiling answers (same /health keys, same organization). Returns warnings."""
    bodies: dict[str, Any] = {}
    for endpoint in plan:
        status, body = servers.fetch(
            urls[endpoint.server] + endpoint.path, endpoint.method, headers=endpoint.headers
        )
        if status not in (200, 201):
            raise ServerError(f"{endpoint.label}: HTTP {status} {body}")
        bodies[endpoint.label] = body
    warnings = []
    for endpoint in plan:
        if endpoint.ceiling not in bodies:
            continue
        mine, theirs = bodies[endpoint.label], bodies[endpoint.ceiling]
        if "/health" in endpoint.path and mine.get("status") != "healthy":
            warnings.append(f"{endpoint.label} says {mine.get('status')!r}, not 'healthy'")
        different = theirs.keys() - mine.keys()
        if not endpoint.ceiling_keys_subset:
            different |= mine.keys() - theirs.keys()
        if different:
            warnings.append(
                f"{endpoint.label} and its ceiling answer different keys: "
                f"{sorted(different)} (update bench/ceilings.py)"
            )
        if "role" in theirs and mine.get("role") != theirs["role"]:
            raise ServerError(f"{endpoint.label}: role {mine.get('role')}, not {theirs['role']}")
        if "id" in theirs and mine.get("id") != theirs["id"]:
            raise ServerError(f"{endpoint.label} read {mine.get('id')}, not {theirs['id']}")
    return warnings


def cpu_counters(server: Server) -> tuple[float, float, float]:
    """CPU seconds so far of the server, of wrk runs that ended, and of the whole machine."""
    return server.cpu_seconds(), hostinfo.children_cpu_seconds(), hostinfo.busy_cpu_seconds()


def measure(wrk: str, endpoint: Endpoint, server: Server, args: argparse.Namespace) -> Row:
    url = server.base_url + endpoint.path
    print(f"  {endpoint.label} … ", end="", flush=True)
    if args.warmup > 0:
        warmup = LoadSettings(args.warmup, args.connections, args.threads)
        loadgen.run_wrk(wrk, url, endpoint.method, warmup, endpoint.headers)
    load = LoadSettings(args.duration, args.connections, args.threads)
    before = cpu_counters(server)
    measurement, report = loadgen.run_wrk(wrk, url, endpoint.method, load, endpoint.headers)
    after = cpu_counters(server)
    server_cpu, wrk_cpu, busy = (
        (a - b) / measurement.seconds for a, b in zip(after, before, strict=True)
    )
    print(f"{measurement.requests_per_s:,.0f} req/s", flush=True)
    return Row(
        endpoint,
        measurement,
        server_cpu=round(server_cpu, 2),
        wrk_cpu=round(wrk_cpu, 2),
        other_cpu=round(max(busy - server_cpu - wrk_cpu, 0.0), 2),
        wrk_report=report,
    )


def ratio(row: Row, by_label: dict[str, Row]) -> float | None:
    ceiling = by_label.get(row.endpoint.ceiling or "")
    if ceiling is None or ceiling.measurement.requests_per_s == 0:
        return None
    return row.measurement.requests_per_s / ceiling.measurement.requests_per_s


def table_cells(row: Row, by_label: dict[str, Row]) -> list[str]:
    m, share, goal = row.measurement, ratio(row, by_label), row.endpoint.goal
    verdict = "" if share is None or goal is None else (" ✓" if share >= goal else " ✗")
    return [
        row.endpoint.label,
        f"{m.requests_per_s:,.0f}",
        f"{m.p50_ms:.2f}",
        f"{m.p99_ms:.2f}",
        (row.endpoint.ceiling or "").removeprefix("ceiling: "),
        "" if share is None else f"{share:.0%}{verdict}",
        "" if goal is None else f"≥ {goal:.0%}",
        f"{row.server_cpu:.0%}",
        f"{row.other_cpu:.0%}",
        str(m.non_2xx + m.socket_errors),
    ]


def markdown(header: list[str], body: list[list[str]], right: set[int]) -> str:
    """An aligned Markdown table; columns in `right` are right-aligned (numbers)."""
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = (
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "| " + " | ".join(padded) + " |"

    rules = ("-" * (w + 1) + ":" if i in right else "-" * (w + 2) for i, w in enumerate(widths))
    return "\n".join([line(header), "|" + "|".join(rules) + "|", *map(line, body)])


def table(rows: list[Row]) -> str:
    """The results, readable as is and pasteable into bench/README.md."""
    by_label = {row.endpoint.label: row for row in rows}
    header = ["endpoint", "req/s", "p50 ms", "p99 ms", "ceiling", "ratio", "goal"]
    header += ["server CPU", "other CPU", "errors"]
    body = [table_cells(row, by_label) for row in rows]
    return markdown(header, body, right={1, 2, 3, 5, 7, 8, 9})


def write_results(
    path: Path, args: argparse.Namespace, machine: dict[str, Any], rows: list[Row]
) -> None:
    by_label = {row.endpoint.label: row for row in rows}
    results = [
        {
            "endpoint": row.endpoint.label,
            "server": row.endpoint.server,
            "method": row.endpoint.method,
            "path": row.endpoint.path,
            "headers": sorted(row.endpoint.headers),  # names only: no token in the file
            **row.measurement.as_dict(),
            "server_cpu": row.server_cpu,
            "wrk_cpu": row.wrk_cpu,
            "other_cpu": row.other_cpu,
            "ceiling": row.endpoint.ceiling,
            "ratio": ratio(row, by_label),
            "goal": row.endpoint.goal,
            "wrk_report": row.wrk_report,
        }
        for row in rows
    ]
    document = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "wrk_threads": args.threads,
            "ceiling_pool_size": args.ceiling_pool_size,
        },
        "machine": machine,
        "results": results,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def sqlite_or_given(args: argparse.Namespace, workdir: Path) -> tuple[str, str]:
    """The database URL both servers use, and the raw driver the ceilings read it with."""
    if args.database_url:
        return args.database_url, "asyncpg"
    return f"sqlite:///{workdir / 'maitred.db'}", "aiosqlite"


def benchmark(
    args: argparse.Namespace, wrk: str, workdir: Path
) -> tuple[dict[str, Any], list[Row]]:
    database_url, driver = sqlite_or_given(args, workdir)
    secret_key = servers.new_secret_key()
    env = servers.maitred_env(workdir, database_url, secret_key)
    organization = servers.create_organization(workdir, env)
    machine = hostinfo.machine_info(wrk, f"{driver} ({database_url.split(':', 1)[0]})")
    hostinfo.print_machine(machine)
    started: list[Server] = []
    with servers.running(started):
        started.append(servers.start_maitred(workdir, env))
        started.append(
            servers.start_ceilings(workdir, database_url, args.ceiling_pool_size, secret_key)
        )
        for server in started:
            servers.wait_until_ready(server, "/health")
        # One sign-in before any load; the token outlives the run (ACCESS_TOKEN_MINUTES).
        plan = build_plan(organization, driver, servers.sign_in(started[0]))
        if args.only:
            plan = select_rows(plan, args.only)
        urls = {server.name: server.base_url for server in started}
        for warning in check_answers(plan, urls):
            print(f"warning: {warning}")
        print(
            f"load: wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency "
            f"(after {args.warmup:g} s of warm-up), one endpoint at a time"
        )
        by_name = {server.name: server for server in started}
        rows = [measure(wrk, e, by_name[e.server], args) for e in plan]
    return machine, rows


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if importlib.util.find_spec("maitred") is None:
        print(
            "bench: maitred is not importable; run with the project's venv: "
            ".venv/bin/python bench/run.py",
            file=sys.stderr,
        )
        return 2
    # Ctrl-C and SIGTERM both unwind through `servers.running`, which stops the servers; SIGINT
    # is set explicitly because a shell starting us in the background leaves it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        wrk = loadgen.ensure_wrk()
        with tempfile.TemporaryDirectory(prefix="maitred-bench-") as tmp:
            machine, rows = benchmark(args, wrk, Path(tmp))
    except (LoadError, ServerError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nbench: interrupted; servers stopped", file=sys.stderr)
        return 130
    print()
    print(table(rows))
    if any(row.other_cpu > OTHER_CPU_WARNING for row in rows):
        print(
            f"\nwarning: other processes used more than {OTHER_CPU_WARNING:.0%} of a CPU during "
            "some rows (column 'other CPU'; a database server on this machine counts there too); "
            "compare figures from quiet runs only"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or RESULTS_DIR / f"http-{stamp}.json"
    write_results(output, args, machine, rows)
    print(f"\nresults: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
