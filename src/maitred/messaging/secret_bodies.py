"""Messages that carry a secret (a password-reset or invitation link).

Such a message is an account's, not an organization's: it goes out only through the instance's
own channel (an organization's channel settings could point at a relay its admin reads), its body
is never logged, and staff read it in history only where the sender allowed it (development,
where the console provider's history is how a developer gets the link). In production its body
is erased once it is sent: the link lives on only in the recipient's mailbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maitred.config import Environment, Settings

if TYPE_CHECKING:
    from maitred.messaging.models import Message

from maitred.kit.letters import READABLE, SECRET

WITHHELD = "[withheld: this message carries a one-time link for its recipient only]"


def holds_secret(message: Message) -> bool:
    return bool((message.meta or {}).get(SECRET))


def visible_body(message: Message) -> str:
    """The body as staff may read it in history and the inbox."""
    if holds_secret(message) and not (message.meta or {}).get(READABLE):
        return WITHHELD
    return message.body_text


def erased_once_sent(message: Message, settings: Settings) -> bool:
    """Whether the body goes once the message is sent (it is then WITHHELD, and no HTML)."""
    return holds_secret(message) and settings.env is Environment.production
