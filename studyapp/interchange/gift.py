"""Moodle GIFT question banks.

Every question is titled ``::deck/card-id::`` (a cloze sibling
``::deck/card-id/c2::``) and written in Moodle's ``[html]`` format: deck text
is HTML-escaped, its spans become ``<b>``/``<i>``/``<code>``, then the GIFT
special characters ``~ = # { } :`` and ``\\`` are escaped with a backslash.
Short-answer answers and the right side of matching pairs are plain text in
Moodle, so they are not HTML-escaped (markers are removed instead).

Mapping (``docs/export.md`` has the details):

* choice: single answer, ``=right#why ~wrong#why``;
* select: multiple answer, ``~%50%right#why ~%-50%wrong#why``;
* truefalse: ``{T#...#...}`` / ``{F#...#...}`` with ``explain`` as feedback;
* typed: short answer with every accepted alternative, ``{=a =b}``;
* numeric: ``{#value:tolerance}``, the unit stated in the question;
* matching: ``{=left -> right ...}``;
* cloze: one missing-word short answer per deletion number;
* ``explain`` is the general feedback (``####``).

Not expressible, so listed in the report: basic and reversible cards (a card
recalled and self-rated has nothing Moodle can grade), ordering (GIFT has no
ordering question), a cloze deletion number used by several deletions (a
GIFT question has one answer blank), a select whose right or wrong options
cannot share 100% among Moodle's allowed grades (more than 10), and a
matching item containing ``->``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from studyapp.core.deck.model import Card, Deck
from studyapp.core.kinds.grading import DeckContext
from studyapp.interchange import Report
from studyapp.interchange.layout import numeric_variant, shown_choices, with_caveat
from studyapp.interchange.markup import to_html, to_plain

__all__ = ["MOODLE_GRADES", "export_gift", "gift_escape", "gift_questions"]

_SPECIAL_RE = re.compile(r"([\\~=#{}:])")

MOODLE_GRADES = {
    1: "100",
    2: "50",
    3: "33.33333",
    4: "25",
    5: "20",
    6: "16.66667",
    7: "14.28571",
    8: "12.5",
    9: "11.11111",
    10: "10",
}
"""100% split n ways, as Moodle's list of allowed grades writes it (none beyond 10)."""

NOT_GRADABLE = {
    "basic": "a self-rated flip card has no answer Moodle can grade (make it 'typed')",
    "reversible": "a self-rated flip card has no answer Moodle can grade",
    "ordering": "GIFT has no ordering question",
}


def gift_escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped; newlines as ``\\n``."""
    return _SPECIAL_RE.sub(r"\\\1", text).replace("\n", "\\n")


def _html(text: str) -> str:
    """Card text as escaped GIFT ``[html]`` text."""
    return gift_escape(to_html(text))


def _short(text: str) -> str:
    """A short-answer answer: plain text; ``*`` is escaped (a Moodle wildcard)."""
    return gift_escape(to_plain(text)).replace("*", "\\*")


def _plain(text: str) -> str:
    """Plain text for Moodle (a matching answer): markers removed, not HTML-escaped."""
    return gift_escape(to_plain(text))


def _feedback(text: str | None) -> str:
    return f"#{_html(text)}" if text else ""


def _general(card: Card, more: Sequence[str] = ()) -> list[str]:
    """The general feedback: ``explain`` (and ``more`` lines, e.g. a worked solution)."""
    parts = [_html(text) for text in [card.explain or "", *more] if text]
    return [f"####{'<br>'.join(parts)}"] if parts else []


def _question(title: str, text: str, answers: Sequence[str]) -> str:
    block = "\n".join(f"\t{line}" for line in answers)
    return f"::{gift_escape(title)}::[html]{text}{{\n{block}\n}}"


def _number(value: float) -> str:
    """``value`` to 12 significant digits, without float noise (``0.0045``, not ``0.00450..1``)."""
    from decimal import Decimal

    from studyapp.core.kinds import units

    return units.format_number(Decimal(f"{value:.12g}"))


def gift_questions(
    deck: Deck, card: Card, report: Report, context: DeckContext | None = None
) -> list[str]:
    """The GIFT questions for ``card`` (none when its kind cannot be expressed)."""
    if card.kind in NOT_GRADABLE:
        report.skip(card.kind, NOT_GRADABLE[card.kind])
        return []
    write = _WRITERS.get(card.kind)
    if write is None:
        report.skip(card.kind, "no GIFT mapping for this kind")
        return []
    return write(deck, card, f"{deck.id}/{card.id}", report, context)


def _asked(deck: Deck, card: Card, title: str, lines: Sequence[str]) -> str:
    """The question of a card whose text is its ``question`` field, with ``lines``
    as its answers and the card's general feedback."""
    text = _html(with_caveat(deck, card, card.data["question"]))
    return _question(title, text, [*lines, *_general(card)])


def _choice_questions(
    deck: Deck, card: Card, title: str, report: Report, context: DeckContext | None
) -> list[str]:
    options = shown_choices(deck, card, context)
    if len(options) < 2:
        report.skip(card.kind, "its topic has no other answer to draw a wrong option from")
        return []
    lines = [f"{'=' if o.correct else '~'}{_html(o.text)}{_feedback(o.why)}" for o in options]
    return [_asked(deck, card, title, lines)]


