"""Work the worker does besides outbox deliveries: tables with their own leases (messages to
send, webhooks to deliver), each drained by a poller a domain registers at import.

A poller claims what is due with a lease, does it, records the outcome, and returns how many
items it claimed; 0 means nothing was due. It must be safe with several workers running.

Each says how often it is worth asking while it finds nothing (`every`, seconds): an idle pass
is a write transaction, so a running worker (`Worker.run`) asks an idle poller at most that
often, and a busy one again at once. Messages and webhooks are asked often (a booking's
messages are queued by its deliveries a moment before), housekeeping rarely.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from maitred.config import Settings
from maitred.kit.db import Database

DEFAULT_EVERY = 1.0


@dataclass(frozen=True)
class PollContext:
    database: Database
    worker_id: str  # the lease holder
    settings: Settings


# context -> items claimed
Poller = Callable[[PollContext], Awaitable[int]]


@dataclass(frozen=True)
class Registered:
    name: str
    poll: Poller
    every: float  # seconds between two passes of an idle poller


_pollers: dict[str, Registered] = {}


def poller(name: str, *, every: float = DEFAULT_EVERY) -> Callable[[Poller], Poller]:
    def register(function: Poller) -> Poller:
        _pollers[name] = Registered(name, function, every)
        return function

    return register


def registered() -> list[Registered]:
    return sorted(_pollers.values(), key=lambda found: found.name)
