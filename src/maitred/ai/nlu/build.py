"""Trains the intent and language classifiers on `examples.txt` and writes what they learned to
`classifiers.npz` beside it, which the package ships: no process trains at start any more
(scikit-learn's fit took seconds of CPU holding the GIL in every worker after every start).

    .venv/bin/python -m maitred.ai.nlu.build     # after any change to examples.txt

The file is plain arrays (no pickle): per model its classes and intercepts, and per n-gram kind
the vocabulary in column order, the idf and the weights (float32, which changes no answer), with
the SHA-256 of the examples it was trained on (tests/ai/nlu fails when they differ).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from maitred.ai.nlu.intents import MODEL_FILE, examples, examples_text, normalize

MODELS = ("intent", "language")


def examples_sha256() -> str:
    return hashlib.sha256(examples_text().encode("utf-8")).hexdigest()


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


def trained() -> dict[str, Pipeline]:
    taught = examples()
    texts = [e.text for e in taught]
    return {
        "intent": train(texts, [e.intent for e in taught]),
        "language": train(texts, [e.language for e in taught], words=False),
    }


def arrays(name: str, model: Pipeline) -> dict[str, np.ndarray]:
    """One model's arrays, keyed `name.…`; a two-class model gets the explicit zero logit of its
    first class, so that every model is read as a softmax over one row per class."""
    features: FeatureUnion = model.named_steps["features"]
    classifier: LogisticRegression = model.named_steps["classify"]
    coefficients, intercept = classifier.coef_, classifier.intercept_
    if len(classifier.classes_) == 2:
        coefficients = np.vstack([np.zeros_like(coefficients), coefficients])
        intercept = np.concatenate([[0.0], intercept])
    found = {
        f"{name}.classes": np.array([str(c) for c in classifier.classes_]),
        f"{name}.intercept": intercept.astype(np.float64),
        f"{name}.parts": np.array([part for part, _ in features.transformer_list]),
    }
    offset = 0
    for part, vectorizer in features.transformer_list:
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        width = len(vocabulary)
        found[f"{name}.{part}.vocabulary"] = np.array(vocabulary)
        found[f"{name}.{part}.idf"] = vectorizer.idf_.astype(np.float32)
        found[f"{name}.{part}.weights"] = np.ascontiguousarray(
            coefficients[:, offset : offset + width].T, dtype=np.float32
        )
        offset += width
    return found


def build() -> bytes:
    contents: dict[str, Any] = {"examples_sha256": np.array(examples_sha256())}
    for name, model in trained().items():
        contents.update(arrays(name, model))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **contents)
    return buffer.getvalue()


def main() -> None:
    path = Path(str(MODEL_FILE))
    path.write_bytes(build())
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")  # noqa: T201


if __name__ == "__main__":
    main()
