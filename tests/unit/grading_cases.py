"""Grade one answer against one card described as deck data: shared by the
grading regression tests and the test that runs the documented grading rules.

A card is a mapping of its kind's fields (``{"kind": "typed", "answer": "TrkB"}``);
``others`` are the answers of other typed cards in the same deck, ``kept`` the
answers the student kept with "I was right". Responses are what the student
gives, as text: option texts for choice kinds (a list for select-all and
ordering; ``left=right`` pairs for matching).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from random import Random
from typing import Any, cast

from studyapp.core.deck.model import Card, Deck
from studyapp.core.kinds import get_kind
from studyapp.core.kinds.grading import DeckContext, Grade, ObjectiveKind, Question, Response
from studyapp.core.library.loader import load_deck_bytes

__all__ = ["Aliases", "ask", "card_deck", "grade_answer", "response_for"]


class Aliases:
    """An in-memory stand-in for the store's answer aliases ("I was right")."""

    def __init__(self) -> None:
        self.kept: dict[str, dict[str, tuple[str, ...]]] = {}

    def aliases(self, deck_id: str) -> dict[str, tuple[str, ...]]:
        return dict(self.kept.get(deck_id, {}))

    def add_alias(self, deck_id: str, card_id: str, alias: str, at: datetime) -> None:
        deck = self.kept.setdefault(deck_id, {})
        deck[card_id] = (*deck.get(card_id, ()), alias)


def card_deck(card: Mapping[str, Any], others: Sequence[str] = ()) -> Deck:
    """A deck with the card (id ``c``) and one typed card per answer in ``others``."""
    cards: list[dict[str, Any]] = [{"id": "c", "topic": "t", "question": "Q?", **card}]
    for number, answer in enumerate(others):
        cards.append(
            {"id": f"o{number}", "kind": "typed", "topic": "t", "question": "Q?", "answer": answer}
        )
    body = "".join(f"  - {json.dumps(entry, ensure_ascii=False)}\n" for entry in cards)
    result = load_deck_bytes(f"deck: d\ntitle: T\ncards:\n{body}".encode(), "d.yaml")
    assert result.deck is not None, [d.format() for d in result.diagnostics]
    return result.deck


def ask(deck: Deck, seed: int = 0, kept: Sequence[str] = ()) -> tuple[Card, Question, DeckContext]:
    card = deck.card("c")
    assert card is not None
    context = DeckContext.of(deck, {"c": tuple(kept)})
    kind = cast(ObjectiveKind, get_kind(card.kind))
    return card, kind.ask(card, "main", Random(seed), context), context


def response_for(question: Question, given: Any) -> Response:
    """The response a widget would post for ``given`` (see the module docstring)."""
    interaction = question.interaction.value
    if interaction in ("typed", "numeric"):
        return str(given)
    if interaction == "multi":
        return frozenset(question.options.index(text) for text in given)
    if interaction == "ordering":
        return tuple(question.options.index(text) for text in given)
    if interaction == "matching":
        pairs = dict(pair.split("=", 1) for pair in given)
        return tuple(
            question.targets.index(pairs[left]) if left in pairs else -1
            for left in question.options
        )
    return question.options.index(str(given))


def grade_answer(
    card: Mapping[str, Any],
    given: Any,
    *,
    others: Sequence[str] = (),
    kept: Sequence[str] = (),
    seed: int = 0,
) -> Grade:
    """Grade ``given`` for ``card`` exactly as the app does (ask, then grade)."""
    deck = card_deck(card, others)
    real, question, context = ask(deck, seed, kept)
    kind = cast(ObjectiveKind, get_kind(real.kind))
    return kind.grade(real, question, response_for(question, given), context)
