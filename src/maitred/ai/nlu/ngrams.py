"""The n-grams the classifiers read, the way scikit-learn's `TfidfVectorizer` cuts them
(`char_wb` 2-5 and `word` 1-2 over already normalized text), so that the shipped weights are
applied at run time without scikit-learn (tests/ai/nlu checks the probabilities are its own)."""

from __future__ import annotations

import re
from functools import cache

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def characters(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space on both sides;
    a word shorter than n counts once. Grouped by word, not in scikit-learn's order (the
    classifiers count them, so the order does not matter)."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        if length > high and (low, high) == (2, 5):
            grams.extend(map(padded.__getitem__, _slices(length)))
            continue
        for n in range(low, high + 1):
            if length <= n:
                grams.append(padded)
                break
            grams.extend([padded[i : i + n] for i in range(length - n + 1)])
    return grams


@cache
def _slices(length: int) -> tuple[slice, ...]:
    """Every 2- to 5-character window of a padded word this long (longer than 5)."""
    return tuple(slice(i, i + n) for n in range(2, 6) for i in range(length - n + 1))


def words(text: str, low: int = 1, high: int = 2) -> list[str]:
    """Words of two characters or more, and the runs of up to `high` of them."""
    tokens = _TOKEN.findall(text)
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


ANALYZERS = {"chars": characters, "words": words}
