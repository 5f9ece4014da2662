"""A `maitred worker` killed with SIGKILL mid-batch, again and again: no message is lost and none
is sent twice. The mail server plays a provider that honours idempotency keys: a message sent
again under the Message-ID it already took (the worker died between the provider's "ok" and
recording it) is taken once; the same message under two Message-IDs would be a double send.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.messaging import service as messaging_service
from maitred.messaging.models import Message
from tests.factories import given_organization
from tests.kit.outbox_probe import eventually
from tests.messaging.providers.smtp_server import Mailbox, smtp_server
from tests.messaging.test_killed_mid_send import start_worker

pytestmark = pytest.mark.xdist_group("crash-cycles")

MESSAGES = 40
KILLS = 3


class SlowMailbox(Mailbox):
    """Takes a message every few milliseconds, so that a batch is still being sent when the
    worker is killed; `arrivals` wakes the test at each one."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals = asyncio.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(0.03)
        answer = await super().handle_DATA(server, session, envelope)
        async with self.arrivals:
            self.arrivals.notify_all()
        return answer

    async def until(self, count: int) -> None:
        async with self.arrivals:
            await self.arrivals.wait_for(lambda: len(self.arrived) >= count)


async def statuses(database: Database) -> dict[str, str]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(select(Message).where(Message.channel == "email"))
        return {f"<{m.id}@maitred>": m.status for m in rows}


async def test_a_worker_killed_mid_batch_three_times_loses_and_duplicates_no_message(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    organization = await given_organization(database)
    guests = [f"guest{n}@example.com" for n in range(MESSAGES)]
    async with database.transaction() as session:
        for guest in guests:
            await messaging_service.queue_message(
                session,
                organization.id,
                messaging_service.Outgoing(
                    channel="email", to=guest, subject="Your booking", body_text="See you!"
                ),
            )
    mailbox = SlowMailbox()
    log_path = tmp_path / "worker.log"
    processes: list[asyncio.subprocess.Process] = []

    async def all_sent() -> bool:
        return set((await statuses(database)).values()) == {"sent"}

    async with smtp_server(mailbox=mailbox) as (port, _):
        with log_path.open("wb") as log:
            try:
                for kill in range(1, KILLS + 1):
                    worker = await start_worker(settings, port, log)
                    processes.append(worker)
                    # Mid-batch: some of this run's messages taken, the rest still to send.
                    await asyncio.wait_for(mailbox.until(kill * MESSAGES // 5), timeout=120)
                    worker.send_signal(signal.SIGKILL)
                    assert await worker.wait() == -signal.SIGKILL
                    assert not await all_sent()
                last = await start_worker(settings, port, log)
                processes.append(last)
                await eventually(all_sent, within=120)
                last.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(last.wait(), timeout=30) == 0
            except (AssertionError, TimeoutError) as failure:
                raise AssertionError(
                    f"{failure!r}\nworker output:\n{log_path.read_text()}"
                ) from None
            finally:
                for process in processes:
                    if process.returncode is None:
                        process.kill()
                        await process.wait()

    taken: dict[str, Any] = {}  # Message-ID -> the recipient the provider took it for
    for arrived in mailbox.arrived:
        taken.setdefault(arrived.message["Message-ID"], arrived.rcpt_tos)
    # Every message reached the provider, each under one key: none lost, none sent twice.
    assert set(taken) == set(await statuses(database))
    assert Counter(rcpt for rcpts in taken.values() for rcpt in rcpts) == Counter(guests)
