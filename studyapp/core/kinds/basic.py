"""``basic``: a question and an answer, studied by flipping."""

from __future__ import annotations

from typing import Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import parse_inline
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType

name = "basic"
doc = "A question and its answer; the student recalls, reveals and rates."
fields = (
    FieldSpec("question", FieldType.TEXT, required=True, doc="What the student is asked."),
    FieldSpec("answer", FieldType.TEXT, required=True, doc="The answer shown on reveal."),
)


def check(ctx: CheckContext) -> dict[str, Any] | None:
    question = ctx.text("question")
    answer = ctx.text("answer")
    if question is None or answer is None:
        return None
    return {"question": question, "answer": answer}


def siblings(card: Card) -> tuple[str, ...]:
    return ("main",)


def render(card: Card, sibling: str) -> Face:
    return Face(
        tuple(parse_inline(card.data["question"])), tuple(parse_inline(card.data["answer"]))
    )


def answer_text(card: Card) -> list[str]:
    return [card.data["answer"]]
