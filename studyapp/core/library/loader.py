"""Load and validate one deck file, reporting every problem with its position.

The loader never raises on bad input: it returns a :class:`LoadResult` whose
``diagnostics`` say what is wrong (``path:line:col: error: message``) and
whose ``deck`` is ``None`` when any error was found. All errors in a file are
reported, not just the first. The deck's fields and the checks each goes
through are :mod:`studyapp.core.library._fields` (exported here as before).
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from studyapp.core.deck.evidence import EVIDENCE, suggest_evidence
from studyapp.core.deck.model import Card, Citation, Deck, Diagnostic, LoadResult, Severity, Source
from studyapp.core.deck.positions import card_positions, key_position, section_positions
from studyapp.core.deck.text import sanitize
from studyapp.core.deck.yamlsafe import MAX_BYTES, Node, read_yaml
from studyapp.core.kinds import KINDS
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType
from studyapp.core.library._fields import (
    CARD_FIELDS,
    CITATION_FIELDS,
    CITATION_KEYS,
    DECK_FIELDS,
    SLUG,
    SOURCE_FIELDS,
    Collector,
    check_field,
    check_keys,
    check_required,
    scalar_text,
    type_name,
)
from studyapp.core.library.files import read_deck_file

__all__ = [
    "CARD_FIELDS",
    "CITATION_FIELDS",
    "DECK_FIELDS",
    "SLUG",
    "SOURCE_FIELDS",
    "LoadResult",
    "load_deck_bytes",
    "load_deck_file",
    "read_deck_file",
]


def load_deck_file(path: Path | str) -> LoadResult:
    """Read and load the deck file at ``path``."""
    data = read_deck_file(path)
    return data if isinstance(data, LoadResult) else load_deck_bytes(data, str(path))


def load_deck_bytes(data: bytes, path: str) -> LoadResult:
    """Load a deck from the raw bytes of a file called ``path``."""
    out = Collector(path)
    if len(data) > MAX_BYTES:
        out.error(1, 1, f"file is larger than the {MAX_BYTES // 1048576} MiB limit", "too-large")
        return LoadResult(path, None, tuple(out.items))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # "utf-8-sig" reports offsets after the BOM, if there is one.
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        bad = exc.start + bom
        line = data.count(b"\n", 0, bad) + 1
        line_start = max(data.rfind(b"\n", 0, bad) + 1, bom)
        # Columns count characters, like every other diagnostic (the bytes
        # before the bad one decoded fine; a BOM is not a column).
        col = len(data[line_start:bad].decode("utf-8")) + 1
        out.error(line, col, f"file is not valid UTF-8 (byte 0x{data[bad]:02x})", "encoding")
        return LoadResult(path, None, tuple(out.items))
    root, problems = read_yaml(text)
    for problem in problems:
        report = out.warning if problem.severity is Severity.WARNING else out.error
        report(problem.line, problem.col, problem.message, problem.rule)
    if root is None or (root.value is None and not problems):
        # A bare "---" or "~" document holds nothing either.
        if not problems:
            out.error(1, 1, "file is empty: a deck needs 'deck', 'title' and 'cards'", "empty")
        return LoadResult(path, None, tuple(out.items))
    deck = _deck(root, out)
    has_errors = any(d.severity is Severity.ERROR for d in out.items)
    ordered = tuple(sorted(out.items, key=lambda d: (d.line, d.col)))
    return LoadResult(path, None if has_errors else deck, ordered)


def _deck(root: Node, out: Collector) -> Deck | None:
    if not isinstance(root.value, dict):
        out.at(
            root, f"a deck file must be a mapping at the top level, not {type_name(root)}", "root"
        )
        return None
    check_keys(root, (s.name for s in DECK_FIELDS), out, "the deck")
    check_required(root, DECK_FIELDS, out, "the deck")
    fields = root.value
    values: dict[str, Any] = {}
    for spec in DECK_FIELDS:
        if spec.name in fields and spec.name not in ("sources", "cards"):
            values[spec.name] = check_field(spec, fields[spec.name], out)
    sources = _sources(fields.get("sources"), out)
    cards = _cards(fields.get("cards"), sources, out)
    deck_id = values.get("deck")
    title = values.get("title")
    if deck_id is None or title is None or cards is None:
        return None
    return Deck(
        id=deck_id,
        title=title,
        description=values.get("description") or "",
        path=out.path,
        cards=tuple(cards),
        sources=sources,
        caveat=values.get("caveat"),
    )


def _sources(node: Node | None, out: Collector) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    if node is None:
        return sources
    if not isinstance(node.value, dict):
        out.at(
            node,
            f"'sources' must be a mapping of source keys, not {type_name(node)}",
            "wrong-type",
        )
        return sources
    for key, source_node in node.value.items():
        if not isinstance(source_node.value, dict):
            out.at(
                source_node,
                f"source '{key}' must be a mapping, not {type_name(source_node)}",
                "wrong-type",
            )
            continue
        check_keys(source_node, (s.name for s in SOURCE_FIELDS), out, f"source '{key}'")
        check_required(source_node, SOURCE_FIELDS, out, f"source '{key}'")
        fields = source_node.value
        title = check_field(SOURCE_FIELDS[0], fields["title"], out) if "title" in fields else None
        sections: tuple[str, ...] = ()
        if "sections" in fields:
            sections = check_field(SOURCE_FIELDS[1], fields["sections"], out)
        references: dict[str, str] = {}
        refs_node = fields.get("references")
        if refs_node is not None:
            if not isinstance(refs_node.value, dict):
                out.at(refs_node, "'references' must map reference numbers to text", "wrong-type")
            else:
                for number, ref_node in refs_node.value.items():
                    text = scalar_text(ref_node, f"reference {number}", out)
                    if text is not None:
                        references[number] = sanitize(text).strip()
        sources[key] = Source(
            key,
            title or key,
            sections,
            references,
            *key_position(node, key, source_node),
            section_positions(fields.get("sections")),
        )
    return sources


_ALL_KIND_FIELDS: dict[str, str] = {}
"""field name -> the first kind (in registry order) that has it, for hints."""
for _kind in KINDS.values():
    for _spec in _kind.fields:
        _ALL_KIND_FIELDS.setdefault(_spec.name, f"kind '{_kind.name}'")


def _cards(node: Node | None, sources: Mapping[str, Source], out: Collector) -> list[Card] | None:
    if node is None:
        return None
    if not isinstance(node.value, list):
        out.at(node, f"'cards' must be a list of cards, not {type_name(node)}", "wrong-type")
        return None
    cards: list[Card] = []
    seen: dict[str, Node] = {}
    for card_node in node.value:
        duplicate = False
        id_node = card_node.value.get("id") if isinstance(card_node.value, dict) else None
        if id_node is not None and isinstance(id_node.value, str):
            first = seen.get(id_node.value)
            if first is not None:
                message = f"duplicate card id '{id_node.value}' (first used at line {first.line})"
                out.at(id_node, message, "duplicate-id")
                duplicate = True
            else:
                seen[id_node.value] = id_node
        card = _card(card_node, sources, out)
        if card is not None and not duplicate:
            cards.append(card)
    if not node.value:
        out.at(node, "'cards' is empty: a deck needs at least one card", "empty-field")
    return cards


def _card(node: Node, sources: Mapping[str, Source], out: Collector) -> Card | None:
    if not isinstance(node.value, dict):
        out.at(node, f"a card must be a mapping, not {type_name(node)}", "wrong-type")
        return None
    fields: dict[str, Node] = node.value
    kind_name = "basic"
    kind_node = fields.get("kind")
    if kind_node is not None:
        kind_value = scalar_text(kind_node, "kind", out, allow_numbers=False)
        if kind_value is None:
            return None
        if kind_value not in KINDS:
            close = difflib.get_close_matches(kind_value, list(KINDS), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(KINDS)})"
            out.at(kind_node, f"unknown card kind '{kind_value}'{hint}", "unknown-kind")
            return None
        kind_name = kind_value
    kind = KINDS[kind_name]
    specs = CARD_FIELDS + kind.fields
    allowed = [s.name for s in specs]
    check_keys(
        node,
        allowed,
        out,
        f"a {kind_name} card",
        {k: v for k, v in _ALL_KIND_FIELDS.items() if k not in allowed},
    )
    complete = check_required(node, specs, out, f"{kind_name} card")
    values: dict[str, Any] = {}
    before = len(out.items)
    for spec in CARD_FIELDS:
        if spec.name in fields and spec.name != "kind":
            if spec.type is FieldType.CITATION:
                values[spec.name] = _citation(fields[spec.name], sources, out)
            elif spec.name == "evidence":
                values[spec.name] = _evidence(spec, fields[spec.name], out)
            else:
                values[spec.name] = check_field(spec, fields[spec.name], out)
    for spec in kind.fields:
        if spec.name in fields:
            # Type errors only; the kind reads and checks the content itself.
            if spec.type is FieldType.TEXT:
                scalar_text(fields[spec.name], spec.name, out)
            else:
                check_field(spec, fields[spec.name], out)
    # The kind checks its own fields even when a common one (id, topic) is
    # missing, so every error of the card is reported at once; an absent kind
    # field is not reported twice (``CheckContext.text`` is silent about it).
    ctx = CheckContext(out.path, node, fields)
    data = kind.check(ctx)
    out.items.extend(ctx.diagnostics)
    if "source" not in fields and sources:
        out.warning(
            node.line,
            node.col,
            f"card '{values.get('id') or '?'}' has no 'source'",
            "missing-source",
        )
    if not complete or data is None or _has_error(out.items[before:]):
        return None
    card = Card(
        id=values["id"],
        kind=kind_name,
        topic=values["topic"],
        line=node.line,
        data=data,
        tags=values.get("tags") or (),
        source=values.get("source"),
        explain=values.get("explain"),
        caveat=values.get("caveat"),
        evidence=values.get("evidence"),
        positions=card_positions(node, fields),
    )
    return replace(card, siblings=kind.siblings(card))


def _has_error(items: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in items)


def _evidence(spec: FieldSpec, node: Node, out: Collector) -> str | None:
    """The card's evidence level: one of :data:`EVIDENCE`, else an error with a suggestion."""
    value: str | None = check_field(spec, node, out)
    if value is None or value in EVIDENCE:
        return value
    close = suggest_evidence(value)
    hint = f"; did you mean '{close}'?" if close else f" (known: {', '.join(EVIDENCE)})"
    out.at(node, f"unknown evidence '{value}'{hint}", "unknown-evidence")
    return None


