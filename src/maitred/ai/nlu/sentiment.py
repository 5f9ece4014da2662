"""How a message feels, from -1 (angry) to 1 (delighted): VADER's compound score, which reads
capitals, "!!!" and "not good" the way customers write them."""

from __future__ import annotations

from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    score = _analyzer().polarity_scores(text)["compound"]
    return round(max(-1.0, min(1.0, float(score))), 4)
