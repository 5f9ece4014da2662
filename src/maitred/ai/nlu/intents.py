"""The intent and the language of a message: linear classifiers over character (and word)
n-grams, trained on the examples shipped beside this file (`examples.txt`) by
`python -m maitred.ai.nlu.build`, which writes what they learned to `classifiers.npz`; this
module only loads that file (milliseconds) and does the arithmetic.

Character n-grams read typos and Spanish accents the way they are written ("resevation",
"cancelar"); word n-grams read the phrases ("ignore previous instructions"). Measured against a
small sentence-embedding model in bench/README.md: as accurate on our set, a fraction of the size
and time.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from maitred.ai.nlu.ngrams import ANALYZERS
from maitred.ai.nlu.types import INTENTS

MODEL_FILE = resources.files("maitred.ai.nlu").joinpath("classifiers.npz")
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Guess:
    label: str  # an intent or a language
    confidence: float


def normalize(text: str) -> str:
    """Lower case without accents: "Sábado" and "sabado" are one word to the classifier."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Example:
    intent: str
    language: str
    text: str


def examples_text() -> str:
    return resources.files("maitred.ai.nlu").joinpath("examples.txt").read_text("utf-8")


def examples() -> list[Example]:
    found: list[Example] = []
    for line in examples_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        intent, language, utterance = line.split("\t", 2)
        if intent not in INTENTS:
            raise ValueError(f"unknown intent {intent!r} in examples.txt")
        found.append(Example(intent, language, utterance))
    return found


class Linear:
    """A trained classifier's arithmetic: n-grams looked up in the fitted vocabularies,
    sublinear tf × idf, l2-normalized per n-gram kind, then the linear model and a softmax
    (scikit-learn's `predict_proba` for the same pipeline; tests/ai/nlu checks)."""

    def __init__(self, stored: np.lib.npyio.NpzFile, name: str) -> None:
        self.classes = [str(c) for c in stored[f"{name}.classes"]]
        self.intercept = stored[f"{name}.intercept"]
        self.parts: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray]] = []
        for part in stored[f"{name}.parts"]:
            vocabulary = stored[f"{name}.{part}.vocabulary"].tolist()
            idf = stored[f"{name}.{part}.idf"].astype(np.float64)
            # Weights and idf side by side: one gather per part and call.
            weighted = stored[f"{name}.{part}.weights"].astype(np.float64)
            self.parts.append(
                (
                    ANALYZERS[str(part)],
                    dict(zip(vocabulary, range(len(vocabulary)), strict=True)),
                    np.hstack([weighted, idf[:, None]]),
                )
            )

    def probabilities(self, text: str) -> np.ndarray:
        scores = self.intercept.copy()
        for analyze, vocabulary, table in self.parts:
            counts: dict[int, int] = {}
            for gram in analyze(text):
                column = vocabulary.get(gram)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            rows = table[np.fromiter(counts, dtype=np.intp, count=len(counts))]
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float))) * rows[:, -1]
            weights /= np.sqrt(weights @ weights)
            scores = scores + weights @ rows[:, :-1]
        exp = np.exp(scores - scores.max())
        return np.asarray(exp / exp.sum())


@cache
def _models() -> dict[str, Linear]:
    with _LOCK, MODEL_FILE.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        return {name: Linear(stored, name) for name in ("intent", "language")}


def model_sha256() -> str:
    """The SHA-256 of the examples the shipped classifiers were trained on."""
    with MODEL_FILE.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        return str(stored["examples_sha256"])


def _best(model: Linear, text: str) -> Guess:
    probabilities = model.probabilities(normalize(text).lower())
    best = int(np.argmax(probabilities))
    return Guess(model.classes[best], float(probabilities[best]))


def classify(text: str) -> Guess:
    """The intent, and how sure the classifier is of it."""
    return _best(_models()["intent"], text)


def language(text: str) -> Guess:
    """English or Spanish, read by the same kind of classifier from the same examples' labels."""
    return _best(_models()["language"], text)