def _citation(node: Node, sources: Mapping[str, Source], out: Collector) -> Citation | None:
    if not isinstance(node.value, dict):
        out.at(
            node,
            f"'source' must be a mapping {{key, section, refs}}, not {type_name(node)}",
            "wrong-type",
        )
        return None
    check_keys(node, CITATION_KEYS, out, "'source'")
    fields = node.value
    for required in ("key", "section"):
        if required not in fields:
            out.at(node, f"'source' is missing required key '{required}'", "missing-key")
    key_node, section_node = fields.get("key"), fields.get("section")
    if key_node is None or section_node is None:
        return None
    key = scalar_text(key_node, "key", out, allow_numbers=False)
    section = scalar_text(section_node, "section", out)
    if key is None or section is None:
        return None
    source = sources.get(key)
    if source is None:
        declared = ", ".join(sources) or "none declared"
        out.at(key_node, f"unknown source '{key}' (declared: {declared})", "unknown-source")
        return None
    if source.sections and section not in source.sections:
        close = difflib.get_close_matches(section, source.sections, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        out.at(section_node, f"source '{key}' has no section '{section}'{hint}", "unknown-section")
        return None
    refs: list[str] = []
    refs_node = fields.get("refs")
    if refs_node is not None:
        items = refs_node.value if isinstance(refs_node.value, list) else [refs_node]
        for item in items:
            ref = scalar_text(item, "refs", out)
            if ref is None:
                continue
            if ref not in source.references:
                out.at(item, f"source '{key}' has no reference {ref}", "unknown-reference")
                continue
            refs.append(ref)
    return Citation(key, section, tuple(refs))
