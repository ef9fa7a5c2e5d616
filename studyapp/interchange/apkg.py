"""Anki packages (``.apkg``) with ``genanki``.

Identity, so that importing a newer export updates notes instead of adding
copies:

* note guid: ``genanki.guid_for("studyapp", deck id, card id)``: the same
  identity as review history in studyapp; editing a card's text keeps it;
* Anki deck id: :func:`stable_id` of ``"deck:" + deck id``;
* note type ids: :func:`stable_id` of ``"model:" + note type name``, shared
  by every deck.

:func:`stable_id` is the first 8 bytes of the SHA-256 of its text, folded into
``[2**30, 2**31)`` (the range genanki suggests for ids).

Kinds map to note types as documented in ``docs/export.md``: basic, and every
kind with options, to *studyapp Basic*; reversible to *studyapp Basic (and
reversed card)*; typed to *studyapp Basic (type in the answer)*; cloze to
*studyapp Cloze*. Every note type has an ``Extra`` field (explanation,
accepted answers, source). All deck text is HTML-escaped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.model import Card, Deck
from studyapp.core.kinds.grading import DeckContext
from studyapp.interchange import Report
from studyapp.interchange.layout import Layout, Line, layout
from studyapp.interchange.markup import escape_markers, to_html

if TYPE_CHECKING:
    import genanki

__all__ = ["EVIDENCE_TAG", "MODEL_NAMES", "anki_tags", "export_apkg", "note_guid", "stable_id"]

FLIP_NOTE = "a flip card in Anki: laid out as text, the student rates it (Anki does not grade it)"
"""Said on stderr for each kind without a note type of its own (choice, numeric, ...)."""

MODEL_NAMES = {
    "basic": "studyapp Basic",
    "reversible": "studyapp Basic (and reversed card)",
    "typed": "studyapp Basic (type in the answer)",
    "cloze": "studyapp Cloze",
}
"""The note type of each kind; every other kind is a basic note with its options laid out."""

CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black;
  background-color: white; }
.options { margin-top: 0.6em; }
.extra { margin-top: 1em; font-size: 16px; color: #555; }
.cloze { font-weight: bold; color: blue; }
code { background: #eee; padding: 0 0.2em; }
"""

_EXTRA = '{{#Extra}}<div class="extra">{{Extra}}</div>{{/Extra}}'


def stable_id(text: str) -> int:
    """An id in ``[2**30, 2**31)`` derived from ``text`` (SHA-256)."""
    number = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + number % (1 << 30)


def note_guid(deck_id: str, card_id: str) -> str:
    """The Anki note guid of a card: from deck id + card id only."""
    import genanki

    guid: str = genanki.guid_for("studyapp", deck_id, card_id)
    return guid


def _template(name: str, question: str, answer: str) -> dict[str, str]:
    return {"name": name, "qfmt": question, "afmt": answer}


def _models() -> dict[str, genanki.Model]:
    import genanki

    def model(kind: str, fields: Sequence[str], templates: list[dict[str, str]], **kw: Any) -> Any:
        name = MODEL_NAMES[kind]
        return genanki.Model(
            stable_id(f"model:{name}"),
            name,
            fields=[{"name": f} for f in fields],
            templates=templates,
            css=CSS,
            **kw,
        )

    answer = "{{FrontSide}}<hr id=answer>{{Back}}" + _EXTRA
    return {
        "basic": model(
            "basic", ["Front", "Back", "Extra"], [_template("Card 1", "{{Front}}", answer)]
        ),
        "reversible": model(
            "reversible",
            ["Front", "Back", "Extra"],
            [
                _template("Card 1", "{{Front}}", answer),
                _template("Card 2", "{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}" + _EXTRA),
            ],
        ),
        "typed": model(
            "typed",
            ["Front", "Back", "Extra"],
            [
                _template(
                    "Card 1",
                    "{{Front}}<br><br>{{type:Back}}",
                    "{{Front}}<hr id=answer>{{type:Back}}" + _EXTRA,
                )
            ],
        ),
        "cloze": model(
            "cloze",
            ["Text", "Extra"],
            [_template("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>" + _EXTRA)],
            model_type=genanki.Model.CLOZE,
        ),
    }


def anki_tag(text: str) -> str:
    """A tag Anki accepts: no spaces (runs of whitespace become ``_``)."""
    return re.sub(r"\s+", "_", text.strip()).strip(":")


EVIDENCE_TAG = "evidence::"
"""The prefix of the tag that carries a card's evidence level (``evidence::animal``)."""


