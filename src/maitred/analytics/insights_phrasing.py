"""The insights phrased by the organization's language model when one is configured (its AI
settings or the server's key), as seed 004's "AI-powered insights".

The model only rewords: it gets the rule texts (never customers' data), and a phrasing that
drops or changes one of the numbers of its finding is not used, that finding keeps its rule
text. Any failure of the model (network, 429, malformed answer) keeps all the rule texts."""

from __future__ import annotations

import json
import re
import uuid

import openai
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai.concierge import choose_engine
from maitred.ai.engines.openai_compatible import LlmEngine
from maitred.config import Settings

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
INSTRUCTIONS = (
    "You help the owner of a small catering business read their figures. Rewrite each finding "
    "of the JSON array you are given as one short, plain, friendly sentence in {language}. "
    "Keep every number and date exactly as written. Answer with only a JSON array of strings, "
    "one per finding, in the same order."
)


def _keeps_numbers(rule: str, phrased: str) -> bool:
    return all(number in phrased for number in _NUMBER.findall(rule))


async def phrased(
    session: AsyncSession,
    organization_id: uuid.UUID,
    settings: Settings,
    messages: list[str],
    language: str,
) -> list[str] | None:
    """The messages reworded by the model, or None when there is no model or it failed."""
    if not messages:
        return None
    engine, _, _ = await choose_engine(session, organization_id, settings)
    if not isinstance(engine, LlmEngine):
        return None
    try:
        completion = await engine.client.chat.completions.create(
            model=engine.endpoint.model,
            messages=[
                {
                    "role": "system",
                    "content": INSTRUCTIONS.format(
                        language=LANGUAGE_NAMES.get(language, "English")
                    ),
                },
                {"role": "user", "content": json.dumps(messages, ensure_ascii=False)},
            ],
        )
        answer = json.loads(completion.choices[0].message.content or "")
    except (openai.OpenAIError, ValueError):
        return None
    if not isinstance(answer, list) or len(answer) != len(messages):
        return None
    return [
        new.strip() if isinstance(new, str) and new.strip() and _keeps_numbers(rule, new) else rule
        for rule, new in zip(messages, answer, strict=True)
    ]
