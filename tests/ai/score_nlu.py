"""How well the offline engine understands the labelled utterances, per split.

    .venv/bin/python -m tests.ai.score_nlu [--failures]

Intent accuracy, slot exact-match (every expected slot and nothing else) and full match (intent
and slots) on utterances.jsonl (the set the rules were written against; the classifier learns
from ai/nlu/examples.txt) and on
utterances_holdout.jsonl (never used to teach it, but its failures were read and fixed) and
utterances_fresh.jsonl (written last, scored as it was, nothing tuned on it). Each line
carries its own `now` and time zone; the vocabulary is the demo business's (maitred.demo.business).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from maitred.ai.nlu import NluContext, Understanding, understand
from maitred.demo.business import BOOKING_POLICY, MENU, PRICING
from maitred.demo.names import SERVICE_AREA

HERE = Path(__file__).parent
SPLITS = {
    "train": HERE / "utterances.jsonl",
    "holdout": HERE / "utterances_holdout.jsonl",
    "fresh": HERE / "utterances_fresh.jsonl",
}
DEMO = NluContext(
    timezone="America/Los_Angeles",
    country="US",
    event_types=tuple(BOOKING_POLICY["event_types"]),
    upgrade_keys=tuple(u["name"].casefold() for u in PRICING["upgrades"]),
    dietary_tags=tuple(
        dict.fromkeys(
            "_".join(tag.replace("-", " ").split())
            for _, _, items in MENU
            for *_, tags, _about in items
            for tag in tags
        )
    ),
    cities=tuple(SERVICE_AREA),
)


@dataclass(frozen=True)
class Score:
    total: int
    intents: int
    slots: int
    full: int

    def line(self, split: str) -> str:
        def pct(n: int) -> str:
            return f"{100 * n / self.total:5.1f} %"

        return (
            f"{split:8} n={self.total:3}  intent {pct(self.intents)}  "
            f"slots exact {pct(self.slots)}  full {pct(self.full)}"
        )


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def read(case: dict[str, Any]) -> Understanding:
    context = replace(DEMO, timezone=case.get("timezone", DEMO.timezone))
    return understand(case["text"], now=datetime.fromisoformat(case["now"]), context=context)


def score(cases: list[dict[str, Any]], failures: list[str] | None = None) -> Score:
    intents = slots = full = 0
    for case in cases:
        got = read(case)
        intent_ok = got.intent == case["intent"]
        slots_ok = got.slots == case["slots"]
        intents += intent_ok
        slots += slots_ok
        full += intent_ok and slots_ok
        if failures is not None and not (intent_ok and slots_ok):
            failures.append(
                f"{case['text']!r}\n   want {case['intent']} {case['slots']}\n"
                f"   got  {got.intent} {got.slots} ({got.confidence:.2f})"
            )
    return Score(len(cases), intents, slots, full)


def main() -> None:
    show = "--failures" in sys.argv
    for split, path in SPLITS.items():
        failures: list[str] = []
        result = score(load(path), failures)
        sys.stdout.write(result.line(split) + "\n")
        if show:
            sys.stdout.write("".join(f + "\n" for f in failures))


if __name__ == "__main__":
    main()
