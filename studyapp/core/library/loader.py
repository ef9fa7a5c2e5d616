"""Load and validate one deck file, reporting every problem with its position.

The loader never raises on bad input: it returns a :class:`LoadResult` whose
``diagnostics`` say what is wrong (``path:line:col: error: message``) and
whose ``deck`` is ``None`` when any error was found. All errors in a file are
reported, not just the first.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import stat
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

__all__ = [
    "CARD_FIELDS",
    "CITATION_FIELDS",
    "DECK_FIELDS",
    "SOURCE_FIELDS",
    "LoadResult",
    "load_deck_bytes",
    "load_deck_file",
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


def _one_line(message: str) -> str:
    """A message safe to print: messages quote deck text (keys, kind names,
    sections), which may hold escape sequences or newlines."""
    return " ".join(sanitize(message).splitlines())


class _Collector:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Diagnostic] = []

    def error(self, line: int, col: int, message: str, rule: str) -> None:
        message = _one_line(message)
        self.items.append(Diagnostic(self.path, line, col, Severity.ERROR, message, rule))

    def warning(self, line: int, col: int, message: str, rule: str) -> None:
        message = _one_line(message)
        self.items.append(Diagnostic(self.path, line, col, Severity.WARNING, message, rule))

    def at(self, node: Node, message: str, rule: str) -> None:
        self.error(node.line, node.col, message, rule)


def load_deck_file(path: Path | str) -> LoadResult:
    """Read and load the deck file at ``path``."""
    data = read_deck_file(path)
    return data if isinstance(data, LoadResult) else load_deck_bytes(data, str(path))


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a folder"),
)


def read_deck_file(path: Path | str) -> bytes | LoadResult:
    """The bytes of a deck file (up to one past the size limit), or a load
    result with the reason it cannot be read. Only a regular file is opened:
    a FIFO, socket or device is never opened (reading one can wait forever)."""
    name = str(path)
    try:
        mode = os.stat(path).st_mode
        for test, what in _NOT_REGULAR:
            if test(mode):
                message = f"not a regular file ({what}): skipped"
                return LoadResult(
                    name, None, (Diagnostic(name, 1, 1, Severity.ERROR, message, "io"),)
                )
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        diag = Diagnostic(name, 1, 1, Severity.ERROR, f"cannot read file: {reason}", "io")
        return LoadResult(name, None, (diag,))


def load_deck_bytes(data: bytes, path: str) -> LoadResult:
    """Load a deck from the raw bytes of a file called ``path``."""
    out = _Collector(path)
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


def _type_name(node: Node) -> str:
    return node.description


def _check_keys(
    node: Node,
    allowed: Iterable[str],
    out: _Collector,
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


def _check_required(node: Node, specs: Iterable[FieldSpec], out: _Collector, what: str) -> bool:
    ok = True
    assert isinstance(node.value, dict)
    for spec in specs:
        if spec.required and spec.name not in node.value:
            out.at(node, f"{what} is missing required key '{spec.name}'", "missing-key")
            ok = False
    return ok


def _scalar_text(
    node: Node, name: str, out: _Collector, *, allow_numbers: bool = True
) -> str | None:
    value = node.value
    if isinstance(value, str):
        return value
    if allow_numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
        # The text as written: ``1.50`` stays "1.50", not "1.5".
        return node.raw if node.raw is not None else str(value)
    out.at(node, f"'{name}' must be text, not {_type_name(node)}", "wrong-type")
    return None


def _check_field(spec: FieldSpec, node: Node, out: _Collector) -> Any:
    """Type-check one field; returns the cleaned value or ``None`` if invalid."""
    if spec.type in (FieldType.TEXT, FieldType.STRING):
        text = _scalar_text(node, spec.name, out, allow_numbers=spec.type is FieldType.TEXT)
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
            text = _scalar_text(item, spec.name, out)
            if text is not None and sanitize(text).strip():
                cleaned.append(sanitize(text).strip())
        return tuple(cleaned)
    if spec.type is FieldType.NUMBER:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            out.at(node, f"'{spec.name}' must be a number, not {_type_name(node)}", "wrong-type")
            return None
        return value
    if spec.type is FieldType.BOOL:
        if not isinstance(node.value, bool):
            out.at(
                node, f"'{spec.name}' must be true or false, not {_type_name(node)}", "wrong-type"
            )
            return None
        return node.value
    expected = {FieldType.LIST: ("seq", "a list"), FieldType.MAPPING: ("map", "a mapping")}
    kind, name = expected[spec.type]  # CITATION is checked by _citation
    if node.kind != kind:
        out.at(node, f"'{spec.name}' must be {name}, not {_type_name(node)}", "wrong-type")
        return None
    return node.value


def _deck(root: Node, out: _Collector) -> Deck | None:
    if not isinstance(root.value, dict):
        out.at(
            root, f"a deck file must be a mapping at the top level, not {_type_name(root)}", "root"
        )
        return None
    _check_keys(root, (s.name for s in DECK_FIELDS), out, "the deck")
    _check_required(root, DECK_FIELDS, out, "the deck")
    fields = root.value
    values: dict[str, Any] = {}
    for spec in DECK_FIELDS:
        if spec.name in fields and spec.name not in ("sources", "cards"):
            values[spec.name] = _check_field(spec, fields[spec.name], out)
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


def _sources(node: Node | None, out: _Collector) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    if node is None:
        return sources
    if not isinstance(node.value, dict):
        out.at(
            node,
            f"'sources' must be a mapping of source keys, not {_type_name(node)}",
            "wrong-type",
        )
        return sources
    for key, source_node in node.value.items():
        if not isinstance(source_node.value, dict):
            out.at(
                source_node,
                f"source '{key}' must be a mapping, not {_type_name(source_node)}",
                "wrong-type",
            )
            continue
        _check_keys(source_node, (s.name for s in SOURCE_FIELDS), out, f"source '{key}'")
        _check_required(source_node, SOURCE_FIELDS, out, f"source '{key}'")
        fields = source_node.value
        title = _check_field(SOURCE_FIELDS[0], fields["title"], out) if "title" in fields else None
        sections: tuple[str, ...] = ()
        if "sections" in fields:
            sections = _check_field(SOURCE_FIELDS[1], fields["sections"], out)
        references: dict[str, str] = {}
        refs_node = fields.get("references")
        if refs_node is not None:
            if not isinstance(refs_node.value, dict):
                out.at(refs_node, "'references' must map reference numbers to text", "wrong-type")
            else:
                for number, ref_node in refs_node.value.items():
                    text = _scalar_text(ref_node, f"reference {number}", out)
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


def _cards(node: Node | None, sources: Mapping[str, Source], out: _Collector) -> list[Card] | None:
    if node is None:
        return None
    if not isinstance(node.value, list):
        out.at(node, f"'cards' must be a list of cards, not {_type_name(node)}", "wrong-type")
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


def _card(node: Node, sources: Mapping[str, Source], out: _Collector) -> Card | None:
    if not isinstance(node.value, dict):
        out.at(node, f"a card must be a mapping, not {_type_name(node)}", "wrong-type")
        return None
    fields: dict[str, Node] = node.value
    kind_name = "basic"
    kind_node = fields.get("kind")
    if kind_node is not None:
        kind_value = _scalar_text(kind_node, "kind", out, allow_numbers=False)
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
    _check_keys(
        node,
        allowed,
        out,
        f"a {kind_name} card",
        {k: v for k, v in _ALL_KIND_FIELDS.items() if k not in allowed},
    )
    complete = _check_required(node, specs, out, f"{kind_name} card")
    values: dict[str, Any] = {}
    before = len(out.items)
    for spec in CARD_FIELDS:
        if spec.name in fields and spec.name != "kind":
            if spec.type is FieldType.CITATION:
                values[spec.name] = _citation(fields[spec.name], sources, out)
            elif spec.name == "evidence":
                values[spec.name] = _evidence(spec, fields[spec.name], out)
            else:
                values[spec.name] = _check_field(spec, fields[spec.name], out)
    for spec in kind.fields:
        if spec.name in fields:
            # Type errors only; the kind reads and checks the content itself.
            if spec.type is FieldType.TEXT:
                _scalar_text(fields[spec.name], spec.name, out)
            else:
                _check_field(spec, fields[spec.name], out)
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


def _evidence(spec: FieldSpec, node: Node, out: _Collector) -> str | None:
    """The card's evidence level: one of :data:`EVIDENCE`, else an error with a suggestion."""
    value: str | None = _check_field(spec, node, out)
    if value is None or value in EVIDENCE:
        return value
    close = suggest_evidence(value)
    hint = f"; did you mean '{close}'?" if close else f" (known: {', '.join(EVIDENCE)})"
    out.at(node, f"unknown evidence '{value}'{hint}", "unknown-evidence")
    return None


def _citation(node: Node, sources: Mapping[str, Source], out: _Collector) -> Citation | None:
    if not isinstance(node.value, dict):
        out.at(
            node,
            f"'source' must be a mapping {{key, section, refs}}, not {_type_name(node)}",
            "wrong-type",
        )
        return None
    _check_keys(node, CITATION_KEYS, out, "'source'")
    fields = node.value
    for required in ("key", "section"):
        if required not in fields:
            out.at(node, f"'source' is missing required key '{required}'", "missing-key")
    key_node, section_node = fields.get("key"), fields.get("section")
    if key_node is None or section_node is None:
        return None
    key = _scalar_text(key_node, "key", out, allow_numbers=False)
    section = _scalar_text(section_node, "section", out)
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
            ref = _scalar_text(item, "refs", out)
            if ref is None:
                continue
            if ref not in source.references:
                out.at(item, f"source '{key}' has no reference {ref}", "unknown-reference")
                continue
            refs.append(ref)
    return Citation(key, section, tuple(refs))
