"""The intent and the language of a message: linear classifiers over character (and word)
n-grams, trained when first used (well under a second) on the examples shipped beside this
file (`examples.txt`).

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
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from maitred.ai.nlu.types import INTENTS

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


def examples() -> list[Example]:
    text = resources.files("maitred.ai.nlu").joinpath("examples.txt").read_text("utf-8")
    found: list[Example] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        intent, language, utterance = line.split("\t", 2)
        if intent not in INTENTS:
            raise ValueError(f"unknown intent {intent!r} in examples.txt")
        found.append(Example(intent, language, utterance))
    return found


def train(texts: list[str], labels: list[str], *, words: bool = True) -> Pipeline:
    """Character n-grams, and word n-grams with `words`, into a logistic regression."""
    parts: list[tuple[str, TfidfVectorizer]] = [
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
    ]
    if words:
        parts.append(
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True))
        )
    model = Pipeline(
        [("features", FeatureUnion(parts)), ("classify", LogisticRegression(C=20.0, max_iter=2000))]
    )
    model.fit([normalize(t) for t in texts], labels)
    return model


class _Linear:
    """The trained pipeline's arithmetic without scikit-learn's per-call checks: n-grams looked
    up in the fitted vocabularies, sublinear tf × idf, l2-normalized, then the linear model and a
    softmax. The same numbers as `predict_proba` (tests/ai/nlu checks), a tenth of the time."""

    def __init__(self, model: Pipeline) -> None:
        features: FeatureUnion = model.named_steps["features"]
        classifier: LogisticRegression = model.named_steps["classify"]
        self.classes = [str(c) for c in classifier.classes_]
        self.parts: list[tuple[Callable[[str], list[str]], dict[str, int], np.ndarray, np.ndarray]]
        self.parts = []
        coefficients, self.intercept = classifier.coef_, classifier.intercept_
        if len(self.classes) == 2:  # one logit for the second class: softmax([0, z]) is sigmoid
            coefficients = np.vstack([np.zeros_like(coefficients), coefficients])
            self.intercept = np.concatenate([[0.0], self.intercept])
        offset = 0
        for _, vectorizer in features.transformer_list:
            width = len(vectorizer.vocabulary_)
            self.parts.append(
                (
                    vectorizer.build_analyzer(),
                    vectorizer.vocabulary_,
                    vectorizer.idf_,
                    coefficients[:, offset : offset + width],
                )
            )
            offset += width

    def probabilities(self, text: str) -> np.ndarray:
        scores = self.intercept.copy()
        for analyze, vocabulary, idf, coef in self.parts:
            counts: dict[int, int] = {}
            for gram in analyze(text):
                column = vocabulary.get(gram)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float))) * idf[columns]
            weights /= np.sqrt(weights @ weights)
            scores = scores + coef[:, columns] @ weights
        exp = np.exp(scores - scores.max())
        return np.asarray(exp / exp.sum())


@cache
def _intent_model() -> _Linear:
    with _LOCK:
        taught = examples()
        return _Linear(train([e.text for e in taught], [e.intent for e in taught]))


@cache
def _language_model() -> _Linear:
    with _LOCK:
        taught = examples()
        return _Linear(train([e.text for e in taught], [e.language for e in taught], words=False))


def _best(model: _Linear, text: str) -> Guess:
    probabilities = model.probabilities(normalize(text))
    best = int(np.argmax(probabilities))
    return Guess(model.classes[best], float(probabilities[best]))


def classify(text: str) -> Guess:
    """The intent, and how sure the classifier is of it."""
    return _best(_intent_model(), text)


def language(text: str) -> Guess:
    """English or Spanish, read by the same kind of classifier from the same examples' labels."""
    return _best(_language_model(), text)
