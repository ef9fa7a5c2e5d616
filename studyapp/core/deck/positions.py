"""Where things are written in a deck file, kept on loaded sources and cards.

The linter (:mod:`studyapp.core.library.lint`) reports problems it finds after
loading at the offending value, not just at the card: the loader records
these positions (``Card.positions``, ``Source.line``/``col`` and
``Source.section_positions``) with the helpers here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from studyapp.core.deck.model import Positions
from studyapp.core.deck.text import sanitize

if TYPE_CHECKING:
    from studyapp.core.deck.yamlsafe import Node

__all__ = [
    "POSITION_FIELDS",
    "POSITION_LISTS",
    "card_positions",
    "key_position",
    "section_positions",
]


def key_position(mapping: Node, key: str, value: Node) -> tuple[int, int]:
    """Where ``key`` is written in ``mapping`` (its value's position if unknown)."""
    key_node = (mapping.keys or {}).get(key, value)
    return key_node.line, key_node.col


def section_positions(node: Node | None) -> dict[str, tuple[int, int]]:
    """Where each section name is declared (the first time), for lint positions."""
    if node is None:
        return {}
    items = node.value if isinstance(node.value, list) else [node]
    out: dict[str, tuple[int, int]] = {}
    for item in items:
        if isinstance(item.value, str):
            out.setdefault(sanitize(item.value).strip(), (item.line, item.col))
        elif item.raw is not None:
            out.setdefault(sanitize(item.raw).strip(), (item.line, item.col))
    return out


POSITION_FIELDS = (
    "question",
    "statement",
    "front",
    "back",
    "text",
    "answer",
    "formula",
    "template",
)
"""Card fields whose value positions a card keeps (see ``Card.positions``)."""
POSITION_LISTS = ("choices", "distractors")
"""Card fields whose items' positions a card keeps (for a choice, its ``text``)."""


def card_positions(node: Node, fields: Mapping[str, Node]) -> Positions:
    """The positions a card keeps: itself (``""``), its text fields, its options."""
    positions = {"": (node.line, node.col)}
    for name in POSITION_FIELDS:
        if name in fields:
            positions[name] = (fields[name].line, fields[name].col)
    for name in POSITION_LISTS:
        items = fields[name].value if name in fields else None
        for number, item in enumerate(items if isinstance(items, list) else ()):
            where = item.value.get("text", item) if isinstance(item.value, dict) else item
            positions[f"{name}.{number}"] = (where.line, where.col)
    return Positions.of(positions)
