"""An inbound message's sentiment, scored as it arrives (-1 upset to 1 happy) and kept in its
`meta`, so the inbox, its live push and the assistant all see the same figure at once.

The scorer is installed by the package that has one (the assistant's, ai/events.py): messaging
does not depend on it, and without one messages simply carry no score."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Scorer = Callable[[str], float]
_scorer: Scorer | None = None


def install_sentiment(scorer: Scorer) -> None:
    global _scorer
    _scorer = scorer


def scored(meta: dict[str, Any] | None, body: str) -> dict[str, Any]:
    """`meta` with the body's sentiment, when a scorer is installed and there is text."""
    found = dict(meta or {})
    if _scorer is not None and body.strip():
        found["sentiment"] = round(_scorer(body), 4)
    return found
