"""Contact details in free text: phone numbers (`phonenumbers`), emails (`email-validator`)
and a name the writer gives for themselves."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

EMAIL_CANDIDATE = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")
# The cue says the words after it are the writer's name; the name is what follows, up to a
# comma or a word that starts the rest of the sentence.
_NAME_CUES = re.compile(
    r"\b(?:my name is|my name's|name is|this is|it's|it is|i am|i'm|im|me llamo|mi nombre es|"
    r"soy|habla|under|a\s+nombre\s+de|bajo\s+el\s+nombre\s+de|name'?s)\s+"
    r"(?P<name>[^\W\d_]+(?:[ '-][^\W\d_]+){0,3})",
    re.IGNORECASE,
)
_NOT_A_NAME = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "to",
        "for",
        "from",
        "with",
        "at",
        "in",
        "on",
        "of",
        "by",
        "my",
        "our",
        "your",
        "looking",
        "trying",
        "calling",
        "writing",
        "interested",
        "wondering",
        "planning",
        "hoping",
        "here",
        "just",
        "so",
        "very",
        "not",
        "still",
        "going",
        "asking",
        "having",
        "sorry",
        "happy",
        "glad",
        "available",
        "free",
        "fine",
        "ok",
        "okay",
        "sure",
        "ready",
        "back",
        "new",
        "done",
        "bringing",
        "also",
        "about",
        "reaching",
        "contacting",
        "una",
        "un",
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "para",
        "con",
        "en",
        "por",
        "mi",
        "que",
        "quisiera",
        "interesado",
        "interesada",
        "buscando",
        "llamando",
        "escribiendo",
        "aqui",
        "aquí",
        "organizando",
        "planeando",
    ]
)
_STOP_AFTER = frozenset(
    [
        "and",
        "i",
        "we",
        "my",
        "our",
        "phone",
        "email",
        "e-mail",
        "number",
        "at",
        "my",
        "cell",
        "y",
        "mi",
        "mis",
        "teléfono",
        "telefono",
        "correo",
        "email:",
        "phone:",
        "call",
        "text",
        "for",
        "with",
        "from",
        "to",
    ]
)


def phone_matches(text: str, region: str) -> list[tuple[int, int, str]]:
    """Where phone numbers are written, and each in E.164; without `+` a number is read as one
    of `region`. Possible numbers count (the fictional 555 exchange too), as the API takes them."""
    return [
        (
            match.start,
            match.end,
            phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164),
        )
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        )
    ]


def phones(text: str, region: str) -> list[str]:
    return list(dict.fromkeys(e164 for _, _, e164 in phone_matches(text, region)))


def emails(text: str) -> list[str]:
    found: list[str] = []
    for candidate in EMAIL_CANDIDATE.findall(text):
        candidate = candidate.rstrip(".!?")
        try:
            valid = validate_email(candidate, check_deliverability=False)
        except EmailNotValidError:
            continue
        email = valid.normalized.lower()
        if email not in found:
            found.append(email)
    return found


def name(text: str) -> str | None:
    """The name after "my name is", "this is", "I'm", "me llamo", ...; None when the words after
    the cue are not a name ("I'm looking for ...")."""
    for match in _NAME_CUES.finditer(text):
        words: list[str] = []
        given = match.group("name").split()
        if given and given[0].lower() in {"spelled", "spelt", "actually", "really"}:
            given = given[1:]
        for word in given:
            if word.lower() in _STOP_AFTER or word.lower() in _NOT_A_NAME:
                break
            words.append(word)
        cue = match.group(0)[: match.start("name") - match.start()].strip().lower()
        loose_cue = cue in {
            "i'm",
            "im",
            "i am",
            "it's",
            "it is",
            "this is",
            "soy",
            "habla",
            "under",
        }
        if not words:
            continue
        if loose_cue and not words[0][0].isupper():
            continue  # "i'm excited": only a capitalized word after a loose cue is a name
        return " ".join(w[:1].upper() + w[1:] for w in words[:3])
    return None


_LEADING_NAME = re.compile(
    r"^\s*(?:(?:my name is|i am|i'm|soy|me llamo)\s+)?"
    r"([^\W\d_][^\d@,;:]{1,60}?)\s*(?:[,;:]|$|\s+(?:and|y)\s)",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset({"phone", "email", "number", "call", "text", "me", "my", "is", "the"})


def name_before_contact(text: str, *, as_written: bool = False) -> str | None:
    """ "Maria Lopez, 916-555-0177": the words before the first comma, when they look like a
    name (letters only, two to five words). `as_written`: only capitalized as names are, for a
    message read out of any dialogue ("yes please, 916-…" names no one)."""
    found = _LEADING_NAME.match(text)
    if found is None:
        return None
    name = " ".join(found.group(1).split())
    words = name.split()
    if not 2 <= len(words) <= 5 or any(w.lower() in _NOT_NAMES for w in words):
        return None
    if as_written and not all(word[:1].isupper() for word in words):
        return None
    return name.title() if name.islower() else name
