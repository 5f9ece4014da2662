"""The intent of a message: a linear classifier over character and word n-grams, trained when
first used (well under a second) on the examples shipped beside this file.

Character n-grams read typos and Spanish accents the way they are written ("resevation",
"cancelar"); word n-grams read the phrases ("ignore previous instructions"). Measured against a
small sentence-embedding model in bench/README.md: as accurate on our set, a fraction of the size
and time.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from maitred.ai.nlu.types import INTENTS

_LOCK = threading.Lock()


@dataclass(frozen=True)
class Guess:
    intent: str
    confidence: float


def normalize(text: str) -> str:
    """Lower case without accents: "Sábado" and "sabado" are one word to the classifier."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def examples() -> list[tuple[str, str]]:
    text = resources.files("maitred.ai.nlu").joinpath("intent_examples.txt").read_text("utf-8")
    pairs: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        intent, utterance = line.split("\t", 1)
        if intent not in INTENTS:
            raise ValueError(f"unknown intent {intent!r} in intent_examples.txt")
        pairs.append((intent, utterance))
    return pairs


def train(pairs: list[tuple[str, str]]) -> Pipeline:
    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )
    model = Pipeline(
        [("features", features), ("classify", LogisticRegression(C=20.0, max_iter=2000))]
    )
    model.fit([normalize(u) for _, u in pairs], [i for i, _ in pairs])
    return model


@cache
def _model() -> Pipeline:
    with _LOCK:
        return train(examples())


def classify(text: str) -> Guess:
    model = _model()
    probabilities = model.predict_proba([normalize(text)])[0]
    best = int(np.argmax(probabilities))
    return Guess(str(model.classes_[best]), float(probabilities[best]))
