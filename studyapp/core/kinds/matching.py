"""``matching``: match each left item to its right item (drug to class, pathway to receptor).

``pairs`` is a list of ``[left, right]`` lists or ``{left, right}`` mappings.
The question shows both columns shuffled; the answer is graded per pair.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import parse_inline
from studyapp.core.kinds._options import (
    MAX_OPTIONS,
    check_keys,
    check_shown,
    check_unique,
    grade_from_items,
    index_tuple_response,
    joined,
    listing_face,
    shuffled,
    text_of,
    type_name,
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

if TYPE_CHECKING:
    from studyapp.core.deck.yamlsafe import Node

name = "matching"
doc = "Pairs to match, left to right; both columns shuffled, graded per pair."
interaction = Interaction.MATCHING
PAIR_FIELDS = (
    FieldSpec("left", FieldType.TEXT, required=True, doc="An item of the left column."),
    FieldSpec("right", FieldType.TEXT, required=True, doc="The right item it matches."),
)
fields = (
    FieldSpec("question", FieldType.TEXT, required=True, doc="What the student is asked."),
    FieldSpec(
        "pairs",
        FieldType.LIST,
        required=True,
        doc=f"[left, right] lists or {{left, right}} mappings (2 to {MAX_OPTIONS}).",
        of=PAIR_FIELDS,
        positional=True,
        schema={"minItems": 2, "maxItems": MAX_OPTIONS},
    ),
)

PAIR_KEYS = tuple(spec.name for spec in PAIR_FIELDS)
ARROW = " → "
"""Joins a left item to its right item (answers in the review log)."""

_NodePair = tuple[tuple["Node", str], tuple["Node", str]]


def check(ctx: CheckContext) -> dict[str, Any] | None:
    """Validate a matching card: 2 to 12 pairs, left items distinct, right items distinct."""
    question = ctx.text("question")
    node = ctx.fields.get("pairs")
    if node is None or not isinstance(node.value, list):
        return None  # missing or not a list: the loader reported it
    read = [_pair(ctx, item, n) for n, item in enumerate(node.value, 1)]
    pairs = [pair for pair in read if pair is not None]
    ok = len(pairs) == len(read)
    if len(read) < 2:
        ctx.error(node, f"a matching needs at least 2 pairs, found {len(read)}", "matching-too-few")
        ok = False
    ok = check_shown(ctx, node, len(read), "pairs", "matching-too-many") and ok
    ok = check_unique(ctx, (left for left, _ in pairs), "left item", "duplicate-item") and ok
    ok = check_unique(ctx, (right for _, right in pairs), "right item", "duplicate-item") and ok
    if question is None or not ok:
        return None
    return {"question": question, "pairs": [[left, right] for (_, left), (_, right) in pairs]}


def _pair(ctx: CheckContext, node: Node, number: int) -> _NodePair | None:
    """One pair, from ``[left, right]`` or ``{left: ..., right: ...}``."""
    where = f"pair {number}"
    if isinstance(node.value, list) and len(node.value) == 2:
        sides: list[Node] = node.value
    elif isinstance(node.value, dict):
        if not check_keys(ctx, node, PAIR_KEYS, where):
            return None
        missing = [key for key in PAIR_KEYS if key not in node.value]
        if missing:
            ctx.error(node, f"{where} is missing required key '{missing[0]}'", "missing-key")
            return None
        sides = [node.value[key] for key in PAIR_KEYS]
    else:
        found = f"{len(node.value)} items" if isinstance(node.value, list) else type_name(node)
        message = f"{where} must be a [left, right] list or a {{left, right}} mapping, not {found}"
        ctx.error(node, message, "matching-bad-pair")
        return None
    left = text_of(ctx, sides[0], f"the left of {where}")
    right = text_of(ctx, sides[1], f"the right of {where}")
    if left is None or right is None:
        return None
    return (sides[0], left), (sides[1], right)


def siblings(card: Card) -> tuple[str, ...]:
    """One prompt per card."""
    return ("main",)


def render(card: Card, sibling: str) -> Face:
    """A preview: lettered left items, numbered right items scrambled; the back pairs them."""
    pairs = _pairs(card)
    rights = shuffled([right for _, right in pairs], Random(card.id))
    numbered = [f"{n}. {right}" for n, right in enumerate(rights, 1)]
    back = [f"{left}{ARROW}{right}" for left, right in pairs]
    return listing_face(card.data["question"], [left for left, _ in pairs], back, numbered)


def answer_text(card: Card) -> list[str]:
    """None: no single item answers the card, so none is offered to other cards."""
    return []


def ask(card: Card, sibling: str, rng: Random, context: DeckContext) -> Question:
    """Left items (``options``) and right items (``targets``), each shuffled with ``rng``."""
    pairs = _pairs(card)
    lefts = shuffled([left for left, _ in pairs], rng)
    rights = shuffled([right for _, right in pairs], rng)
    prompt = tuple(parse_inline(card.data["question"]))
    return Question(Interaction.MATCHING, prompt, lefts, targets=rights)


def grade(card: Card, question: Question, response: Response, context: DeckContext) -> Grade:
    """One result per left item, in the order shown; the score is the share right.

    ``response[i]`` is the target index chosen for ``options[i]``, or -1 when
    that item was left unanswered.
    """
    match = dict(_pairs(card))
    size = len(question.options)
    chosen = index_tuple_response(response, size, len(question.targets), allow_blank=True)
    results = []
    for left, index in zip(question.options, chosen, strict=True):
        if left not in match:
            raise ValueError(f"{left!r} is not a left item of card {card.id!r}")
        given = question.targets[index] if index >= 0 else None
        results.append(ItemResult(left, match[left], given, given == match[left]))
    return grade_from_items(
        results,
        answer=joined(f"{r.label}{ARROW}{r.given or '?'}" for r in results),
        expected=joined(f"{left}{ARROW}{right}" for left, right in _pairs(card)),
    )


def _pairs(card: Card) -> list[tuple[str, str]]:
    return [(left, right) for left, right in card.data["pairs"]]
