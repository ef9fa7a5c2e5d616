"""What every card kind provides, and the shared field machinery.

A kind is a module-level object registered in :mod:`studyapp.core.kinds`.
It declares its fields (names, types, docs: the loader validates them and a
JSON Schema can be generated from them), checks the card's content, names
the card's siblings and renders a sibling's faces. Adding a kind means adding
one module (the registry finds it); no screen needs editing for kinds that
are studied by flipping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from studyapp.core.deck.model import Card, Diagnostic, Face, Severity
from studyapp.core.deck.text import sanitize

if TYPE_CHECKING:
    from studyapp.core.deck.yamlsafe import Node

__all__ = ["CardKind", "CheckContext", "FieldSpec", "FieldType"]


class FieldType(StrEnum):
    TEXT = "text"
    """A non-empty string of card text (sanitised)."""
    STRING = "string"
    """A non-empty plain string (ids, topics)."""
    STRING_LIST = "string-list"
    """A list of non-empty strings (or a single string)."""
    CITATION = "citation"
    """A mapping ``{key, section, refs}``."""
    MAPPING = "mapping"
    """A mapping with its own structure (checked by its owner)."""
    LIST = "list"
    """A list with its own structure (checked by its owner)."""
    NUMBER = "number"
    """An integer or a decimal number."""
    BOOL = "bool"
    """``true`` or ``false``."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a card or deck: its name, type, and documentation."""

    name: str
    type: FieldType
    required: bool = False
    doc: str = ""
    pattern: str | None = None
    of: FieldType | tuple[FieldSpec, ...] | None = None
    """What a ``LIST`` holds or a ``MAPPING`` maps to: scalars of one type, or
    mappings with these fields (for the JSON Schema; the owner checks them)."""
    positional: bool = False
    """A mapping of ``of`` may also be written as a list of its values, in
    field order (``[left, right]`` for ``{left, right}``)."""
    schema: Mapping[str, Any] | None = field(default=None, compare=False)
    """Extra JSON Schema keywords for rules the kind checks (bounds, enums);
    ``{"$ref": "#/$defs/text"}`` names a field type (see :mod:`studyapp.core.library.schema`)."""


class CheckContext:
    """Collects diagnostics for one card while its kind validates it."""

    def __init__(self, path: str, card_node: Node, fields: Mapping[str, Node]) -> None:
        self.path = path
        self.card_node = card_node
        self.fields = fields
        self.diagnostics: list[Diagnostic] = []

    def error(self, node: Node | None, message: str, rule: str) -> None:
        where = node or self.card_node
        message = " ".join(sanitize(message).splitlines())  # it may quote deck text
        self.diagnostics.append(
            Diagnostic(self.path, where.line, where.col, Severity.ERROR, message, rule)
        )

    def warning(self, node: Node | None, message: str, rule: str) -> None:
        where = node or self.card_node
        message = " ".join(sanitize(message).splitlines())  # it may quote deck text
        self.diagnostics.append(
            Diagnostic(self.path, where.line, where.col, Severity.WARNING, message, rule)
        )

    def text(self, name: str) -> str | None:
        """The sanitised text of field ``name``, or ``None`` if absent or empty.

        Type errors have already been reported by the loader; an empty or
        whitespace-only value is reported here.
        """
        node = self.fields.get(name)
        if node is None or isinstance(node.value, bool):
            return None
        if isinstance(node.value, str):
            value = node.value
        elif isinstance(node.value, (int, float)):
            # Numbers are text as written: ``1.50`` stays "1.50".
            value = node.raw if node.raw is not None else str(node.value)
        else:
            return None
        text = sanitize(value).strip()
        if not text:
            self.error(node, f"'{name}' is empty", "empty-field")
            return None
        return text


class CardKind(Protocol):
    """The interface every card kind implements."""

    name: str
    """The value of ``kind:`` in a deck."""
    doc: str
    fields: tuple[FieldSpec, ...]
    """Kind-specific fields (the common ones are in the loader)."""

    def check(self, ctx: CheckContext) -> dict[str, Any] | None:
        """Validate the kind's fields; return the card data or ``None`` on error."""
        ...

    def siblings(self, card: Card) -> tuple[str, ...]:
        """The sibling names this card yields, in study order."""
        ...

    def render(self, card: Card, sibling: str) -> Face:
        """The faces of one sibling."""
        ...

    def answer_text(self, card: Card) -> list[str]:
        """The card's answer(s) as plain strings (for lints and distractors)."""
        ...


Renderer = Callable[[Card, str], Face]
