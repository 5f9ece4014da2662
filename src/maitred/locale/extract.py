"""Finds every message maitred says to people and keeps the catalogs in step with the code.

`python -m maitred.locale.extract` adds what is new to each `<lang>/LC_MESSAGES/maitred.po`
(untranslated, for a translator to fill in) and keeps everything already there; the test suite
fails while a message has no translation (tests/kit/test_i18n.py).

What counts as a message: the `message` of every `AppError` class, and in the code the text
given to an error where it is raised (its message and the values of its `details`, also when
`details` is filled in first), the text of `ValueError`s (pydantic shows them as validation
messages), `error_response(…)` messages and `i18n.gettext(…)` texts. An f-string becomes an
entry with positional placeholders, `Use one of: {0}`.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pydantic_core
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import maitred
from maitred.kit import i18n
from maitred.kit.errors import AppError

SOURCE = Path(maitred.__file__).resolve().parent
_ERROR_FUNCTIONS = {"error_response", "gettext", "ValueError"}
# Where a module gathers a form's messages before raising them.
_COLLECTORS = {"details", "problems"}
# Functions that answer why something is refused, e.g. availability's `date_problem`.
_EXPLAINERS = ("_problem", "impossibility", "refusal", "undialable_reason", "_parse")
# Said by kit/errors.py in pieces the code does not show whole.
_ASSEMBLED = (
    "Unknown field",
    "Field is required",
    "Must be text or an object",
    "Invalid JSON: {0}",
    "No route matches {0} {1}",
    "No route matches {0} {1}; did you mean {2} {3}?",
    "Method {0} is not allowed on {1}",
    "value is not a valid email address: {0}",
    # kit/phones.py: `refusal` puts the reason after the lead in brackets
    "Invalid phone number format",
    "Invalid phone number format ({0})",
    "Not a valid phone number",
    "Not a valid phone number ({0})",
    "not a phone number",
    # kit/phones.py `_length_problem`: "too short: 3 digits after +1, where numbers have 10"
    *(
        f"{problem}: {{0}} digits after +{{1}}{where}"
        for problem in ("too short", "too long", "wrong length")
        for where in ("", ", where numbers have {2}")
    ),
    "the area code is missing: {0} digits after +{1} make a local number",
    "the area code is missing: {0} digits after +{1} make a local number, where numbers have {2}",
    # availability/calendar.py: "We are closed on Mondays"
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
)
# The pydantic validation messages a client of maitred's API can meet.
PYDANTIC_TYPES = [
    "json_invalid",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "multiple_of",
    "finite_number",
    "too_short",
    "too_long",
    "string_type",
    "string_too_short",
    "string_too_long",
    "string_pattern_mismatch",
    "enum",
    "literal_error",
    "dict_type",
    "list_type",
    "bool_type",
    "bool_parsing",
    "int_type",
    "int_parsing",
    "int_from_float",
    "float_type",
    "float_parsing",
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "time_type",
    "time_parsing",
    "datetime_type",
    "datetime_parsing",
    "datetime_from_date_parsing",
    "timezone_aware",
    "url_parsing",
    "url_scheme",
    "uuid_type",
    "uuid_parsing",
    "decimal_type",
    "decimal_parsing",
    "decimal_max_digits",
    "decimal_max_places",
    "decimal_whole_digits",
    "none_required",
    "model_attributes_type",
    "date_future",
    "datetime_future",
]
_NAMED = re.compile(r"\{(\w+)\}")


def pydantic_messages() -> list[str]:
    """pydantic's message templates of PYDANTIC_TYPES, with positional placeholders."""
    templates: dict[str, str] = {
        str(error["type"]): error["message_template_python"]
        for error in pydantic_core._pydantic_core.list_all_errors()
    }
    return [_renumbered(_NAMED.sub("{0}", templates[kind])) for kind in PYDANTIC_TYPES]


