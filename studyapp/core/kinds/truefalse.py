"""``truefalse``: a statement the student marks true or false."""

from __future__ import annotations

from random import Random
from typing import Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import parse_inline
from studyapp.core.kinds._options import index_response, listing_face, warn_missing_explain
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType
from studyapp.core.kinds.grading import DeckContext, Grade, Interaction, Question, Response, Verdict

name = "truefalse"
doc = "A statement to mark true or false; 'explain' says why."
interaction = Interaction.TRUE_FALSE
fields = (
    FieldSpec("statement", FieldType.TEXT, required=True, doc="The statement to judge."),
    FieldSpec("answer", FieldType.BOOL, required=True, doc="true or false."),
)

OPTIONS = ("True", "False")
"""The options, always in this order."""


def check(ctx: CheckContext) -> dict[str, Any] | None:
    """Validate a true/false card (``answer`` was type-checked by the loader)."""
    statement = ctx.text("statement")
    warn_missing_explain(ctx)
    answer = ctx.fields.get("answer")
    if statement is None or answer is None or not isinstance(answer.value, bool):
        return None
    return {"statement": statement, "answer": answer.value}


def siblings(card: Card) -> tuple[str, ...]:
    """One prompt per card."""
    return ("main",)


def render(card: Card, sibling: str) -> Face:
    """A preview: the statement over True / False; the back is the answer."""
    return listing_face(card.data["statement"], OPTIONS, [_expected(card)])


def answer_text(card: Card) -> list[str]:
    """None: "True" or "False" must never be drawn as another card's option."""
    return []


def ask(card: Card, sibling: str, rng: Random, context: DeckContext) -> Question:
    """The statement with ``("True", "False")``, never shuffled."""
    return Question(Interaction.TRUE_FALSE, tuple(parse_inline(card.data["statement"])), OPTIONS)


def grade(card: Card, question: Question, response: Response, context: DeckContext) -> Grade:
    """Right or wrong; the feedback is the card's ``explain``."""
    picked = OPTIONS[index_response(response, len(OPTIONS))]
    right = picked == _expected(card)
    return Grade(
        verdict=Verdict.CORRECT if right else Verdict.WRONG,
        score=1.0 if right else 0.0,
        answer=picked,
        expected=_expected(card),
        feedback=(card.explain,) if card.explain else (),
    )


def _expected(card: Card) -> str:
    return OPTIONS[0] if card.data["answer"] else OPTIONS[1]
