"""Asking and grading objective prompts, shared by review and exam sessions.

A :class:`Quizzer` knows each deck's :class:`~studyapp.core.grading.DeckContext`
(the other cards' answers, the student's own accepted answers), draws
questions with an injected random generator, grades responses, and turns a
grade and the time taken into a proposed rating.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from random import Random
from typing import TYPE_CHECKING, Protocol, cast

from studyapp.core.grading import (
    DeckContext,
    Grade,
    Interaction,
    ObjectiveKind,
    Question,
    Response,
    interaction_of,
    proposed_rating,
)
from studyapp.core.kinds import KINDS
from studyapp.core.scheduling import Rating

if TYPE_CHECKING:
    from studyapp.core.model import Deck
    from studyapp.core.session import Prompt

__all__ = ["AliasRepository", "Quizzer"]


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
        card's caveat (:meth:`~studyapp.core.model.Deck.caveat_for`) in its hint."""
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

    def accept(self, prompt: Prompt, question: Question, text: str) -> Grade:
        """ "I was right": keep ``text`` as this student's answer for the card, re-grade."""
        self.repository.add_alias(prompt.deck.id, prompt.card.id, text.strip(), self.clock())
        self._contexts.pop(prompt.deck.id, None)
        return self.grade(prompt, question, text)

    def propose(self, grade: Grade, duration_ms: int) -> Rating:
        return proposed_rating(grade, duration_ms, self.hard_after_ms)
