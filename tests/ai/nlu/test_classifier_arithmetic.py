"""The classifiers answer from their own arithmetic (intents._Linear) for speed: it must give
scikit-learn's probabilities exactly, for the many-class intent model and the two-class
language model alike."""

from __future__ import annotations

import numpy as np

from maitred.ai.nlu import intents
from tests.ai.score_nlu import SPLITS, load


def test_fast_probabilities_are_scikit_learns() -> None:
    taught = intents.examples()
    texts = [intents.normalize(case["text"]) for path in SPLITS.values() for case in load(path)]
    for words, labels in (
        (True, [e.intent for e in taught]),
        (False, [e.language for e in taught]),
    ):
        pipeline = intents.train([e.text for e in taught], labels, words=words)
        fast = intents._Linear(pipeline)
        for text in texts:
            assert np.allclose(fast.probabilities(text), pipeline.predict_proba([text])[0])
