"""The classifiers ship as trained weights (`classifiers.npz`, written by
`python -m maitred.ai.nlu.build`): the file must be the one trained on today's examples.txt,
and its arithmetic must give scikit-learn's own probabilities, for the many-class intent model
and the two-class language model alike, without a process importing scikit-learn to answer."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from maitred.ai.nlu import build, intents
from tests.ai.score_nlu import SPLITS, load


def test_the_shipped_classifiers_were_trained_on_todays_examples() -> None:
    assert intents.model_sha256() == build.examples_sha256(), (
        "examples.txt changed since classifiers.npz was built: "
        "run `python -m maitred.ai.nlu.build` and commit the file"
    )


def test_shipped_probabilities_are_scikit_learns() -> None:
    texts = [intents.normalize(case["text"]) for path in SPLITS.values() for case in load(path)]
    shipped = intents._models()
    names = [model.name for model in shipped.models]
    for name, pipeline in build.trained().items():
        for text in texts:
            expected = pipeline.predict_proba([text])[0]
            got = shipped.probabilities(text)[names.index(name)]
            assert np.allclose(got, expected, atol=1e-5), (name, text)
            assert int(np.argmax(got)) == int(np.argmax(expected)), (name, text)


def test_understanding_a_message_needs_no_training_library() -> None:
    probe = (
        "import sys; from maitred.ai.nlu.understand import warm_up; warm_up(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sklearn', 'scipy'}))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "[]"
