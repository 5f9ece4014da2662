"""A `maitred worker` process killed while a mail server is still taking a message: nothing is
lost and nothing arrives twice. The mail server stalls at RCPT until the kill (the message is
not accepted yet), then a second worker process resends what the first one held once its lease
lapses."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.messaging import service as messaging_service
from maitred.messaging.models import Message
from tests.factories import given_organization
from tests.kit.outbox_probe import PROJECT_ROOT, eventually
from tests.messaging.providers.smtp_server import Mailbox, smtp_server

GUESTS = [f"guest{n}@example.com" for n in range(5)]


class StallingMailbox(Mailbox):
    """Holds the first recipient it is given until the connection goes away."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = asyncio.Event()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if not self.stalled.is_set():
            self.stalled.set()
            await asyncio.Event().wait()  # never answers; ends when the worker's socket closes
        return await super().handle_RCPT(server, session, envelope, address, options)


async def start_worker(settings: Settings, smtp_port: int, log: Any) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "maitred",
        "worker",
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "MAITRED_DATABASE_URL": settings.database_url,
            "MAITRED_DATA_DIR": str(settings.data_dir),
            "MAITRED_SECRET_KEY": settings.secret_key,  # the key the contacts were sealed with
            "MAITRED_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MAITRED_MESSAGE_LEASE_SECONDS": "2",
            "MAITRED_OUTBOX_POLL_SECONDS": "0.1",
            "MAITRED_LOG_LEVEL": "WARNING",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def statuses(database: Database) -> dict[str, tuple[str, int]]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(select(Message).where(Message.channel == "email"))
        return {m.contact: (m.status, m.attempts) for m in rows}


async def test_a_worker_killed_mid_send_loses_and_duplicates_no_email(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    organization = await given_organization(database)
    async with database.transaction() as session:
        for guest in GUESTS:
            await messaging_service.queue_message(
                session,
                organization.id,
                messaging_service.Outgoing(
                    channel="email", to=guest, subject="Your booking", body_text="See you!"
                ),
            )
    mailbox = StallingMailbox()
    log_path = tmp_path / "worker.log"
    processes: list[asyncio.subprocess.Process] = []

    async def all_sent() -> bool:
        return {status for status, _ in (await statuses(database)).values()} == {"sent"}

    async with smtp_server(mailbox=mailbox) as (port, _):
        with log_path.open("wb") as log:
            try:
                killed = await start_worker(settings, port, log)
                processes.append(killed)
                await asyncio.wait_for(mailbox.stalled.wait(), timeout=30)
                during = await statuses(database)
                killed.send_signal(signal.SIGKILL)
                assert await killed.wait() == -signal.SIGKILL

                restarted = await start_worker(settings, port, log)
                processes.append(restarted)
                await eventually(all_sent, within=30)
                restarted.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(restarted.wait(), timeout=10) == 0
            except (AssertionError, TimeoutError) as failure:
                raise AssertionError(
                    f"{failure!r}\nworker output:\n{log_path.read_text()}"
                ) from None
            finally:
                for process in processes:
                    if process.returncode is None:
                        process.kill()
                        await process.wait()

    assert {status for status, _ in during.values()} == {"sending"}
    assert sorted(rcpt for arrived in mailbox.arrived for rcpt in arrived.rcpt_tos) == GUESTS
    after = await statuses(database)
    assert sorted(after) == GUESTS
    assert {status for status, _ in after.values()} == {"sent"}
    assert {attempts for _, attempts in after.values()} == {2}  # the dead worker's, and one more
