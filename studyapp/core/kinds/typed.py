"""``typed``: the student types a term; the app grades it.

A response matches the ``answer``, an ``accept`` synonym or an answer the
student marked as right before ("I was right"), after normalisation (case,
spacing, punctuation, hyphens, Greek letters and their names, ``µ``/``μ``).
A typo is *almost* (counted wrong, said kindly); numbers, a final letter
(``TrkA``/``TrkB``), acronyms and another card's term are never taken for a
typo. The rules are in :mod:`studyapp.core.kinds.answers`.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import parse_inline, sanitize
from studyapp.core.kinds.answers import (
    MAX_ANSWER_CHARS,
    char_diff,
    feedback,
    judge,
    match_key,
    term,
)
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType
from studyapp.core.kinds.grading import (
    DeckContext,
    Grade,
    Interaction,
    Question,
    Response,
    Verdict,
)

if TYPE_CHECKING:
    from studyapp.core.deck.yamlsafe import Node

name = "typed"
doc = "A question answered by typing a term; typos are 'almost', synonyms can be accepted."
fields = (
    FieldSpec("question", FieldType.TEXT, required=True, doc="What the student is asked."),
    FieldSpec(
        "answer", FieldType.TEXT, required=True, doc="The expected term (shown after answering)."
    ),
    FieldSpec(
        "accept",
        FieldType.STRING_LIST,
        doc="Other answers accepted as correct (synonyms, spellings, abbreviations).",
    ),
)
interaction = Interaction.TYPED


# -------------------------------------------------------------------- checks


def check(ctx: CheckContext) -> dict[str, Any] | None:
    """Question and answer must be non-empty; ``accept`` entries must be
    matchable and new (a duplicate is a warning and is dropped)."""
    question = ctx.text("question")
    answer = ctx.text("answer")
    if answer is not None and not match_key(answer):
        _no_letters(ctx, ctx.fields["answer"], "'answer'", answer)
        answer = None
    accept = _check_accept(ctx, answer)
    if question is None or answer is None or accept is None:
        return None
    # Lists, not tuples: card data must survive the JSON deck cache unchanged.
    return {"question": question, "answer": answer, "accept": list(accept)}


def _check_accept(ctx: CheckContext, answer: str | None) -> tuple[str, ...] | None:
    """The distinct ``accept`` entries, or ``None`` if one is in error."""
    node = ctx.fields.get("accept")
    if node is None:
        return ()
    items: list[Node] = node.value if isinstance(node.value, list) else [node]
    seen = {match_key(answer): "the answer"} if answer else {}
    accepted: list[str] = []
    ok = True
    for item in items:
        text = _item_text(item)
        if text is None:  # not text: the loader has reported it
            ok = False
            continue
        key = match_key(text)
        if not key:
            _no_letters(ctx, item, "'accept' entry", text)
            ok = False
        elif key in seen:
            message = f"'accept' entry {text!r} is the same as {seen[key]} once normalised"
            ctx.warning(item, message, "duplicate-accept")
        else:
            seen[key] = f"entry {text!r}"
            accepted.append(text)
    return tuple(accepted) if ok else None


def _item_text(item: Node) -> str | None:
    """An ``accept`` entry as written (numbers as typed), sanitised and stripped."""
    value = item.value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if not isinstance(value, str):
        value = item.raw if item.raw is not None else str(value)
    return sanitize(value).strip()


def _no_letters(ctx: CheckContext, node: Node, what: str, text: str) -> None:
    if text:
        message = f"{what} {text!r} has no letters or digits to match an answer against"
    else:
        message = f"{what} is empty"
    ctx.error(node, message, "empty-term")


# ------------------------------------------------------------------ the card


def siblings(card: Card) -> tuple[str, ...]:
    return ("main",)


def render(card: Card, sibling: str) -> Face:
    return Face(
        tuple(parse_inline(card.data["question"])), tuple(parse_inline(card.data["answer"]))
    )


def answer_text(card: Card) -> list[str]:
    return [card.data["answer"], *card.data.get("accept", ())]


# ------------------------------------------------------------------- grading


def ask(card: Card, sibling: str, rng: Random, context: DeckContext) -> Question:
    return Question(Interaction.TYPED, prompt=tuple(parse_inline(card.data["question"])))


def grade(card: Card, question: Question, response: Response, context: DeckContext) -> Grade:
    """Grade the text typed (see :func:`studyapp.core.kinds.answers.judge`).

    ``diff`` compares the response with the expected answer (with the
    synonym it nearly matched, for a typo of a synonym); it is empty when
    the response is correct.
    """
    if not isinstance(response, str):
        raise TypeError(f"a typed answer is text, not {type(response).__name__}")
    given = sanitize(response).strip()
    others = [
        text
        for card_id, texts in context.accepted_by_card.items()
        if card_id != card.id
        for text in texts
    ]
    aliases = context.aliases.get(card.id, ())
    judgement = judge(given, answer_text(card), others, aliases)
    expected = term(card.data["answer"]).display
    correct = judgement.verdict is Verdict.CORRECT
    target = expected
    if judgement.verdict is Verdict.ALMOST and judgement.term is not None:
        target = judgement.term.display
    kept = given[:MAX_ANSWER_CHARS]  # the log keeps a bounded answer; longer ones are wrong
    return Grade(
        verdict=judgement.verdict,
        score=1.0 if correct else 0.0,
        answer=kept,
        expected=expected,
        feedback=feedback(judgement, expected),
        diff=() if correct else char_diff(kept, target),
        rule=judgement.reason.value,
    )
