"""The card kinds: one module per kind, their registry, and what grading needs.

Every module in this package is a kind named after its module, except the
private ``_`` modules and the support modules in :data:`SUPPORT`: adding a
kind means adding one module, nothing else. A kind exposes ``name``, ``doc``,
``fields``, ``check``, ``siblings``, ``render`` and ``answer_text`` (see
:class:`studyapp.core.kinds.base.CardKind`); an objective kind also exposes
``interaction``, ``ask`` and ``grade`` (see
:class:`studyapp.core.kinds.grading.ObjectiveKind`). A kind may expose
``schema_rules``: JSON Schema keywords for rules across its fields (``answer``
or ``formula``), added to its card schema by :mod:`studyapp.core.library.schema`.

The support modules: ``base`` (the kind interface and field machinery),
``grading`` (questions, responses, grades), ``answers`` with ``answer_forms``
and ``answer_rules`` (reading typed answers), and ``units``, ``safe_eval`` and
``syringe`` (numeric answers). Layering: this package builds on
:mod:`studyapp.core.deck` only.

Kind modules are imported on first use, so showing a basic card never loads
the numeric kind's formula evaluator or the typed kind's fuzzy matcher; even
the package folder is listed only on the first lookup.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from typing import cast

from studyapp.core.kinds.base import CardKind

__all__ = ["KINDS", "SUPPORT", "get_kind"]

SUPPORT = frozenset(
    {"base", "grading", "answers", "answer_forms", "answer_rules", "units", "safe_eval", "syringe"}
)
"""The modules of this package that are not kinds."""

_FIRST = ("basic", "reversible", "cloze")
"""Listed first (in docs, the scaffold, the schema); the rest follow by name."""


class _Registry(Mapping[str, CardKind]):
    """Kind name -> kind module, imported when first looked up."""

    def __init__(self) -> None:
        self._found: list[str] | None = None
        self._loaded: dict[str, CardKind] = {}

    @property
    def _names(self) -> list[str]:
        """The kind names, from the package folder (listed on first use)."""
        if self._found is None:
            names = [
                info.name
                for info in pkgutil.iter_modules(__path__)
                if info.name not in SUPPORT and not info.name.startswith("_")
            ]
            self._found = [n for n in _FIRST if n in names] + sorted(
                n for n in names if n not in _FIRST
            )
        return self._found

    def __getitem__(self, name: str) -> CardKind:
        kind = self._loaded.get(name)
        if kind is None:
            if name not in self._names:
                raise KeyError(name)
            module = importlib.import_module(f"{__name__}.{name}")
            if getattr(module, "name", None) != name:
                raise RuntimeError(f"kind module {name!r} must define name = {name!r}")
            kind = self._loaded[name] = cast(CardKind, module)
        return kind

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


KINDS: Mapping[str, CardKind] = _Registry()
"""Every registered kind by its ``kind:`` name."""


def get_kind(name: str) -> CardKind:
    """The kind called ``name`` (``KeyError`` if there is none)."""
    return KINDS[name]
