"""Objective question kinds: what is asked, what the student answered, how it is graded.

Flip kinds (basic, reversible, cloze) are self-rated. Objective kinds (choice,
select-all, true/false, typed, ordering, matching, numeric) implement
:class:`ObjectiveKind` on top of :class:`~studyapp.core.kinds.base.CardKind`:

* ``ask(card, sibling, rng, context)`` builds a :class:`Question` (choices
  shuffled, numbers drawn) with the injected ``rng``;
* ``grade(card, question, response, context)`` returns a :class:`Grade`;
* a response the kind cannot read (a unit it does not know yet) is
  :attr:`Verdict.UNREADABLE`: never wrong, never rated, never committed: the
  student is asked again, told what can be read.

The :class:`DeckContext` carries what grading needs from the rest of the deck:
the answers of other cards (distractors drawn from the same topic; typed
answers that must never be accepted for a different card).

A grade knows nothing of scheduling: turning it into a rating is
:func:`studyapp.core.study.quiz.proposed_rating`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from random import Random
from typing import TYPE_CHECKING, Protocol

from studyapp.core.deck.text import Span

if TYPE_CHECKING:
    from studyapp.core.deck.model import Card, Deck

__all__ = [
    "DeckContext",
    "Grade",
    "Interaction",
    "ItemResult",
    "ObjectiveKind",
    "Question",
    "Response",
    "Verdict",
    "interaction_of",
    "option_letters",
]


class Interaction(StrEnum):
    """How the student answers; the TUI has one answer widget per interaction."""

    FLIP = "flip"
    """Reveal, then self-rate (basic, reversible, cloze)."""
    CHOICE = "choice"
    """Pick one of ``Question.options``; response: the chosen index."""
    MULTI = "multi"
    """Pick every correct option; response: a frozenset of indexes."""
    TRUE_FALSE = "true-false"
    """Options are ``("True", "False")``; response: the chosen index."""
    TYPED = "typed"
    """Type a term; response: the text typed."""
    ORDERING = "ordering"
    """Put ``Question.options`` in order; response: a tuple of option indexes, first to last."""
    MATCHING = "matching"
    """Match each of ``Question.options`` (left) to one of ``Question.targets``
    (right); response: a tuple giving, for each left item, the chosen target index."""
    NUMERIC = "numeric"
    """Type a number, with a unit where one is expected; response: the text typed."""


Response = int | frozenset[int] | tuple[int, ...] | str
"""What the student answered; its type depends on the :class:`Interaction`."""


@dataclass(frozen=True, slots=True)
class Question:
    """One objective question as shown (after shuffling and drawing numbers)."""

    interaction: Interaction
    prompt: tuple[Span, ...]
    options: tuple[str, ...] = ()
    """Choices, items to order, or the left column of a matching."""
    targets: tuple[str, ...] = ()
    """The right column of a matching."""
    unit: str | None = None
    """The unit a numeric answer is expected in (shown as a hint)."""
    values: Mapping[str, float] = field(default_factory=dict)
    """Parameters drawn for a generated numeric variant."""
    hint: str | None = None


class Verdict(StrEnum):
    CORRECT = "correct"
    ALMOST = "almost"
    """A near miss (typo): counted wrong, said kindly, overridable."""
    PARTIAL = "partial"
    WRONG = "wrong"
    UNREADABLE = "unreadable"
    """Not graded: the answer could not be read; the student is asked again."""


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One line of a per-choice, per-item or per-pair breakdown."""

    label: str
    expected: str
    given: str | None
    ok: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class Grade:
    """The outcome of grading one response."""

    verdict: Verdict
    score: float
    """Partial credit, 0 to 1 (shown; scheduling uses ``correct``)."""
    answer: str
    """The response as text, for the review log."""
    expected: str
    """The correct answer as text (shown after answering)."""
    feedback: tuple[str, ...] = ()
    """Plain-text lines shown after answering (why a choice is wrong, unit slips, ...)."""
    items: tuple[ItemResult, ...] = ()
    picked_wrong: str | None = None
    """For choice kinds: the wrong option picked (logged, for confusion statistics)."""
    diff: tuple[tuple[str, str], ...] = ()
    """For typed answers: a character diff as ``(op, text)`` runs, op in ``= - +``."""
    solution: tuple[str, ...] = ()
    """A worked solution (numeric kinds)."""
    drawing: tuple[str, ...] = ()
    """Fixed-width plain-text art shown after the solution (a U-100 syringe fill)."""
    rule: str = ""
    """The grading rule that decided, when one did (``opposite``, ``numbers``...)."""

    @property
    def correct(self) -> bool:
        return self.verdict is Verdict.CORRECT

    @property
    def readable(self) -> bool:
        """False when the answer could not be read (ask again; nothing is rated)."""
        return self.verdict is not Verdict.UNREADABLE


@dataclass(frozen=True, slots=True)
class DeckContext:
    """What grading one card needs to know about the rest of its deck."""

    deck_id: str
    answers_by_topic: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """topic -> ``(card id, answer)`` pairs, for distractors drawn from sibling cards."""
    accepted_by_card: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """card id -> every answer that card accepts (typed answers, synonyms, correct choices)."""
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """card id -> answers the student said were right ("I was right")."""

    @classmethod
    def of(cls, deck: Deck, aliases: Mapping[str, tuple[str, ...]] | None = None) -> DeckContext:
        from studyapp.core.kinds import KINDS

        by_topic: dict[str, list[tuple[str, str]]] = {}
        accepted: dict[str, tuple[str, ...]] = {}
        for card in deck.cards:
            answers = KINDS[card.kind].answer_text(card)
            accepted[card.id] = tuple(answers)
            if answers:
                by_topic.setdefault(card.topic, []).append((card.id, answers[0]))
        return cls(
            deck.id,
            {topic: tuple(pairs) for topic, pairs in by_topic.items()},
            accepted,
            dict(aliases or {}),
        )


class ObjectiveKind(Protocol):
    """A card kind graded by the app (on top of the ``CardKind`` interface)."""

    interaction: Interaction

    def ask(self, card: Card, sibling: str, rng: Random, context: DeckContext) -> Question: ...

    def grade(
        self, card: Card, question: Question, response: Response, context: DeckContext
    ) -> Grade: ...


def interaction_of(kind: object) -> Interaction:
    """The interaction of a registered kind (flip kinds have none declared)."""
    value = getattr(kind, "interaction", Interaction.FLIP)
    return Interaction(value)


def option_letters(count: int) -> Sequence[str]:
    """``A``, ``B``, ... labels for options in printed listings (preview, exports);
    the TUI numbers options instead, and digits pick them."""
    return [chr(ord("A") + i) for i in range(count)]
