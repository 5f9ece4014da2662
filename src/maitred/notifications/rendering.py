"""Rendering notification templates: Jinja2 in an immutable sandbox, so an organization's own
wording can read the data it is given and nothing else (no attribute tricks, no changing lists).

Two strictness levels. Saving and previewing render strictly against the template's sample data,
so a misspelt variable is a 422 naming the line before anything goes out. Sending renders
leniently: a value the caller did not give renders empty (the defaults wrap optional parts in
`{% if %}`), because a customer is better served by a message with a gap than by none.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import ChainableUndefined, StrictUndefined, Template, TemplateError, Undefined
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from maitred.notifications.errors import TemplateInvalid

TEMPLATE_FILENAME = "<template>"


@dataclass(frozen=True)
class Source:
    """One template on one channel: email has a subject, a text and an HTML part; SMS only
    the text."""

    subject: str
    body_text: str
    body_html: str | None


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str | None


def _environment(*, html: bool, strict: bool) -> ImmutableSandboxedEnvironment:
    undefined: type[Undefined] = StrictUndefined if strict else ChainableUndefined
    return ImmutableSandboxedEnvironment(
        autoescape=html,
        undefined=undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


_ENVIRONMENTS = {
    (html, strict): _environment(html=html, strict=strict)
    for html in (False, True)
    for strict in (False, True)
}


@functools.lru_cache(maxsize=256)
def _compiled(text: str, *, html: bool, strict: bool) -> Template:
    return _ENVIRONMENTS[(html, strict)].from_string(text)


def _line_of(exc: BaseException) -> int | None:
    """The template line an error happened on: syntax errors carry it, render errors leave it
    in the traceback (Jinja rewrites frames to point into the template)."""
    if isinstance(exc, TemplateSyntaxError):
        return exc.lineno
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename == TEMPLATE_FILENAME
    ]
    return lines[-1] if lines else None


def describe(exc: BaseException) -> str:
    """`Line 3: 'custmer_name' is undefined`: what a person editing the template needs."""
    if isinstance(exc, SecurityError):
        text = f"Not allowed in a template: {exc}"
    elif isinstance(exc, UndefinedError):
        text = f"{exc.message}; see the template's variables"
    elif isinstance(exc, TemplateError):
        text = exc.message or type(exc).__name__
    else:
        text = str(exc) or type(exc).__name__
    line = _line_of(exc)
    return f"Line {line}: {text}" if line else text


def render_part(text: str, data: Mapping[str, Any], *, html: bool, strict: bool, part: str) -> str:
    """One part (subject, body_text or body_html); a failure is a 422 naming `part`."""
    try:
        return _compiled(text, html=html, strict=strict).render(dict(data)).strip()
    except (TemplateError, ArithmeticError, TypeError, ValueError, AttributeError) as exc:
        raise TemplateInvalid(details={part: describe(exc)}) from None


def render(source: Source, data: Mapping[str, Any], *, strict: bool) -> Rendered:
    """Every part, each error named by its part (all parts are tried, so the editor sees all
    problems at once)."""
    details: dict[str, Any] = {}
    rendered: dict[str, str | None] = {"subject": "", "body_text": "", "body_html": None}
    parts = [("subject", source.subject, False), ("body_text", source.body_text, False)]
    if source.body_html is not None:
        parts.append(("body_html", source.body_html, True))
    for part, text, html in parts:
        try:
            rendered[part] = render_part(text, data, html=html, strict=strict, part=part)
        except TemplateInvalid as exc:
            details.update(exc.details)
    if details:
        raise TemplateInvalid(details=details)
    return Rendered(
        subject=" ".join((rendered["subject"] or "").split()),  # one line, whatever the source
        body_text=rendered["body_text"] or "",
        body_html=rendered["body_html"],
    )