def _select_questions(
    deck: Deck, card: Card, title: str, report: Report, context: DeckContext | None
) -> list[str]:
    options = shown_choices(deck, card, context)
    right = sum(o.correct for o in options)
    wrong = len(options) - right
    if right not in MOODLE_GRADES or (wrong and wrong not in MOODLE_GRADES):
        report.skip(card.kind, "Moodle grades cannot split 100% among more than 10 options")
        return []
    lines = [
        f"~%{MOODLE_GRADES[right] if o.correct else '-' + MOODLE_GRADES[wrong]}%"
        f"{_html(o.text)}{_feedback(o.why)}"
        for o in options
    ]
    return [_asked(deck, card, title, lines)]


def _truefalse_questions(
    deck: Deck, card: Card, title: str, report: Report, context: DeckContext | None
) -> list[str]:
    # {T#feedback if answered wrong#feedback if answered right}: explain for both.
    letter = "T" if card.data["answer"] else "F"
    why = _html(card.explain) if card.explain else ""
    answer = f"{letter}#{why}#{why}" if why else letter
    return [_question(title, _html(with_caveat(deck, card, card.data["statement"])), [answer])]


def _typed_questions(
    deck: Deck, card: Card, title: str, report: Report, context: DeckContext | None
) -> list[str]:
    data = card.data
    answers = [f"={_short(text)}" for text in [data["answer"], *data.get("accept", ())]]
    return [_asked(deck, card, title, answers)]


def _matching_questions(
    deck: Deck, card: Card, title: str, report: Report, context: DeckContext | None
) -> list[str]:
    pairs = [(left, right) for left, right in card.data["pairs"]]
    if any("->" in left or "->" in right for left, right in pairs):
        report.skip(card.kind, "an item contains '->', which GIFT reads as a pair's arrow")
        return []
    return [
        _asked(deck, card, title, [f"={_html(left)} -> {_plain(right)}" for left, right in pairs])
    ]


def _numeric_questions(
    deck: Deck, card: Card, title: str, report: Report, context: DeckContext | None
) -> list[str]:
    variant = numeric_variant(deck, card)
    text = variant.question
    if variant.unit and variant.unit.casefold() not in text.casefold():
        text = f"{text} (answer in {variant.unit})"
    text = with_caveat(deck, card, text)
    if variant.generated:
        report.note(card.kind, "exported with one set of numbers")
    answer = f"#{_number(float(variant.shown))}:{_number(variant.tolerance)}"
    return [_question(title, _html(text), [answer, *_general(card, variant.solution)])]


def _cloze_questions(
    deck: Deck, card: Card, title: str, report: Report, context: DeckContext | None
) -> list[str]:
    """One missing-word question per deletion number; the other deletions are shown."""
    from studyapp.core.kinds.cloze import parse_deletions

    text: str = card.data["text"]
    deletions, _ = parse_deletions(text)
    questions = []
    for number in sorted({d.number for d in deletions}):
        if sum(d.number == number for d in deletions) > 1:
            report.skip(
                "cloze deletion",
                "a deletion number shared by several deletions needs several blanks;"
                " a GIFT question has one (the card's other deletions are exported)",
            )
            continue
        before: list[str] = []
        after: list[str] = []
        answer = hint = ""
        pos = 0
        for deletion in deletions:
            side = after if answer else before
            side.append(_html(text[pos : deletion.start]))
            if deletion.number == number:
                answer = deletion.answer
                hint = f" [{_html(deletion.hint)}]" if deletion.hint else ""
            else:
                side.append(_html(deletion.answer))
            pos = deletion.end
        after.append(_html(with_caveat(deck, card, text[pos:])))
        general = _general(card)
        block = " ".join([f"={_short(answer)}", *general])
        questions.append(
            f"::{gift_escape(f'{title}/c{number}')}::[html]{''.join(before)}"
            f"{{{block}}}{hint}{''.join(after)}"
        )
    return questions


def export_gift(decks: Sequence[Deck]) -> tuple[str, Report]:
    """The GIFT text of ``decks`` and what it holds."""
    report = Report()
    blocks: list[str] = []
    for deck in decks:
        title = " ".join(deck.title.split())
        blocks.append(f"// deck {deck.id}: {title}\n$CATEGORY: $course$/{deck.id}")
        context = DeckContext.of(deck)
        for card in deck.cards:
            questions = gift_questions(deck, card, report, context)
            if questions:
                report.wrote(card.kind)
                blocks.extend(f"// {card.kind}: {card.id}\n{q}" for q in questions)
    return "\n\n".join(blocks) + "\n", report


_WRITERS: dict[str, Callable[[Deck, Card, str, Report, DeckContext | None], list[str]]] = {
    "choice": _choice_questions,
    "select": _select_questions,
    "truefalse": _truefalse_questions,
    "typed": _typed_questions,
    "numeric": _numeric_questions,
    "matching": _matching_questions,
    "cloze": _cloze_questions,
}
"""How each kind GIFT can express is written (the others are skipped)."""