def _subclasses(cls: type[AppError]) -> Iterator[type[AppError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def error_classes() -> set[type[AppError]]:
    """Every AppError class, once every module of maitred is imported."""
    for module in pkgutil.walk_packages([str(SOURCE)], prefix="maitred."):
        if ".locale" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return {AppError, *_subclasses(AppError)}


def _text(node: ast.expr) -> str | None:
    """The message of a string, f-string or concatenation of them; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        pieces: list[str] = []
        slot = 0
        for value in node.values:
            if isinstance(value, ast.Constant):
                pieces.append(str(value.value))
            else:
                pieces.append(f"{{{slot}}}")
                slot += 1
        return "".join(pieces)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is not None and right is not None:
            return _renumbered(left + right)
    return None


def _renumbered(text: str) -> str:
    counter = iter(range(1000))
    return i18n._PLACEHOLDER.sub(lambda _: f"{{{next(counter)}}}", text)


Constants = dict[str, str]


def _texts_in(node: ast.expr, constants: Constants) -> Iterator[str]:
    """The human text of a message or `details` value: strings (and the module's string
    constants they name), in dicts and lists, at any depth."""
    if (text := _text(node)) is not None:
        yield text
    elif isinstance(node, ast.Name) and node.id in constants:
        yield constants[node.id]
    elif isinstance(node, ast.Dict):
        for value in node.values:
            if value is not None:
                yield from _texts_in(value, constants)
    elif isinstance(node, ast.DictComp):
        yield from _texts_in(node.value, constants)
    elif isinstance(node, ast.IfExp):
        yield from _texts_in(node.body, constants)
        yield from _texts_in(node.orelse, constants)
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            yield from _texts_in(item, constants)


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _call_messages(call: ast.Call, errors: set[str], constants: Constants) -> Iterator[str]:
    name = _name(call.func)
    if name == "error_response" and len(call.args) >= 3:
        yield from _texts_in(call.args[2], constants)
    elif name in errors or name in _ERROR_FUNCTIONS:
        if call.args:
            yield from _texts_in(call.args[0], constants)
    else:
        return
    for keyword in call.keywords:
        if keyword.arg in ("message", "details"):
            yield from _texts_in(keyword.value, constants)


def written_for_translation(tree: ast.AST) -> Iterator[str]:
    """The texts given to `i18n.gettext`: whatever they look like, they are words for people."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "gettext" and node.args:
            yield from _texts_in(node.args[0], {})


def _constants(tree: ast.Module) -> Constants:
    """The module's `NAME = "text"` constants."""
    found: Constants = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
            if isinstance(target, ast.Name) and (text := _text(value)) is not None:
                found[target.id] = text
    return found


def _is_explanation(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function whose answer is a reason given to people (`date_problem`, `refusal`)."""
    return function.name.endswith(_EXPLAINERS)


def messages_in(tree: ast.Module, errors: set[str]) -> Iterator[str]:
    constants = _constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from _call_messages(node, errors, constants)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                # details["field"] = "…", problems["field"] = REQUIRED, details = {…}
                if (
                    isinstance(target, ast.Subscript) and _name(target.value) in _COLLECTORS
                ) or _name(target) in _COLLECTORS:
                    yield from _texts_in(node.value, constants)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_explanation(node):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    yield from _texts_in(inner.value, constants)


def messages() -> list[str]:
    """Every message, sorted."""
    classes = error_classes()
    found = {cls.message for cls in classes} | set(_ASSEMBLED) | set(pydantic_messages())
    names = {cls.__name__ for cls in classes}
    marked: set[str] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        found.update(messages_in(tree, names))
        marked.update(written_for_translation(tree))
    return sorted({text for text in found if _is_prose(text)} | marked)


def _is_prose(text: str) -> bool:
    """Words for people, not a machine value given beside them (`{"status": "won"}`, a path)."""
    words = i18n._PLACEHOLDER.sub("", text).strip()
    if not any(c.isalpha() for c in words) or words.startswith("/"):
        return False
    return " " in words or words[0].isupper()


def update(language: str) -> int:
    """Adds the missing messages to `language`'s catalog; how many were added."""
    path = i18n.CATALOGS / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=i18n.DOMAIN)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=language, domain=i18n.DOMAIN, project="maitred")
    added = 0
    for text in messages():
        if text not in catalog:
            catalog.add(text, "")
            added += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
    return added


def main() -> None:
    for language in i18n.LANGUAGES:
        if language != i18n.DEFAULT:
            sys.stdout.write(f"{language}: {update(language)} new messages\n")


if __name__ == "__main__":
    main()
