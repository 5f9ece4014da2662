"""The offline understanding engine (issue 19): intent, language and slots of one message."""

from maitred.ai.nlu.sentiment import sentiment
from maitred.ai.nlu.service import context_for_organization, understand_for_organization
from maitred.ai.nlu.types import INTENTS, SLOTS, TOPICS, NluContext, Understanding
from maitred.ai.nlu.understand import understand

__all__ = [
    "INTENTS",
    "SLOTS",
    "TOPICS",
    "NluContext",
    "Understanding",
    "context_for_organization",
    "sentiment",
    "understand",
    "understand_for_organization",
]
