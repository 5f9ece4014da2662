"""Which language a message is in, among the organization's.

The examples that teach the intent classifier are labelled with their language too, so the same
kind of classifier tells English from Spanish, in a few hundred kilobytes (a general detector
such as py3langid held ~100 MB for its 97 languages). A language it was not taught is never
answered; short messages that it is unsure of ("ok", "Folsom") are read as the organization's
first language.
"""

from __future__ import annotations

from maitred.ai.nlu.intents import Guess
from maitred.ai.nlu.intents import language as classify_language

_SPANISH_MARKS = frozenset("ñ¿¡áéíóú")


def detect(text: str, languages: tuple[str, ...], guess: Guess | None = None) -> str:
    """`guess`: the classifier's, when the caller has read the text already."""
    if len(languages) == 1:
        return languages[0]
    if "es" in languages and not _SPANISH_MARKS.isdisjoint(text.lower()):
        return "es"
    guess = guess or classify_language(text)
    if guess.label not in languages or (guess.confidence < 0.7 and len(text.split()) <= 2):
        return languages[0]
    return guess.label
