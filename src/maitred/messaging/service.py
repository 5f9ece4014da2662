"""Messaging as other domains use it: queue a message (the worker sends it)."""

from maitred.kit.letters import Outgoing, secret_meta
from maitred.messaging.drafts import message_text, send_draft
from maitred.messaging.history import HistoryFilters, outbound_history
from maitred.messaging.queue import conversation_for, queue_message
from maitred.messaging.queue_known import queue_to_customer, queued_together
from maitred.messaging.received import Received, received_message
from maitred.messaging.scoring import install_sentiment
from maitred.messaging.secret_bodies import visible_body
from maitred.messaging.unsubscribe import record_opt_out, unsubscribe

__all__ = [
    "HistoryFilters",
    "install_sentiment",
    "Outgoing",
    "message_text",
    "conversation_for",
    "outbound_history",
    "queue_message",
    "queue_to_customer",
    "queued_together",
    "Received",
    "received_message",
    "record_opt_out",
    "send_draft",
    "secret_meta",
    "unsubscribe",
    "visible_body",
]
