"""A YAML deck from a table of cards (CSV/TSV, ours or Anki's).

Each row becomes a card of kind ``basic``, ``reversible``, ``cloze`` or
``typed``: from a ``kind`` column (another kind, laid out as text by our
export, comes back as ``basic``), else from an Anki note type column (a name
containing ``cloze``, ``reversed`` or ``type``), else ``cloze`` when the front
has a ``{{c1::...}}`` deletion, else ``basic``.

Card ids come from an ``id`` column when it holds a valid, unused id;
otherwise they are generated: a slug of the front's first words and 6 hex
digits of the SHA-256 of the kind and front (``what-natural-peptide-3fa2c1``),
so re-importing the same file gives the same ids; a clash gets ``-2``, ``-3``
in file order. The topic comes from a ``topic`` column, else from a
hierarchical ``deck::topic`` tag, else from ``default_topic``; the evidence
level from an ``evidence`` column, else from an ``evidence::LEVEL`` tag (an
unknown level is left out and reported). A citation (``Title § Section [1,
2]``) declares its source in the deck's ``sources``.

The YAML is written with ``yaml.safe_dump`` (deck text is data: quoting is
left to the emitter) and the result is loaded with the deck loader before
anything is written, so an import never writes a deck ``studyapp check``
rejects.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from studyapp.core.deck.evidence import EVIDENCE
from studyapp.core.deck.model import LoadResult
from studyapp.core.deck.text import sanitize
from studyapp.interchange import Report
from studyapp.interchange.apkg import EVIDENCE_TAG
from studyapp.interchange.markup import html_to_text
from studyapp.interchange.table import Row, Table

__all__ = ["ImportResult", "build_deck", "card_id_for", "slug"]

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
DECK_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_CLOZE_RE = re.compile(r"\{\{c\d+::", re.IGNORECASE)
_CITATION_RE = re.compile(r"^(?P<title>.+?) § (?P<section>.+?)(?: \[(?P<refs>[^\]]*)\])?$", re.S)
IMPORTED = ("basic", "reversible", "cloze", "typed")


def slug(text: str, limit: int = 40) -> str:
    """Lower-case words of ``text`` joined by ``-``, cut at a word under ``limit``."""
    words = re.findall(r"[a-z0-9]+", text.casefold())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "card")


_DELETION_MARKS_RE = re.compile(r"\{\{(?:c\d+::)?|::[^{}]*\}\}|\}\}", re.IGNORECASE)


def card_id_for(kind: str, front: str) -> str:
    """The generated id of a card: a slug of its front and a short content hash."""
    digest = hashlib.sha256(f"{kind}\n{front}".encode()).hexdigest()[:6]
    return f"{slug(_DELETION_MARKS_RE.sub(' ', front))}-{digest}"


@dataclass
class ImportResult:
    """The YAML text of the deck, what it holds, and the loader's verdict on it."""

    yaml_text: str
    report: Report
    load: LoadResult
    problems: list[str] = field(default_factory=list)
    """Rows left out, with their line and why."""


def _kind(cells: dict[str, str], front: str, report: Report) -> str:
    written = cells.get("kind", "").strip().casefold()
    if written:
        if written in IMPORTED:
            return written
        report.note(written, "imported as basic (a table row holds its text, not its options)")
        return "basic"
    notetype = cells.get("notetype", "").casefold()
    if "cloze" in notetype:
        return "cloze"
    if "reversed" in notetype:
        return "reversible"
    if "type" in notetype:
        return "typed"
    return "cloze" if _CLOZE_RE.search(front) else "basic"


def _topic(cells: dict[str, str], tags: list[str], default: str) -> tuple[str, list[str]]:
    """The card's topic, and its tags without the ``deck::topic`` tag it came from."""
    hierarchical = [tag for tag in tags if "::" in tag]
    topic = slug(cells.get("topic", ""), 60) if cells.get("topic", "").strip() else ""
    if topic:
        rest = [
            tag for tag in tags if not (tag in hierarchical and slug(tag.split("::")[-1]) == topic)
        ]
        return topic, rest
    if hierarchical:
        tag = hierarchical[0]
        return slug(tag.split("::")[-1], 60), [t for t in tags if t != tag]
    return default, tags


def _evidence(cells: dict[str, str], tags: list[str]) -> tuple[str, list[str]]:
    """The card's evidence level as written (``""``: none), and its tags without
    the ``evidence::LEVEL`` tag it came from (or that repeats the column)."""
    found = [tag for tag in tags if tag.casefold().startswith(EVIDENCE_TAG)]
    level = cells.get("evidence", "").strip() or (found[0][len(EVIDENCE_TAG) :] if found else "")
    return level.casefold(), [tag for tag in tags if tag not in found]


class _Sources:
    """Sources declared from citations, keyed by a slug of their title."""

    def __init__(self) -> None:
        self.by_title: dict[str, str] = {}
        self.data: dict[str, dict[str, Any]] = {}

    def cite(self, label: str) -> dict[str, Any] | None:
        match = _CITATION_RE.match(" ".join(label.split()))
        if not match:
            return None
        title, section = match.group("title"), match.group("section")
        refs = [r.strip() for r in (match.group("refs") or "").split(",") if r.strip()]
        key = self.by_title.get(title)
        if key is None:
            key = slug(title, 30)
            base, n = key, 2
            while key in self.data:
                key, n = f"{base}-{n}", n + 1
            self.by_title[title] = key
            self.data[key] = {"title": title, "sections": [], "references": {}}
        source = self.data[key]
        if section not in source["sections"]:
            source["sections"].append(section)
        for ref in refs:
            source["references"].setdefault(ref, f"reference {ref} of {title}")
        citation: dict[str, Any] = {"key": key, "section": section}
        if refs:
            citation["refs"] = refs
        return citation


