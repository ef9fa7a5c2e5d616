"""One static layout per card, shared by the exports.

Anki notes, GIFT questions and CSV rows are fixed text: they cannot shuffle
options each time or draw fresh numbers. This module fixes them once, the
same way for every format and every run: options are shuffled with a
random generator seeded by ``deck id/card id`` (so a re-export gives the same
file), ``distractors: auto`` are drawn the same way, an ordering is shown in
a scrambled order that is never the right one, and a generated numeric card
is exported as one variant drawn with that seed.

A :class:`Layout` holds card text (deck markup, not HTML): each line is a
tuple of segments, converted separately (a label such as ``A.`` is never
parsed together with the deck text that follows it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from random import Random

from studyapp.core.deck.model import Card, Deck
from studyapp.core.kinds._options import Choice, choices_from_data, not_identity_permutation
from studyapp.core.kinds.grading import DeckContext
from studyapp.interchange.markup import escape_markers

__all__ = [
    "Layout",
    "NumericVariant",
    "Option",
    "layout",
    "numeric_variant",
    "shown_choices",
    "with_caveat",
]

Line = tuple[str, ...]
"""Segments of card text making one line."""

LETTERS = "ABCDEFGHIJKL"
RIGHT, WRONG = "✓", "✗"
ARROW = " → "


@dataclass(frozen=True, slots=True)
class Option:
    """An option as exported: its text, whether it is right and why."""

    text: str
    correct: bool = False
    why: str | None = None


@dataclass(frozen=True, slots=True)
class NumericVariant:
    """A numeric card fixed to one set of numbers."""

    question: str
    expected: float
    shown: str
    """The expected answer as the app shows it (``decimals`` places)."""
    unit: str | None
    tolerance: float
    """The absolute error accepted (a relative tolerance is resolved, ``decimals`` too)."""
    generated: bool
    solution: list[str]


@dataclass(frozen=True, slots=True)
class Layout:
    """A card as fixed text: the prompt over lettered options (and numbered targets)."""

    prompt: str
    options: list[str] = field(default_factory=list)
    """Lettered A, B, ... under the prompt."""
    targets: list[str] = field(default_factory=list)
    """Numbered 1, 2, ... after the options (the right column of a matching)."""
    back: list[Line] = field(default_factory=list)
    """The answer, one line per entry."""
    note: str | None = None
    """Said once per export about this card (e.g. one numeric variant)."""
    after: list[str] = field(default_factory=list)
    """Lines shown under the question (the card's caveat)."""

    def front_lines(self) -> list[Line]:
        lines: list[Line] = [(self.prompt,)]
        lines += [(f"{LETTERS[n]}. ", text) for n, text in enumerate(self.options)]
        lines += [(f"{n}. ", text) for n, text in enumerate(self.targets, 1)]
        lines += [(text,) for text in self.after]
        return lines


def rng_for(deck: Deck, card: Card) -> Random:
    """The generator behind every random choice made for ``card`` (seeded, stable)."""
    return Random(f"{deck.id}/{card.id}")


def shown_choices(deck: Deck, card: Card, context: DeckContext | None = None) -> list[Option]:
    """The options of a ``choice`` or ``select`` card, in their exported order.

    Every written option is shown (``count`` only varies what the app shows
    each time); ``distractors: auto`` draws its wrong options from the topic.
    """
    rng = rng_for(deck, card)
    choices: list[Choice] = choices_from_data(card.data["choices"])
    options = [Option(c.text, c.correct, c.why) for c in choices]
    if card.data.get("auto"):
        from studyapp.core.kinds import choice

        context = context or DeckContext.of(deck)
        count = choice._auto_count(card)
        options += [Option(text) for text in choice.draw_distractors(card, context, rng, count)]
    rng.shuffle(options)
    return options


def numeric_variant(deck: Deck, card: Card) -> NumericVariant:
    """``card`` (a numeric card) with its params drawn once, with the card's seed."""
    from studyapp.core.kinds import numeric, units

    data = card.data
    generated = data["answer"] is None
    values = numeric._draw_valid(card, rng_for(deck, card)) if generated else {}
    expected, _ = numeric._expected(card, values)
    kind, amount = data["tolerance"]
    tolerance = float(Decimal(amount))
    if kind == "rel":
        tolerance = tolerance / 100 * abs(expected)
    decimals = data["decimals"]
    if decimals is not None:  # the app also accepts an answer that rounds to the one shown
        tolerance = max(tolerance, 0.5 * 10.0**-decimals)
    return NumericVariant(
        question=numeric.fill(data["question"], values),
        expected=expected,
        shown=units.format_number(expected, decimals),
        unit=data["unit"],
        tolerance=tolerance,
        generated=generated,
        solution=numeric.solution_lines(card, values, expected) if generated else [],
    )


def _why(why: str | None) -> tuple[str, ...]:
    return (" — ", why) if why else ()


def with_caveat(deck: Deck, card: Card, text: str) -> str:
    """``text`` with the card's caveat (:meth:`Deck.caveat_for`) on a line of its own."""
    caveat = deck.caveat_for(card)
    return f"{text}\n{escape_markers(caveat)}" if caveat else text


def layout(deck: Deck, card: Card, context: DeckContext | None = None) -> Layout:
    """The fixed layout of a card of any kind but cloze, its caveat under the question."""
    fixed = _layout(deck, card, context)
    caveat = deck.caveat_for(card)
    return replace(fixed, after=[escape_markers(caveat)]) if caveat else fixed


def _layout(deck: Deck, card: Card, context: DeckContext | None) -> Layout:
    data = card.data
    if card.kind in ("choice", "select"):
        options = shown_choices(deck, card, context)
        back = [
            (f"{RIGHT if o.correct else WRONG} {LETTERS[n]}. ", o.text, *_why(o.why))
            for n, o in enumerate(options)
        ]
        return Layout(data["question"], [o.text for o in options], back=back)
    if card.kind == "truefalse":
        return Layout(data["statement"], ["True", "False"], back=[(str(data["answer"]),)])
    if card.kind == "ordering":
        items = list(data["items"])
        order = not_identity_permutation(len(items), rng_for(deck, card))
        back = [(f"{n}. ", item) for n, item in enumerate(items, 1)]
        return Layout(data["question"], [items[i] for i in order], back=back)
    if card.kind == "matching":
        pairs = [(left, right) for left, right in data["pairs"]]
        rights = [right for _, right in pairs]
        rng_for(deck, card).shuffle(rights)
        back = [(left, ARROW, right) for left, right in pairs]
        return Layout(data["question"], [left for left, _ in pairs], rights, back=back)
    if card.kind == "numeric":
        variant = numeric_variant(deck, card)
        answer = f"{variant.shown} {variant.unit}" if variant.unit else variant.shown
        worked: list[Line] = [(answer,), *((line,) for line in variant.solution)]
        note = "exported with one set of numbers" if variant.generated else None
        return Layout(variant.question, back=worked, note=note)
    if card.kind == "typed":
        return Layout(data["question"], back=[(data["answer"],)])
    if card.kind == "basic":
        return Layout(data["question"], back=[(data["answer"],)])
    if card.kind == "reversible":
        return Layout(data["front"], back=[(data["back"],)])
    if card.kind == "cloze":
        return Layout(data["text"])
    raise ValueError(f"no export layout for kind {card.kind!r}")


def plain_lines(lines: list[Line]) -> str:
    """Lines of segments as one card text (newline-separated)."""
    return "\n".join("".join(line) for line in lines)
