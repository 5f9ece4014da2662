"""FastAPI's facts about each declared parameter, derived once instead of on every request.

Why: to read a query parameter FastAPI asks, per parameter and per request, whether its
annotation is a sequence, a model, and which aliases it answers to, walking the annotation with
`typing.get_origin`, `isinstance` and `issubclass` each time: about 1,000 of the ~8,000 Python
calls of a `GET /bookings` in process (bench/README.md, issue 20). The answers depend only on the
parameter, which is fixed once the routes are built, so each is kept per parameter object.

The functions replaced are private to FastAPI: when a FastAPI release renames them, `install`
leaves that one alone (the speed-up is lost, nothing else changes), and
tests/kit/test_param_facts.py says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.dependencies import utils as fastapi_dependencies

PATCHED = ("field_annotation_is_sequence", "_get_param_model", "_get_param_aliases")


def _kept(function: Callable[..., Any], *, copy: bool = False) -> Callable[..., Any]:
    """`function` of one object (plus keyword options), answered from a table keyed by the
    object's identity; the table keeps the object alive, so an identity is never reused."""
    known: dict[tuple[int, tuple[tuple[str, Any], ...]], tuple[Any, Any]] = {}

    def kept(subject: Any, **options: Any) -> Any:
        key = (id(subject), tuple(sorted(options.items())))
        found = known.get(key)
        if found is None or found[0] is not subject:
            found = known[key] = (subject, function(subject, **options))
        return list(found[1]) if copy else found[1]

    kept.maitred_kept = True  # type: ignore[attr-defined]
    return kept


def install() -> tuple[str, ...]:
    """Replaces FastAPI's per-request derivations with kept ones (once per process); returns
    the names replaced."""
    replaced = []
    for name in PATCHED:
        current = getattr(fastapi_dependencies, name, None)
        if current is None:
            continue
        if not getattr(current, "maitred_kept", False):
            setattr(
                fastapi_dependencies,
                name,
                _kept(current, copy=name == "_get_param_aliases"),
            )
        replaced.append(name)
    return tuple(replaced)