def _fields(kind: str, front: str, back: str, cells: dict[str, str]) -> dict[str, Any] | str:
    """The kind's fields, or why the row cannot be that card."""
    from studyapp.core.kinds.cloze import parse_deletions

    if kind == "cloze":
        _, problem = parse_deletions(front)
        return problem if problem else {"text": front}
    if not back:
        return "no back (answer)"
    if kind == "reversible":
        if front.casefold() == back.casefold():
            return "front and back are the same"
        return {"front": front, "back": back}
    fields: dict[str, Any] = {"question": front, "answer": back}
    if kind == "typed":
        from studyapp.core.kinds.answers import match_key

        if not match_key(back):
            return "a typed answer needs a letter or digit"
        # Entries that could never match, or that match the answer already, are dropped.
        seen = {match_key(back)}
        accept = []
        for entry in cells.get("accept", "").split("\n"):
            key = match_key(sanitize(entry).strip())
            if key and key not in seen:
                seen.add(key)
                accept.append(sanitize(entry).strip())
        if accept:
            fields["accept"] = accept
    return fields


def build_deck(
    table: Table,
    deck_id: str,
    title: str,
    default_topic: str = "imported",
    description: str | None = None,
) -> ImportResult:
    """The YAML deck made of ``table``'s rows (not written anywhere)."""
    from studyapp.core.library.loader import load_deck_bytes

    report = Report()
    problems: list[str] = []
    sources = _Sources()
    cards: list[dict[str, Any]] = []
    used: set[str] = set()

    def clean(text: str) -> str:
        return sanitize(html_to_text(text) if table.html else text).strip()

    for row in table.rows:
        card = _card(row, clean, default_topic, sources, used, report, problems)
        if card is not None:
            cards.append(card)
    deck: dict[str, Any] = {"deck": deck_id, "title": title}
    if description:
        deck["description"] = description
    if sources.data:
        for source in sources.data.values():
            refs = source.pop("references")
            order = sorted(
                refs, key=lambda ref: (not ref.isdigit(), int(ref) if ref.isdigit() else 0, ref)
            )
            if refs:
                source["references"] = {ref: refs[ref] for ref in order}
        deck["sources"] = sources.data
    deck["cards"] = cards
    text = dump_yaml(deck)
    load = load_deck_bytes(text.encode("utf-8"), f"{deck_id}.yaml")
    return ImportResult(text, report, load, problems)


def _card(
    row: Row,
    clean: Callable[[str], str],
    default_topic: str,
    sources: _Sources,
    used: set[str],
    report: Report,
    problems: list[str],
) -> dict[str, Any] | None:
    cells = row.cells
    front = clean(cells.get("front", ""))
    back = clean(cells.get("back", ""))
    kind = _kind(cells, front, report)
    if not front:
        problems.append(f"line {row.line}: no front (question)")
        report.skip(kind, "no front (question)")
        return None
    explain = clean(cells.get("explain", ""))
    if kind == "cloze" and back:  # Anki's Cloze note: Text, Back Extra
        explain, back = "\n\n".join(part for part in (back, explain) if part), ""
    fields = _fields(kind, front, back, cells)
    if isinstance(fields, str):
        problems.append(f"line {row.line}: {kind}: {fields}")
        report.skip(kind, fields)
        return None
    evidence, tags = _evidence(cells, cells.get("tags", "").split())
    topic, tags = _topic(cells, tags, default_topic)
    card_id = cells.get("id", "").strip()
    if not ID_RE.fullmatch(card_id) or card_id in used:
        card_id = card_id_for(kind, front)
    base, n = card_id, 2
    while card_id in used:
        card_id, n = f"{base}-{n}", n + 1
    used.add(card_id)
    card: dict[str, Any] = {"id": card_id, "kind": kind, "topic": topic}
    if tags:
        card["tags"] = tags
    cited = clean(cells.get("source", ""))
    citation = sources.cite(cited) if cited else None
    if citation is not None:
        card["source"] = citation
    elif cited:  # not a "Title § Section" citation: kept, with the explanation
        explain = f"{explain}\n\nSource: {cited}".strip()
    card.update(fields)
    if explain:
        card["explain"] = explain
    caveat = clean(cells.get("caveat", ""))
    if caveat:
        card["caveat"] = caveat
    if evidence in EVIDENCE:
        card["evidence"] = evidence
    elif evidence:
        report.note(kind, f"evidence level {evidence!r} is not one of ours: left out")
    report.wrote(kind)
    return card


# libyaml's emitter when PyYAML has it (10x faster on a 10,000-card deck).
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """``safe_dump`` with multi-line text as ``|`` blocks (the emitter falls back to
    quoting when a block cannot hold the text exactly)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(deck: dict[str, Any]) -> str:
    """The YAML text of ``deck`` (key order kept, Unicode as is, long lines kept)."""
    text: str = yaml.dump(
        deck, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2
    )
    return "# Imported by `studyapp import`; check it with `studyapp check`.\n" + text
