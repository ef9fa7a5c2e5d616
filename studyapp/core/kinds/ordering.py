"""``ordering``: put items in order (a cascade, a timeline, the steps of a procedure).

``items`` is written in the correct order, first to last. The question shows
them shuffled, never in the correct order; the answer is graded by position.
"""

from __future__ import annotations

from random import Random
from typing import Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import parse_inline
from studyapp.core.kinds._options import (
    MAX_OPTIONS,
    check_shown,
    check_unique,
    grade_from_items,
    index_tuple_response,
    listing_face,
    not_identity_permutation,
    text_of,
)
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType
from studyapp.core.kinds.grading import (
    DeckContext,
    Grade,
    Interaction,
    ItemResult,
    Question,
    Response,
)

name = "ordering"
doc = "Items to put in order; graded by position, never shown in the right order."
interaction = Interaction.ORDERING
fields = (
    FieldSpec("question", FieldType.TEXT, required=True, doc="What the student is asked."),
    FieldSpec(
        "items",
        FieldType.LIST,
        required=True,
        doc=f"The items in the correct order, first to last (2 to {MAX_OPTIONS}).",
        of=FieldType.TEXT,
        schema={"minItems": 2, "maxItems": MAX_OPTIONS, "uniqueItems": True},
    ),
)

ARROW = " → "
"""Joins items into one line (answers in the review log)."""


def check(ctx: CheckContext) -> dict[str, Any] | None:
    """Validate an ordering card: 2 to 12 distinct items."""
    question = ctx.text("question")
    node = ctx.fields.get("items")
    if node is None or not isinstance(node.value, list):
        return None  # missing or not a list: the loader reported it
    read = [(item, text_of(ctx, item, f"item {n}")) for n, item in enumerate(node.value, 1)]
    items = [(item, text) for item, text in read if text is not None]
    ok = len(items) == len(read)
    if len(read) < 2:
        ctx.error(node, f"put at least 2 items in order, found {len(read)}", "ordering-too-few")
        ok = False
    ok = check_shown(ctx, node, len(read), "items", "ordering-too-many") and ok
    ok = check_unique(ctx, items, "item", "duplicate-item") and ok
    if question is None or not ok:
        return None
    return {"question": question, "items": [text for _, text in items]}


def siblings(card: Card) -> tuple[str, ...]:
    """One prompt per card."""
    return ("main",)


def render(card: Card, sibling: str) -> Face:
    """A preview: the items in a fixed scrambled order; the back numbers them in order."""
    items = _items(card)
    scrambled = [items[i] for i in not_identity_permutation(len(items), Random(card.id))]
    back = [f"{n}. {item}" for n, item in enumerate(items, 1)]
    return listing_face(card.data["question"], scrambled, back)


def answer_text(card: Card) -> list[str]:
    """None: no single item answers the card, so none is offered to other cards."""
    return []


def ask(card: Card, sibling: str, rng: Random, context: DeckContext) -> Question:
    """The items shuffled with ``rng``, never in the correct order."""
    items = _items(card)
    order = not_identity_permutation(len(items), rng)
    prompt = tuple(parse_inline(card.data["question"]))
    return Question(Interaction.ORDERING, prompt, tuple(items[i] for i in order))


def grade(card: Card, question: Question, response: Response, context: DeckContext) -> Grade:
    """One result per position; the score is the share of items in the right place.

    ``response`` lists option indexes, first to last, each option once.
    """
    items = _items(card)
    size = len(question.options)
    order = index_tuple_response(response, size, size)
    if len(set(order)) != size:
        raise ValueError(f"expected each option once, got {order!r}")
    given = [question.options[index] for index in order]
    results = [
        ItemResult(label=str(n), expected=want, given=got, ok=want == got)
        for n, (want, got) in enumerate(zip(items, given, strict=True), 1)
    ]
    return grade_from_items(results, answer=ARROW.join(given), expected=ARROW.join(items))


def _items(card: Card) -> list[str]:
    return list(card.data["items"])