def anki_tags(deck: Deck, card: Card) -> list[str]:
    """``deck::topic``, the card's own tags, then ``evidence::LEVEL`` if it has one
    (deduplicated, order kept)."""
    tags = [anki_tag(f"{deck.id}::{card.topic}"), *(anki_tag(tag) for tag in card.tags)]
    if card.evidence:
        tags.append(EVIDENCE_TAG + card.evidence)
    return list(dict.fromkeys(tag for tag in tags if tag))


def cloze_html(text: str) -> str:
    """Card cloze text as an Anki cloze field: ``{{cN::answer::hint}}``, HTML escaped.

    A deletion keeps its number: ``{{x}}`` numbered by position is ``c1``, ``c2``...
    as in studyapp, ``{{c3::x}}`` stays ``c3``, so Anki makes one card per
    number, like studyapp's siblings.
    """
    from studyapp.core.kinds.cloze import parse_deletions

    deletions, _ = parse_deletions(text)
    out: list[str] = []
    pos = 0
    for deletion in deletions:
        out.append(to_html(text[pos : deletion.start]))
        hint = f"::{to_html(deletion.hint)}" if deletion.hint else ""
        out.append(f"{{{{c{deletion.number}::{to_html(deletion.answer)}{hint}}}}}")
        pos = deletion.end
    out.append(to_html(text[pos:]))
    return "".join(out)


def _line_html(line: Line) -> str:
    return "".join(to_html(segment) for segment in line)


def _front_html(fixed: Layout) -> str:
    parts = [to_html(fixed.prompt)]
    if fixed.options:
        items = "".join(f"<li>{to_html(option)}</li>" for option in fixed.options)
        parts.append(f'<ol class="options" type="A">{items}</ol>')
    if fixed.targets:
        items = "".join(f"<li>{to_html(target)}</li>" for target in fixed.targets)
        parts.append(f'<ol class="options" type="1">{items}</ol>')
    parts.extend(_note_html(line) for line in fixed.after)
    return "".join(parts)


def _note_html(line: str) -> str:
    """A line under the question (the caveat)."""
    return f'<div class="note"><i>{to_html(line)}</i></div>'


def _back_html(lines: list[Line]) -> str:
    return "<br>".join(_line_html(line) for line in lines)


def extra_html(deck: Deck, card: Card) -> str:
    """The Extra field: explanation, accepted answers, source."""
    parts = []
    if card.explain:
        parts.append(to_html(card.explain))
    if card.kind == "typed" and card.data.get("accept"):
        accepted = ", ".join(to_html(text) for text in card.data["accept"])
        parts.append(f"Also accepted: {accepted}")
    if card.source is not None:
        parts.append(f"Source: {to_html(card.source.label(deck))}")
    return "<br><br>".join(parts)


def note_fields(
    deck: Deck, card: Card, context: DeckContext | None = None
) -> tuple[list[str], str | None]:
    """The note's fields for ``card``, in its note type's order, and a note to report."""
    extra = extra_html(deck, card)
    if card.kind == "cloze":
        caveat = deck.caveat_for(card)
        after = _note_html(escape_markers(caveat)) if caveat else ""
        return [cloze_html(card.data["text"]) + after, extra], None
    fixed = layout(deck, card, context)
    return [_front_html(fixed), _back_html(fixed.back), extra], fixed.note


def deck_name(deck: Deck) -> str:
    """The Anki deck name: the title (``::`` would nest it, so it is replaced)."""
    return deck.title.replace("::", ":").strip() or deck.id


def export_apkg(decks: Sequence[Deck], output: Path, timestamp: float | None = None) -> Report:
    """Write ``decks`` to ``output`` as one Anki package; return what was written.

    ``timestamp`` is the notes' modification time (default: now); Anki updates
    a note on import only when the package's note is newer.
    """
    import genanki

    models = _models()
    report = Report()
    anki_decks = []
    for deck in decks:
        description = to_html(deck.description) if deck.description else ""
        anki_deck = genanki.Deck(stable_id(f"deck:{deck.id}"), deck_name(deck), description)
        context = DeckContext.of(deck)
        for card in deck.cards:
            model = models.get(card.kind)
            if model is None:
                model = models["basic"]
                report.note(card.kind, FLIP_NOTE)
            fields, remark = note_fields(deck, card, context)
            note = genanki.Note(
                model=model,
                fields=fields,
                tags=anki_tags(deck, card),
                guid=note_guid(deck.id, card.id),
            )
            anki_deck.add_note(note)
            report.wrote(card.kind)
            if remark:
                report.note(card.kind, remark)
        anki_decks.append(anki_deck)
    genanki.Package(anki_decks).write_to_file(str(output), timestamp=timestamp)
    return report
