"""The registry of card kinds.

Every module in this package (other than ``base``) that defines ``name`` is
a kind: adding a kind means adding one module, nothing else. A kind exposes
``name``, ``doc``, ``fields``, ``check``, ``siblings``, ``render`` and
``answer_text`` (see :class:`studyapp.core.kinds.base.CardKind`); an
objective kind also exposes ``interaction``, ``ask`` and ``grade`` (see
:class:`studyapp.core.grading.ObjectiveKind`).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import cast

from studyapp.core.kinds.base import CardKind

__all__ = ["KINDS", "get_kind"]

_FIRST = ("basic", "reversible", "cloze")
"""Listed first (in docs, the scaffold, the schema); the rest follow by name."""


def _discover() -> dict[str, CardKind]:
    found: dict[str, CardKind] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "name", None)
        if isinstance(name, str):
            found[name] = cast(CardKind, module)
    order = [n for n in _FIRST if n in found] + sorted(n for n in found if n not in _FIRST)
    return {n: found[n] for n in order}


KINDS: dict[str, CardKind] = _discover()
"""Every registered kind by its ``kind:`` name."""


def get_kind(name: str) -> CardKind:
    """The kind called ``name`` (``KeyError`` if there is none)."""
    return KINDS[name]
