"""Messages without a date word, a "3/14", a "12th" or a "2026-03-14" skip the long date pattern
(ai/nlu/dates.py `may_hold_a_date`): the shortcut must never hide a date the pattern finds, so
every date phrase of the labelled set and the training examples is found as before."""

from __future__ import annotations

from maitred.ai.nlu import dates
from maitred.ai.nlu.intents import examples
from tests.ai.score_nlu import SPLITS, load

SAID = (
    "the 3rd",
    "on 12/5",
    "Sábado",
    "el próximo sábado",
    "en dos semanas",
    "two weeks from now",
    "DEC 19",
    "tmrw",
    "esta noche",
    "pasado mañana",
    "in 3 days",
    "this weekend",
    "fin de semana",
    "2026-12-13",
)


def test_the_shortcut_finds_every_date_the_full_pattern_finds() -> None:
    texts = [case["text"] for path in SPLITS.values() for case in load(path)]
    texts += [example.text for example in examples()] + list(SAID)
    skipped = 0
    for text in texts:
        full = [
            (m.start(), m.end()) for m in dates._DATE_PHRASE.finditer(text) if m.group(0).strip()
        ]
        assert [(s.start, s.end) for s in dates.date_spans(text)] == full, text
        skipped += not dates.may_hold_a_date(text)
    assert all(dates.date_spans(text) for text in SAID)
    assert skipped > len(texts) / 2  # most messages name no date: the shortcut is taken
