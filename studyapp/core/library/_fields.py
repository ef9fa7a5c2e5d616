"""The fields of a deck file and the checks every field goes through.

Rule: a field is checked against its :class:`~studyapp.core.kinds.base.FieldSpec`
(type, required, pattern) and every problem is reported at its node through a
:class:`Collector`, never raised; a bad field gives ``None`` and checking goes
on, so all errors in a file are reported. Deck, source, card and citation
fields are declared here; each kind declares its own
(:mod:`studyapp.core.kinds`). Loading a file is :mod:`studyapp.core.library.loader`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from studyapp.core.deck.evidence import EVIDENCE
from studyapp.core.deck.model import Diagnostic, Severity
from studyapp.core.deck.text import sanitize
from studyapp.core.deck.yamlsafe import Node
from studyapp.core.kinds.base import FieldSpec, FieldType

__all__ = [
    "CARD_FIELDS",
    "CARD_ID",
    "CITATION_FIELDS",
    "CITATION_KEYS",
    "DECK_FIELDS",
    "SLUG",
    "SOURCE_FIELDS",
    "Collector",
    "check_field",
    "check_keys",
    "check_required",
    "one_line",
    "scalar_text",
    "type_name",
]

SLUG = r"^[a-z0-9][a-z0-9_-]*$"
CARD_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

DECK_FIELDS = (
    FieldSpec(
        "deck", FieldType.STRING, True, "Stable deck id (a slug); keys review history.", SLUG
    ),
    FieldSpec("title", FieldType.TEXT, True, "Title shown in the app."),
    FieldSpec("description", FieldType.TEXT, False, "What the deck covers, caveats."),
    FieldSpec(
        "caveat",
        FieldType.TEXT,
        False,
        "Shown under the question of the deck's dosing cards (numeric, topic 'dosing' or a "
        "syringe) without a caveat of their own, and exported with them.",
    ),
    FieldSpec("sources", FieldType.MAPPING, False, "Citable sources, keyed by a short name."),
    FieldSpec("cards", FieldType.LIST, True, "The cards, in study order."),
)
SOURCE_FIELDS = (
    FieldSpec("title", FieldType.TEXT, True, "Title of the source."),
    FieldSpec("sections", FieldType.STRING_LIST, False, "Section names cards may cite."),
    FieldSpec(
        "references",
        FieldType.MAPPING,
        False,
        "Numbered references: number -> text.",
        of=FieldType.TEXT,
    ),
)
CARD_FIELDS = (
    FieldSpec("id", FieldType.STRING, True, "Stable id, unique in the deck.", CARD_ID),
    FieldSpec("kind", FieldType.STRING, False, "Card kind (default: basic)."),
    FieldSpec("topic", FieldType.STRING, True, "Topic, e.g. history, mechanism, pathway.", SLUG),
    FieldSpec("tags", FieldType.STRING_LIST, False, "Free tags."),
    FieldSpec("source", FieldType.CITATION, False, "Citation: {key, section, refs}."),
    FieldSpec("explain", FieldType.TEXT, False, "Shown after the answer."),
    FieldSpec(
        "caveat",
        FieldType.TEXT,
        False,
        "Shown under this card's question (instead of the deck's caveat), and exported with it.",
    ),
    FieldSpec(
        "evidence",
        FieldType.STRING,
        False,
        "What the card's claim rests on, shown after the answer: "
        + "; ".join(f"{value}: {meaning}" for value, meaning in EVIDENCE.items())
        + ".",
        schema={"enum": list(EVIDENCE)},
    ),
)
CITATION_FIELDS = (
    FieldSpec("key", FieldType.STRING, True, "A key of the deck's 'sources'."),
    FieldSpec("section", FieldType.TEXT, True, "One of that source's 'sections'."),
    FieldSpec("refs", FieldType.STRING_LIST, False, "Numbers of that source's 'references'."),
)
CITATION_KEYS = tuple(spec.name for spec in CITATION_FIELDS)


def one_line(message: str) -> str:
    """A message safe to print: messages quote deck text (keys, kind names,
    sections), which may hold escape sequences or newlines."""
    return " ".join(sanitize(message).splitlines())


class Collector:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Diagnostic] = []

    def error(self, line: int, col: int, message: str, rule: str) -> None:
        message = one_line(message)
        self.items.append(Diagnostic(self.path, line, col, Severity.ERROR, message, rule))

    def warning(self, line: int, col: int, message: str, rule: str) -> None:
        message = one_line(message)
        self.items.append(Diagnostic(self.path, line, col, Severity.WARNING, message, rule))

    def at(self, node: Node, message: str, rule: str) -> None:
        self.error(node.line, node.col, message, rule)


def type_name(node: Node) -> str:
    return node.description


def check_keys(
    node: Node,
    allowed: Iterable[str],
    out: Collector,
    what: str,
    elsewhere: Mapping[str, str] | None = None,
) -> None:
    allowed = list(allowed)
    assert node.keys is not None
    for key, key_node in node.keys.items():
        if key in allowed:
            continue
        hint = ""
        if elsewhere and key in elsewhere:
            hint = f" ('{key}' belongs to {elsewhere[key]})"
        else:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                hint = f"; did you mean '{close[0]}'?"
        out.at(key_node, f"unknown key '{key}' in {what}{hint}", "unknown-key")


def check_required(node: Node, specs: Iterable[FieldSpec], out: Collector, what: str) -> bool:
    ok = True
    assert isinstance(node.value, dict)
    for spec in specs:
        if spec.required and spec.name not in node.value:
            out.at(node, f"{what} is missing required key '{spec.name}'", "missing-key")
            ok = False
    return ok


def scalar_text(node: Node, name: str, out: Collector, *, allow_numbers: bool = True) -> str | None:
    value = node.value
    if isinstance(value, str):
        return value
    if allow_numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
        # The text as written: ``1.50`` stays "1.50", not "1.5".
        return node.raw if node.raw is not None else str(value)
    out.at(node, f"'{name}' must be text, not {type_name(node)}", "wrong-type")
    return None


def check_field(spec: FieldSpec, node: Node, out: Collector) -> Any:
    """Type-check one field; returns the cleaned value or ``None`` if invalid."""
    if spec.type in (FieldType.TEXT, FieldType.STRING):
        text = scalar_text(node, spec.name, out, allow_numbers=spec.type is FieldType.TEXT)
        if text is None:
            return None
        text = sanitize(text).strip()
        if not text:
            out.at(node, f"'{spec.name}' is empty", "empty-field")
            return None
        if spec.pattern and not re.match(spec.pattern, text):
            out.at(node, f"'{spec.name}' {text!r} must match {spec.pattern}", "bad-id")
            return None
        return text
    if spec.type is FieldType.STRING_LIST:
        items = node.value if isinstance(node.value, list) else [node]
        cleaned: list[str] = []
        for item in items:
            text = scalar_text(item, spec.name, out)
            if text is not None and sanitize(text).strip():
                cleaned.append(sanitize(text).strip())
        return tuple(cleaned)
    if spec.type is FieldType.NUMBER:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            out.at(node, f"'{spec.name}' must be a number, not {type_name(node)}", "wrong-type")
            return None
        return value
    if spec.type is FieldType.BOOL:
        if not isinstance(node.value, bool):
            out.at(
                node, f"'{spec.name}' must be true or false, not {type_name(node)}", "wrong-type"
            )
            return None
        return node.value
    expected = {FieldType.LIST: ("seq", "a list"), FieldType.MAPPING: ("map", "a mapping")}
    kind, name = expected[spec.type]  # CITATION is checked by _citation
    if node.kind != kind:
        out.at(node, f"'{spec.name}' must be {name}, not {type_name(node)}", "wrong-type")
        return None
    return node.value
