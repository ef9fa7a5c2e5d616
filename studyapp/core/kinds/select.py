"""``select``: select all that apply; one or more options are correct.

Graded all-or-nothing for scheduling (correct only when exactly the correct
options are chosen); the score is the share of options classified right
(chosen when correct, left alone when wrong), shown with a per-option breakdown.
An empty submission scores 0: leaving every option alone is no answer, not
partial credit for the wrong options left out.
"""

from __future__ import annotations

from dataclasses import replace
from random import Random
from typing import Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import parse_inline
from studyapp.core.kinds._options import (
    CHOICE_FIELDS,
    CHOICES_SCHEMA,
    MAX_OPTIONS,
    check_shown,
    choice_breakdown,
    choices_from_data,
    choices_to_data,
    grade_from_items,
    index_set_response,
    joined,
    listing_face,
    misclassified_notes,
    read_choices,
    shuffled,
    warn_missing_explain,
)
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType
from studyapp.core.kinds.grading import DeckContext, Grade, Interaction, Question, Response, Verdict

name = "select"
doc = "Select all that apply: one or more correct options; scored per option."
interaction = Interaction.MULTI
fields = (
    FieldSpec("question", FieldType.TEXT, required=True, doc="What the student is asked."),
    FieldSpec(
        "choices",
        FieldType.LIST,
        required=True,
        doc="The options, each {text, correct, why}; at least one has correct: true.",
        of=CHOICE_FIELDS,
        schema={**CHOICES_SCHEMA, "maxItems": MAX_OPTIONS},
    ),
)


def check(ctx: CheckContext) -> dict[str, Any] | None:
    """Validate a select card: its question, its choices and ``explain``."""
    question = ctx.text("question")
    warn_missing_explain(ctx)
    node = ctx.fields.get("choices")
    choices = None if node is None else read_choices(ctx, node, single=False)
    if question is None or node is None or choices is None:
        return None
    if not check_shown(ctx, node, len(choices), "choices", "choice-too-many"):
        return None
    return {"question": question, "choices": choices_to_data(choices)}


def siblings(card: Card) -> tuple[str, ...]:
    """One prompt per card."""
    return ("main",)


def render(card: Card, sibling: str) -> Face:
    """A preview: the question over its choices; the back lists the correct ones."""
    options = [choice.text for choice in choices_from_data(card.data["choices"])]
    return listing_face(card.data["question"], options, answer_text(card))


def answer_text(card: Card) -> list[str]:
    """The correct options, in deck order."""
    return [choice.text for choice in choices_from_data(card.data["choices"]) if choice.correct]


def ask(card: Card, sibling: str, rng: Random, context: DeckContext) -> Question:
    """Every choice, shuffled with ``rng``."""
    options = [choice.text for choice in choices_from_data(card.data["choices"])]
    prompt = tuple(parse_inline(card.data["question"]))
    return Question(Interaction.MULTI, prompt, shuffled(options, rng))


def grade(card: Card, question: Question, response: Response, context: DeckContext) -> Grade:
    """Score: the share of options classified right; correct only if all are.

    ``picked_wrong`` stays empty: several wrong options may be chosen at once,
    and the breakdown (``items``) says which.
    """
    chosen = index_set_response(response, len(question.options))
    choices = choices_from_data(card.data["choices"])
    items = choice_breakdown(choices, question.options, chosen)
    grade = grade_from_items(
        items,
        answer=joined(text for index, text in enumerate(question.options) if index in chosen),
        expected=joined(answer_text(card)),
        feedback=misclassified_notes(items),
    )
    if chosen:
        return grade
    empty = ("no option chosen: an empty answer scores 0", *grade.feedback)
    return replace(grade, verdict=Verdict.WRONG, score=0.0, feedback=empty, rule="empty")
