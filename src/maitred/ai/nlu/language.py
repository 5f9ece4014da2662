"""Which language a message is in (`py3langid`, limited to the organization's languages).

Short messages fool any detector ("ok", "Folsom"), so a message that has none of the
candidate languages' own words is read as the first language of the organization."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

_SPANISH_MARKS = frozenset("ñ¿¡áéíóú")


@cache
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def detect(text: str, languages: tuple[str, ...]) -> str:
    if len(languages) == 1:
        return languages[0]
    if "es" in languages and any(ch in _SPANISH_MARKS for ch in text.lower()):
        return "es"
    language, probability = _identifier(tuple(languages)).classify(text.lower())
    if probability < 0.7 and len(text.split()) <= 2:
        return languages[0]
    return str(language)
