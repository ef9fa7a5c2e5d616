"""A JSON Schema (draft 2020-12) of the deck format, generated from the loader's definitions.

Nothing here names a field: every property, type, requirement and description
comes from the :class:`~studyapp.core.kinds.base.FieldSpec` tuples the loader
validates with (:data:`~studyapp.core.library.loader.DECK_FIELDS`, ``SOURCE_FIELDS``,
``CITATION_FIELDS``, ``CARD_FIELDS``) and from each registered kind's
``fields`` (plus its optional ``schema_rules``: rules across fields, such as
"``answer`` or ``formula``"). Adding a field or a kind changes the schema with
no edit here. This module only composes them the way the loader does: the
deck's ``sources`` map keys to sources, and ``cards`` are dispatched on
``kind`` (``if``/``then`` per kind, so each kind's own fields are required and
no others are allowed).

Editors use the schema (through yaml-language-server) for completion, hover
help and validation while typing; ``studyapp check`` remains the authority:
see :data:`LEFT_TO_CHECK`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from studyapp.core.kinds import KINDS
from studyapp.core.kinds.base import FieldSpec, FieldType
from studyapp.core.library.loader import (
    CARD_FIELDS,
    CITATION_FIELDS,
    DECK_FIELDS,
    SOURCE_FIELDS,
)

__all__ = ["DEFAULT_KIND", "DRAFT", "LEFT_TO_CHECK", "deck_schema", "schema_json"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_KIND = "basic"
"""The kind of a card without ``kind:`` (as the loader reads it; a test checks)."""

LEFT_TO_CHECK = (
    "card ids unique in the deck",
    "a citation's key, section and refs declared in 'sources'",
    "cloze {{...}} syntax",
    "texts compared loosely (duplicate choices, items or pairs ignoring case and spacing; "
    "a reversible card's two sides; a distractor equal to the answer)",
    "typed answers having a letter or digit",
    "numeric formulas, {placeholders}, unit spellings, param ranges and reserved param names, "
    "'syringe' needing a volume unit, and 'count' against the wrong options listed",
    "duplicate YAML keys, and text that is empty once control characters are removed",
    "every warning (missing source or explain, and the other lint rules)",
)
"""What ``studyapp check`` verifies that the schema cannot express."""

_TYPE_DEFS: dict[FieldType, dict[str, Any]] = {
    FieldType.TEXT: {
        "$comment": "Card text: a non-empty string; a number is taken as written.",
        "type": ["string", "number"],
        "pattern": r"\S",
    },
    FieldType.STRING: {
        "$comment": "A non-empty plain string (no number).",
        "type": "string",
        "pattern": r"\S",
    },
    FieldType.STRING_LIST: {
        "$comment": "A list of strings, or a single string.",
        "anyOf": [
            {"type": ["string", "number"]},
            {"type": "array", "items": {"type": ["string", "number"]}},
        ],
    },
}
"""Scalar field types: inlined in each field (a ``$ref`` with sibling keywords is
read differently by draft-07 tools), and in ``$defs`` by their :class:`FieldType`
value for ``FieldSpec.schema`` extras to refer to."""


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _type_schema(
    kind: FieldType, of: FieldType | tuple[FieldSpec, ...] | None, positional: bool
) -> dict[str, Any]:
    if kind in _TYPE_DEFS:
        return {key: value for key, value in _TYPE_DEFS[kind].items() if key != "$comment"}
    if kind is FieldType.CITATION:
        return _ref("citation")
    if kind is FieldType.NUMBER:
        return {"type": "number"}
    if kind is FieldType.BOOL:
        return {"type": "boolean"}
    inner = None if of is None else _of_schema(of, positional)
    if kind is FieldType.LIST:
        return {"type": "array"} if inner is None else {"type": "array", "items": inner}
    assert kind is FieldType.MAPPING, kind
    if inner is None:
        return {"type": "object"}
    return {"type": "object", "additionalProperties": inner}


def _of_schema(of: FieldType | tuple[FieldSpec, ...], positional: bool) -> dict[str, Any]:
    """The schema of one item of a list, or one value of a mapping."""
    if isinstance(of, FieldType):
        return _type_schema(of, None, False)
    mapping = object_schema(of)
    if not positional:
        return mapping
    as_list = {
        "type": "array",
        "prefixItems": [field_schema(spec) for spec in of],
        "minItems": sum(spec.required for spec in of),
        "maxItems": len(of),
    }
    return {"anyOf": [as_list, mapping]}


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """The schema of one field: its type, pattern, description and extra rules."""
    out: dict[str, Any] = {"description": spec.doc} if spec.doc else {}
    out.update(_type_schema(spec.type, spec.of, spec.positional))
    if spec.pattern:
        out["pattern"] = spec.pattern
    if spec.schema:
        out.update(spec.schema)
    return out


def object_schema(
    specs: Iterable[FieldSpec], *, description: str | None = None, closed: bool = True
) -> dict[str, Any]:
    """A mapping with these fields; ``closed``: no other key is allowed (as the loader)."""
    specs = tuple(specs)
    out: dict[str, Any] = {"description": description} if description else {}
    out["type"] = "object"
    out["properties"] = {spec.name: field_schema(spec) for spec in specs}
    required = [spec.name for spec in specs if spec.required]
    if required:
        out["required"] = required
    if closed:
        out["additionalProperties"] = False
    return out


def _card_of_kind(name: str) -> dict[str, Any]:
    kind = KINDS[name]
    specs = CARD_FIELDS + tuple(kind.fields)
    out = object_schema(specs, description=f"A {name} card: {kind.doc}")
    out["properties"]["kind"] = {**out["properties"]["kind"], "const": name}
    rules: Mapping[str, Any] = getattr(kind, "schema_rules", None) or {}
    clash = set(rules) & set(out)
    if clash:
        raise ValueError(f"kind {name!r}: schema_rules may not set {sorted(clash)}")
    out.update(rules)
    return out


def _card_dispatch() -> dict[str, Any]:
    """A card: ``kind`` (default basic) selects which closed card schema applies."""
    names = list(KINDS)
    kind_spec = next(spec for spec in CARD_FIELDS if spec.name == "kind")
    listing = "; ".join(f"{name}: {KINDS[name].doc}" for name in names)
    kind_schema = {
        **field_schema(kind_spec),
        "enum": names,
        "default": DEFAULT_KIND,
        "description": f"{kind_spec.doc} {listing}",
    }
    cases = []
    for name in names:
        condition: dict[str, Any] = {"properties": {"kind": {"const": name}}}
        if name != DEFAULT_KIND:  # the default kind also applies when 'kind' is absent
            condition["required"] = ["kind"]
        cases.append({"if": condition, "then": _ref(f"card-{name}")})
    # The common fields are in each kind's closed schema (not repeated here,
    # so that an error is reported once).
    return {
        "description": "A card. Its 'kind' (default basic) says which other fields it has.",
        "type": "object",
        "properties": {"kind": kind_schema},
        "allOf": cases,
    }


def deck_schema() -> dict[str, Any]:
    """The JSON Schema of a deck file, as a JSON-ready dict."""
    defs: dict[str, Any] = {kind.value: dict(schema) for kind, schema in _TYPE_DEFS.items()}
    defs["citation"] = object_schema(
        CITATION_FIELDS, description="Where a card's facts come from: {key, section, refs}."
    )
    defs["source"] = object_schema(SOURCE_FIELDS, description="A citable source.")
    defs["card"] = _card_dispatch()
    for name in KINDS:
        defs[f"card-{name}"] = _card_of_kind(name)
    deck = object_schema(DECK_FIELDS)
    deck["properties"]["sources"]["additionalProperties"] = _ref("source")
    deck["properties"]["cards"].update(minItems=1, items=_ref("card"))
    unchecked = "; ".join(LEFT_TO_CHECK)
    schema = {
        "$schema": DRAFT,
        "title": "studyapp deck",
        "description": (
            "A studyapp flashcard deck (docs/deck-format.md). Generated by 'studyapp schema' "
            "from the loader's field definitions. 'studyapp check' also verifies what a "
            f"schema cannot express: {unchecked}."
        ),
        **deck,
        "$defs": defs,
    }
    # A deep, JSON-only copy: nothing returned is shared with the FieldSpecs.
    copied: dict[str, Any] = json.loads(json.dumps(schema))
    return copied


def schema_json() -> str:
    """The schema as stable, indented JSON text with a final newline."""
    return json.dumps(deck_schema(), indent=2, ensure_ascii=False) + "\n"
