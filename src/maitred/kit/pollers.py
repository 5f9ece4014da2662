"""Work the worker does besides outbox deliveries: tables with their own leases (messages to
send, webhooks to deliver), each drained by a poller a domain registers at import.

A poller claims what is due with a lease, does it, records the outcome, and returns how many
items it claimed; 0 means nothing was due. It must be safe with several workers running.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from maitred.config import Settings
from maitred.kit.db import Database


@dataclass(frozen=True)
class PollContext:
    database: Database
    worker_id: str  # the lease holder
    settings: Settings


# context -> items claimed
Poller = Callable[[PollContext], Awaitable[int]]
_pollers: dict[str, Poller] = {}


def poller(name: str) -> Callable[[Poller], Poller]:
    def register(function: Poller) -> Poller:
        _pollers[name] = function
        return function

    return register


def registered() -> list[tuple[str, Poller]]:
    return sorted(_pollers.items())
