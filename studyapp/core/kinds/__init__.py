"""The registry of card kinds.

To add a kind, write a module exposing ``name``, ``doc``, ``fields``,
``check``, ``siblings``, ``render`` and ``answer_text`` (see
:class:`studyapp.core.kinds.base.CardKind`) and list it in ``_MODULES``.
"""

from __future__ import annotations

from typing import cast

from studyapp.core.kinds import basic, cloze, reversible
from studyapp.core.kinds.base import CardKind

__all__ = ["KINDS", "get_kind"]

_MODULES = (basic, reversible, cloze)

KINDS: dict[str, CardKind] = {cast(CardKind, m).name: cast(CardKind, m) for m in _MODULES}
"""Every registered kind by its ``kind:`` name."""


def get_kind(name: str) -> CardKind:
    """The kind called ``name`` (``KeyError`` if there is none)."""
    return KINDS[name]
