"""The intent and the language of a message: linear classifiers over character (and word)
n-grams, trained on the examples shipped beside this file (`examples.txt`) by
`python -m maitred.ai.nlu.build`, which writes what they learned to `classifiers.npz`; this
module only loads that file (milliseconds) and does the arithmetic.

Character n-grams read typos and Spanish accents the way they are written ("resevation",
"cancelar"); word n-grams read the phrases ("ignore previous instructions"). Measured against a
small sentence-embedding model (all-MiniLM-L6-v2) in bench/README.md: more accurate on the
utterances neither was taught (98.6 % against 95.8 %), ~230 times faster and ~1/200 of the size.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import repeat

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
    if text.isascii():
        return text.lower()
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
        self.name = name
        self.classes = [str(c) for c in stored[f"{name}.classes"]]
        self.intercept = stored[f"{name}.intercept"].astype(np.float64)
        self.parts = [str(part) for part in stored[f"{name}.parts"]]


class _Part:
    """One n-gram kind (characters or words) of every model that reads it, side by side: one
    vocabulary (the union of the models'), one row per n-gram holding each model's idf and
    weights, and a last row of zeros where unknown n-grams land. A message's n-grams are cut
    and looked up once for all the models (the intent and the language read the same
    characters), then one gather and one product per model."""

    def __init__(self, stored: np.lib.npyio.NpzFile, part: str, models: list[Linear]) -> None:
        self.analyze: Callable[[str], list[str]] = ANALYZERS[part]
        readers = [m for m in models if part in m.parts]
        columns: dict[str, int] = {}
        for model in readers:
            for gram in stored[f"{model.name}.{part}.vocabulary"].tolist():
                columns.setdefault(gram, len(columns))
        self.vocabulary = columns
        self.unknown = len(columns)
        self.idf = np.zeros((len(columns) + 1, len(readers)))
        widths = [len(m.classes) for m in readers]
        self.weights = np.zeros((len(columns) + 1, sum(widths)))
        self.models: list[tuple[int, int, int, int]] = []  # (model, idf column, first, last)
        first = 0
        for column, (model, width) in enumerate(zip(readers, widths, strict=True)):
            rows = np.fromiter(
                (columns[g] for g in stored[f"{model.name}.{part}.vocabulary"].tolist()),
                dtype=np.intp,
            )
            self.idf[rows, column] = stored[f"{model.name}.{part}.idf"]
            self.weights[rows, first : first + width] = stored[f"{model.name}.{part}.weights"]
            self.models.append((models.index(model), column, first, first + width))
            first += width

    def add_scores(self, text: str, scores: list[np.ndarray]) -> None:
        grams = self.analyze(text)
        if not grams:
            return
        found = np.fromiter(
            map(self.vocabulary.get, grams, repeat(self.unknown)), dtype=np.intp, count=len(grams)
        )
        rows, counts = np.unique(found, return_counts=True)
        # sublinear tf × idf, each model's vector l2-normalized (unknown n-grams weigh 0)
        weighted = (1.0 + np.log(counts))[:, None] * self.idf[rows]
        norms = np.sqrt(np.einsum("ij,ij->j", weighted, weighted))
        table = self.weights[rows]
        for model, column, first, last in self.models:
            if norms[column] > 0:
                scores[model] += (weighted[:, column] / norms[column]) @ table[:, first:last]


class Classifiers:
    """The intent and language classifiers, answering together from one reading of a text."""

    def __init__(self, stored: np.lib.npyio.NpzFile) -> None:
        self.models = [Linear(stored, name) for name in ("intent", "language")]
        kinds = dict.fromkeys(part for model in self.models for part in model.parts)
        self.parts = [_Part(stored, part, self.models) for part in kinds]

    def probabilities(self, text: str) -> list[np.ndarray]:
        """Each model's class probabilities for already normalized text."""
        scores = [model.intercept.copy() for model in self.models]
        for part in self.parts:
            part.add_scores(text, scores)
        found = []
        for score in scores:
            exp = np.exp(score - score.max())
            found.append(exp / exp.sum())
        return found

    def read(self, text: str) -> tuple[Guess, Guess]:
        """The intent and the language of `text`, each with how sure the classifier is."""
        guesses = []
        for model, probabilities in zip(
            self.models, self.probabilities(normalize(text).lower()), strict=True
        ):
            best = int(np.argmax(probabilities))
            guesses.append(Guess(model.classes[best], float(probabilities[best])))
        return guesses[0], guesses[1]


@cache
def _models() -> Classifiers:
    with _LOCK, MODEL_FILE.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        return Classifiers(stored)


def model_sha256() -> str:
    """The SHA-256 of the examples the shipped classifiers were trained on."""
    with MODEL_FILE.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
        return str(stored["examples_sha256"])


def read(text: str) -> tuple[Guess, Guess]:
    """The intent and the language (English or Spanish) of a message, from one reading."""
    return _models().read(text)


def classify(text: str) -> Guess:
    """The intent, and how sure the classifier is of it."""
    return read(text)[0]


def language(text: str) -> Guess:
    """English or Spanish, read by the same kind of classifier from the same examples' labels."""
    return read(text)[1]
