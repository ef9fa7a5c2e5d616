"""Asking and grading objective prompts, shared by review and exam sessions.

A :class:`Quizzer` knows each deck's :class:`~studyapp.core.kinds.grading.DeckContext`
(the other cards' answers, the student's own accepted answers), draws
questions with an injected random generator, grades responses, and turns a
grade and the time taken into a proposed rating (:func:`proposed_rating`: grading
itself knows nothing of scheduling). :func:`response_from_text`
reads a response written as text (``studyapp try``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from random import Random
from typing import TYPE_CHECKING, Protocol, cast

from studyapp.core.kinds import KINDS
from studyapp.core.kinds.grading import (
    DeckContext,
    Grade,
    Interaction,
    ObjectiveKind,
    Question,
    Response,
    Verdict,
    interaction_of,
    option_letters,
)
from studyapp.core.study.scheduling import Rating

if TYPE_CHECKING:
    from studyapp.core.deck.model import Deck
    from studyapp.core.study.session import Prompt

__all__ = ["AliasRepository", "Quizzer", "proposed_rating", "response_from_text"]


class AliasRepository(Protocol):
    """Where "I was right" answers are kept (the SQLite store implements it)."""

    def aliases(self, deck_id: str) -> dict[str, tuple[str, ...]]: ...

    def add_alias(self, deck_id: str, card_id: str, alias: str, at: datetime) -> None: ...


class Quizzer:
    """Asks and grades the objective prompts of some decks."""

    def __init__(
        self,
        repository: AliasRepository,
        clock: Callable[[], datetime],
        *,
        rng: Random | None = None,
        hard_after_ms: int = 20_000,
    ) -> None:
        self.repository = repository
        self.clock = clock
        self.rng = rng or Random()
        self.hard_after_ms = hard_after_ms
        self._contexts: dict[str, DeckContext] = {}

    @staticmethod
    def interaction(prompt: Prompt) -> Interaction:
        return interaction_of(KINDS[prompt.card.kind])

    def context(self, deck: Deck) -> DeckContext:
        context = self._contexts.get(deck.id)
        if context is None:
            context = DeckContext.of(deck, self.repository.aliases(deck.id))
            self._contexts[deck.id] = context
        return context

    @staticmethod
    def _kind(prompt: Prompt) -> ObjectiveKind:
        kind = KINDS[prompt.card.kind]
        if interaction_of(kind) is Interaction.FLIP:
            raise ValueError(f"{prompt.card.kind} cards are self-rated, not graded")
        return cast(ObjectiveKind, kind)

    def ask(self, prompt: Prompt) -> Question:
        """A fresh question for ``prompt`` (choices shuffled, numbers drawn), with the
        card's caveat (:meth:`~studyapp.core.deck.model.Deck.caveat_for`) in its hint."""
        question = self._kind(prompt).ask(
            prompt.card, prompt.sibling, self.rng, self.context(prompt.deck)
        )
        caveat = prompt.deck.caveat_for(prompt.card)
        if caveat:
            hint = f"{question.hint}\n{caveat}" if question.hint else caveat
            question = replace(question, hint=hint)
        return question

    def grade(self, prompt: Prompt, question: Question, response: Response) -> Grade:
        return self._kind(prompt).grade(prompt.card, question, response, self.context(prompt.deck))

    def accept(self, prompt: Prompt, question: Question, text: str, *, remember: bool) -> Grade:
        """ "I was right": grade ``text`` as right.

        ``remember``: keep it as this student's answer for the card (an alias:
        always accepted from now on) and re-grade; otherwise accept it this
        time only (nothing is stored).
        """
        if not remember:
            grade = self.grade(prompt, question, text)
            note = "accepted this time: you said you were right (the spelling is not kept)"
            return replace(
                grade,
                verdict=Verdict.CORRECT,
                score=1.0,
                feedback=(note,),
                diff=(),
                rule="accepted",
            )
        self.repository.add_alias(prompt.deck.id, prompt.card.id, text.strip(), self.clock())
        self._contexts.pop(prompt.deck.id, None)
        return self.grade(prompt, question, text)

    def propose(self, grade: Grade, duration_ms: int) -> Rating | None:
        return proposed_rating(grade, duration_ms, self.hard_after_ms)


def proposed_rating(grade: Grade, duration_ms: int, hard_after_ms: int = 20_000) -> Rating | None:
    """Wrong gives Again; right gives Good, or Hard when slower than ``hard_after_ms``.

    ``None`` for an answer that could not be read: nothing is rated.
    """
    if not grade.readable:
        return None
    if not grade.correct:
        return Rating.AGAIN
    return Rating.HARD if duration_ms > hard_after_ms else Rating.GOOD


def response_from_text(question: Question, text: str) -> Response:
    """A response written as text, as ``studyapp try`` takes it.

    Typed and numeric answers are the text itself. Options are named by the
    labels the app shows (:func:`~studyapp.core.kinds.grading.option_letters`, any
    case) or, for a single choice, by their text: one label for a choice or
    true/false; any number for select-all (``AC``, ``A, C``; none: ``""``);
    every label once, first to last, for ordering; for matching, one label of
    the right column per left item, in order (``.`` or ``-`` leaves one unmatched).
    Raises ``ValueError`` with a message fit to show.
    """
    interaction = question.interaction
    if interaction in (Interaction.TYPED, Interaction.NUMERIC):
        return text
    labels = [label.casefold() for label in option_letters(len(question.options))]
    if interaction in (Interaction.CHOICE, Interaction.TRUE_FALSE):
        by_text = [option.casefold() for option in question.options]
        wanted = text.strip().casefold()
        if wanted in labels:
            return labels.index(wanted)
        if wanted in by_text:
            return by_text.index(wanted)
        raise ValueError(f"answer with one of {_named(labels)} (or an option's text)")
    if interaction is Interaction.MATCHING:
        targets = [label.casefold() for label in option_letters(len(question.targets))]
        picked = _labels(text, [*targets, ".", "-"])
        if len(picked) != len(question.options):
            raise ValueError(
                f"give one of {_named(targets)} (or . for none) for each of the "
                f"{len(question.options)} left items, in order"
            )
        return tuple(targets.index(label) if label in targets else -1 for label in picked)
    picked = _labels(text, labels)
    indexes = tuple(labels.index(label) for label in picked)
    if interaction is Interaction.MULTI:
        return frozenset(indexes)
    if sorted(indexes) != list(range(len(labels))):
        raise ValueError(f"give every one of {_named(labels)} once, first to last")
    return indexes


def _labels(text: str, known: list[str]) -> list[str]:
    """The labels in ``text``: separated by spaces or commas, or run together."""
    words = text.replace(",", " ").casefold().split()
    if all(len(label) == 1 for label in known):
        words = [ch for word in words for ch in word]
    unknown = [word for word in words if word not in known]
    if unknown:
        raise ValueError(f"unknown option {unknown[0]!r}: the options are {_named(known)}")
    return words


def _named(labels: list[str]) -> str:
    return ", ".join(label.upper() for label in labels)
