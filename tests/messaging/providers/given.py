"""What the provider tests share: a message to send, basic auth, a port nobody listens on."""

from __future__ import annotations

import base64
import socket
import uuid
from typing import Any

from maitred.messaging.providers.base import OutgoingMessage


def outgoing(channel: str, to: str, **changes: Any) -> OutgoingMessage:
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "organization_id": uuid.uuid4(),
        "channel": channel,
        "to": to,
        "to_name": "",
        "subject": "",
        "body_text": "Your hibachi dinner on Sat 7:00 PM is confirmed. Reply STOP to opt out.",
        "body_html": None,
    }
    return OutgoingMessage(**(fields | changes))


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def closed_port() -> int:
    """A local port that refuses connections (bound once, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
