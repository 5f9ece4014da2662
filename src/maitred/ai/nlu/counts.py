"""How many guests: number words become digits (`number-parser`, "doce" and "twelve" alike),
then the number is taken where the sentence says it counts people."""

from __future__ import annotations

import re
from functools import lru_cache

from number_parser import parse as numbers_to_digits

_DOZENS = re.compile(
    r"(?i)\b(?:(?P<half>half\s+a)|(?P<count>\d+|a|one|two|three|four|una|media|dos|tres|cuatro))\s+"
    r"(?P<word>dozen|docenas?)\b(?:\s+(?:de|of)\b)?"
)
_DOZEN_COUNTS = {
    "a": 1,
    "one": 1,
    "una": 1,
    "two": 2,
    "dos": 2,
    "three": 3,
    "tres": 3,
    "four": 4,
    "cuatro": 4,
}
_PEOPLE = (
    r"(?:guests?|gusts?|people|ppl|persons?|pax|folks|of\s+us|personas?|invitados?|comensales|"
    r"gente|adultos?|adults?|grownups?|kids?|children|childs?|niños?|ninos?|niñas?|chicos?|"
    r"menores)"
)
_ADULTS = re.compile(r"(?i)\b(\d{1,4})\s+(?:more\s+)?(?:adults?|grownups?|grown-ups?|adultos?)\b")
_CHILDREN = re.compile(
    r"(?i)\b(\d{1,4})\s+(?:more\s+|little\s+)?"
    r"(?:kids?|children|childs?|niños?|ninos?|niñas?|chicos?|menores)\b"
)
_COUNT = re.compile(
    rf"""(?ix)
      \b(?P<a>\d{{1,4}})\s+(?:more\s+|total\s+|hungry\s+|adult\s+)?{_PEOPLE}\b
    | \b(?:party|group|table|grupo|mesa|reservation|booking|dinner|event|evento|reserva|
      cena)\s+(?:of|for|de|para)\s+(?P<b>\d{{1,4}})\b
    | \b(?:we(?:'re|\s+are|\s+will\s+be|'ll\s+be|'d\s+be|\s+would\s+be|\s+might\s+be|(?:'re|
      \s+are)\s+(?:going\s+to|gonna)\s+be|\s+r)|were|there\s+(?:will\s+be|are|'ll\s+be)|somos|
      seremos|vamos\s+a\s+ser|estaremos|total\s+of|(?:headcount|head\s+count|guest\s+count|
      count|número\s+de\s+invitados|numero\s+de\s+invitados|número\s+de\s+personas|invitados|
      personas)\s+(?:to|is|of|a|es|:)|(?:change|increase|decrease|bump|up|down|raise|lower|
      go)\s+(?:it\s+)?(?:to|a))\s+(?:about\s+|around\s+|like\s+|approx\.?\s+|unos\s+|
      como\s+)?(?P<c>\d{{1,4}})\b(?!\s*(?:pm|am|:|/|th|st|nd|rd))
    | \b(?:for|para)\s+(?:about\s+|around\s+|unos\s+)?(?P<d>\d{{1,4}})\b(?!\s*(?:pm|am|p\.m|
      a\.m|:|/|th|st|nd|rd|de\s|of\s|o'clock|dollars|\$|%|hours|horas|days|weeks|días|semanas|
      min))
    """
)
_DIETARY_AFTER = re.compile(
    r"(?i)\s+(?:is|are|es|son|who\s+(?:is|are)|that\s+(?:is|are)|need|needs|eat|eats)\s+"
    r"(?:\w+\s+)?(?:vegan|vegano|vegetarian|vegetariano|gluten|celiac|dairy|allergic|kosher|"
    r"halal|keto|pescatarian|lactose|nut)"
)


def _dozens(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group("half"):
            return "6"
        count = match.group("count").lower()
        if count == "media":
            return "6"
        n = int(count) if count.isdigit() else _DOZEN_COUNTS.get(count, 1)
        return str(12 * n)

    return _DOZENS.sub(replace, text)


_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=65536)
def _number_word(word: str, language: str) -> bool:
    """Whether number-parser reads `word` alone as a number ("twelve", "doce", "first")."""
    try:
        return bool(numbers_to_digits(word, language=language) != word)
    except Exception:  # noqa: BLE001 - as below
        return False


def with_digits(text: str, language: str) -> str:
    """The text with number words as digits, for every later reading of numbers. The library
    reads the whole sentence only when one of its words is a number word: most messages have
    none, and its sentence pass cost more than the rest of the reading together."""
    text = _dozens(text)
    language = "es" if language == "es" else "en"
    if not any(_number_word(word, language) for word in _WORD.findall(text)):
        return text
    try:
        converted = numbers_to_digits(text, language=language)
    except Exception:  # noqa: BLE001 - a library bug on odd input must not fail the answer
        return text
    return converted if isinstance(converted, str) else text


def guest_counts(text: str) -> dict[str, int]:
    """`adults` and `children` when both are said apart, `guest_count` the whole party."""
    slots: dict[str, int] = {}
    adults = _ADULTS.search(text)
    children = _CHILDREN.search(text)
    if adults:
        slots["adults"] = int(adults.group(1))
    if children:
        slots["children"] = int(children.group(1))
    if adults and children:
        slots["guest_count"] = slots["adults"] + slots["children"]
        return slots
    for match in _COUNT.finditer(text):
        if adults and match.start() <= adults.start() < match.end():
            continue
        if children and match.start() <= children.start() < match.end():
            continue
        value = next(int(v) for v in match.groups() if v)
        if _DIETARY_AFTER.match(text, match.end()):
            continue  # "two guests are vegan": some of the party, not its size
        if match.group("d") and value == 1:
            continue  # "para una fiesta": an article read as a number, not a party of one
        if 0 < value <= 2000:
            slots["guest_count"] = value
            break
    return slots
