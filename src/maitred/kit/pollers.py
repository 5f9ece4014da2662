"""Work the worker does besides outbox deliveries: tables with their own leases (messages to
send, webhooks to deliver), each drained by a poller a domain registers at import.

A poller claims what is due with a lease, does it, records the outcome, and returns how many
items it claimed; 0 means nothing was due. It must be safe with several workers running.

An idle process should cost next to nothing: each poller says how soon it is worth asking
again once it found nothing (`every`, seconds), and a running worker (`Worker.run`) doubles
that wait after each idle pass up to `longest`; a pass that finds work makes it ask again at
once and starts the doubling afresh. So work that comes due by itself (a retry at T, a lapsed
lease) is taken by T + `longest` at the latest, and work queued by this process is taken at
once: the transaction that queues it says `wake(session, name)`, and the worker asks that
poller as soon as the transaction commits. Work queued by another process (several API
processes on PostgreSQL) waits at most `longest`. Most pollers claim through
kit/leases.py `claim_due`, whose idle pass is one cheap read and no write transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.kit.db import WAKE_POLLERS, Database

DEFAULT_EVERY = 1.0
DEFAULT_LONGEST = 8.0


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
    every: float  # seconds before an idle poller is asked again, doubled each idle pass
    longest: float = DEFAULT_LONGEST  # the doubling's cap (never below `every`)

    @property
    def cap(self) -> float:
        return max(self.every, self.longest)


_pollers: dict[str, Registered] = {}


def poller(
    name: str, *, every: float = DEFAULT_EVERY, longest: float = DEFAULT_LONGEST
) -> Callable[[Poller], Poller]:
    def register(function: Poller) -> Poller:
        _pollers[name] = Registered(name, function, every, longest)
        return function

    return register


def registered() -> list[Registered]:
    return sorted(_pollers.values(), key=lambda found: found.name)


def wake(session: AsyncSession, *names: str) -> None:
    """This unit of work queues work for the pollers `names`: once it commits, this process's
    worker asks them at once instead of at the end of their idle wait."""
    session.info.setdefault(WAKE_POLLERS, set()).update(names)
