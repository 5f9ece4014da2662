"""The live inbox: new inbound messages pushed to the staff sockets of their organization.

A `message.received` outbox handler publishes after the message committed, from whichever
process runs the worker. Without Redis it hands the event to this process's sockets, which
reaches everyone when the worker is embedded in the API process (the SQLite default). With
`MAITRED_REDIS_URL` it publishes on a Redis channel instead, and every API process relays that
channel to its own sockets (one subscription per process, open while any socket is), so sockets
on any process hear of messages stored through any other.

A push is a hint to refresh, not the record: a client that was away reads the inbox API. A
socket that cannot keep up loses pushes rather than holding memory for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import orjson
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import load_settings
from maitred.kit import outbox
from maitred.kit.outbox import Event
from maitred.messaging.inbox import message_view
from maitred.messaging.inbox_schemas import MessageRead
from maitred.messaging.models import Message

log = logging.getLogger("maitred.realtime")
CHANNEL = "maitred:inbox"
QUEUE_SIZE = 100
SUBSCRIBE_WAIT_SECONDS = 2.0
RETRY_SECONDS = 1.0

Push = dict[str, Any]


class InboxHub:
    """This process's open inbox sockets by organization, and its Redis relay."""

    def __init__(self) -> None:
        self._queues: defaultdict[uuid.UUID, set[asyncio.Queue[Push]]] = defaultdict(set)
        self._relay: asyncio.Task[None] | None = None
        self._relay_ready = asyncio.Event()

    def deliver(self, organization_id: uuid.UUID, push: Push) -> None:
        for queue in list(self._queues.get(organization_id, ())):
            try:
                queue.put_nowait(push)
            except asyncio.QueueFull:
                log.warning(
                    "an inbox socket of %s is not keeping up; push dropped", organization_id
                )

    @contextlib.asynccontextmanager
    async def listen(
        self, organization_id: uuid.UUID, *, redis_url: str = ""
    ) -> AsyncIterator[asyncio.Queue[Push]]:
        """A queue of the organization's pushes while the block runs."""
        queue: asyncio.Queue[Push] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues[organization_id].add(queue)
        try:
            if redis_url:
                await self._start_relay(redis_url)
            yield queue
        finally:
            self._queues[organization_id].discard(queue)
            if not self._queues[organization_id]:
                del self._queues[organization_id]
            if not self._queues and self._relay is not None:
                self._relay.cancel()
                self._relay = None

    async def _start_relay(self, redis_url: str) -> None:
        if self._relay is None or self._relay.done():
            self._relay_ready = asyncio.Event()
            self._relay = asyncio.create_task(self._run_relay(redis_url), name="inbox-relay")
        with contextlib.suppress(TimeoutError):  # Redis down: the socket works, pushes wait
            await asyncio.wait_for(self._relay_ready.wait(), SUBSCRIBE_WAIT_SECONDS)

    async def _run_relay(self, redis_url: str) -> None:
        while True:
            try:
                client = Redis.from_url(redis_url)
                try:
                    async with client.pubsub() as pubsub:
                        await pubsub.subscribe(CHANNEL)
                        async for item in pubsub.listen():
                            if item["type"] == "subscribe":
                                self._relay_ready.set()
                            elif item["type"] == "message":
                                self._relay_item(item["data"])
                finally:
                    await client.aclose()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("inbox relay lost Redis (%s); reconnecting", exc)
            await asyncio.sleep(RETRY_SECONDS)

    def _relay_item(self, data: bytes) -> None:
        try:
            envelope = orjson.loads(data)
            self.deliver(uuid.UUID(envelope["organization_id"]), envelope["push"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            log.warning("ignored a malformed inbox relay message")


hub = InboxHub()


async def publish(organization_id: uuid.UUID, push: Push, *, redis_url: str) -> None:
    """To every process's sockets through Redis, or to this process's without it; `push` is
    plain JSON data."""
    if not redis_url:
        hub.deliver(organization_id, push)
        return
    envelope = orjson.dumps({"organization_id": str(organization_id), "push": push})
    client = Redis.from_url(redis_url)
    try:
        await client.publish(CHANNEL, envelope)
    finally:
        await client.aclose()


@outbox.on("message.received", name="messaging.inbox_push")
async def push_received(session: AsyncSession, event: Event) -> None:
    """Runs in the worker, which has no app: Redis comes from the environment, as the API
    processes' does. A failed publish is retried by the outbox."""
    message = await session.get(Message, uuid.UUID(str(event.payload["message_id"])))
    if message is None or message.organization_id != event.organization_id:
        return
    shown = MessageRead.model_validate(message_view(message)).model_dump(mode="json")
    push = {"type": "message.received", "message": shown}  # as GET /messages/inbox shows it
    await publish(message.organization_id, push, redis_url=load_settings().redis_url)
