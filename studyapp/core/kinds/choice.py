"""``choice``: a question with exactly one correct option among several.

Two ways to write the options:

* ``choices``: a list of ``{text, correct, why}``, exactly one ``correct: true``;
* ``answer`` + ``distractors``: the correct option and a list of wrong ones, or
  ``distractors: auto`` to draw wrong options, each time the card is asked,
  from the answers of other cards of the same topic.

``count`` says how many wrong options are shown (drawn at random each time):
by default all of a list, 3 for ``auto``.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import parse_inline
from studyapp.core.kinds._options import (
    CHOICE_FIELDS,
    CHOICES_SCHEMA,
    MAX_OPTIONS,
    Choice,
    check_shown,
    check_unique,
    choice_breakdown,
    choices_from_data,
    choices_to_data,
    first_key_node,
    index_response,
    listing_face,
    misclassified_notes,
    normalize,
    read_choices,
    shuffled,
    text_of,
    warn_missing_explain,
)
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType
from studyapp.core.kinds.grading import DeckContext, Grade, Interaction, Question, Response, Verdict

if TYPE_CHECKING:
    from studyapp.core.deck.yamlsafe import Node

name = "choice"
doc = "A question with one correct option; options are shuffled each time (single answer)."
AUTO = "auto"
"""The ``distractors`` value that draws wrong options from the topic."""
AUTO_COUNT = 3
"""Wrong options drawn for ``distractors: auto`` when ``count`` is not given."""

interaction = Interaction.CHOICE
fields = (
    FieldSpec("question", FieldType.TEXT, required=True, doc="What the student is asked."),
    FieldSpec(
        "choices",
        FieldType.LIST,
        doc="The options, each {text, correct, why}; exactly one has correct: true.",
        of=CHOICE_FIELDS,
        schema={**CHOICES_SCHEMA, "maxContains": 1},
    ),
    FieldSpec(
        "answer", FieldType.TEXT, doc="The correct option (with 'distractors', not 'choices')."
    ),
    FieldSpec(
        "distractors",
        FieldType.STRING_LIST,
        doc="Wrong options: a list, or auto (answers of other cards of the same topic).",
        schema={
            "anyOf": [
                {"const": AUTO},
                {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/text"}},
            ]
        },
    ),
    FieldSpec(
        "count",
        FieldType.NUMBER,
        doc="How many wrong options are shown (default: all of a list, 3 for auto).",
        schema={"type": "integer", "minimum": 1, "maximum": MAX_OPTIONS - 1},
    ),
)
schema_rules = {
    "oneOf": [
        {
            "required": ["choices"],
            "not": {"anyOf": [{"required": ["answer"]}, {"required": ["distractors"]}]},
        },
        {"required": ["answer", "distractors"], "not": {"required": ["choices"]}},
    ]
}
"""JSON Schema rules across fields: 'choices', or 'answer' with 'distractors'."""


@dataclass(frozen=True, slots=True)
class _Options:
    """The options as written: fixed choices, plus drawn ones when ``auto``."""

    choices: list[Choice]
    auto: bool
    node: Node
    """Where problems with the options as a whole are reported."""


# ------------------------------------------------------------------ checking


def check(ctx: CheckContext) -> dict[str, Any] | None:
    """Validate a choice card: its question, options, ``count`` and ``explain``."""
    question = ctx.text("question")
    warn_missing_explain(ctx)
    options = _options(ctx)
    count_ok, count = _count(ctx)
    if question is None or options is None or not count_ok:
        return None
    if not _check_shown(ctx, options, count):
        return None
    return {
        "question": question,
        "choices": choices_to_data(options.choices),
        "auto": options.auto,
        "count": count,
    }


def _options(ctx: CheckContext) -> _Options | None:
    fields = ctx.fields
    conflict = _report_conflict(ctx)
    if "choices" in fields:
        node = fields["choices"]
        choices = read_choices(ctx, node, single=True)
        options = None if choices is None else _Options(choices, False, node)
    elif "answer" in fields and "distractors" in fields:
        options = _from_distractors(ctx)
    else:
        _report_missing(ctx)
        return None
    return None if conflict else options


def _report_conflict(ctx: CheckContext) -> bool:
    other = first_key_node(ctx, "answer", "distractors")
    if "choices" not in ctx.fields or other is None:
        return False
    message = (
        f"'{other.value}' cannot be used with 'choices':"
        " give 'choices', or 'answer' and 'distractors'"
    )
    ctx.error(other, message, "choice-conflict")
    return True


def _report_missing(ctx: CheckContext) -> None:
    if "answer" in ctx.fields:
        message = "'answer' needs 'distractors': a list of wrong options, or auto"
        ctx.error(first_key_node(ctx, "answer"), message, "missing-key")
    elif "distractors" in ctx.fields:
        message = "'distractors' needs 'answer': the correct option"
        ctx.error(first_key_node(ctx, "distractors"), message, "missing-key")
    else:
        message = "choice card needs 'choices', or 'answer' with 'distractors'"
        ctx.error(None, message, "missing-key")


def _from_distractors(ctx: CheckContext) -> _Options | None:
    answer = ctx.text("answer")
    node = ctx.fields["distractors"]
    value = node.value
    if isinstance(value, list):
        wrong = _listed(ctx, node, answer)
    elif isinstance(value, str) and value.strip() == AUTO:
        wrong = []
    elif node.kind in ("str", "int", "float"):
        message = "'distractors' must be a list of wrong options or auto"
        ctx.error(node, f"{message}; for one option write [{value}]", "wrong-type")
        return None
    else:
        return None  # the loader reported the type
    if answer is None or wrong is None:
        return None
    return _Options([Choice(answer, True), *wrong], not isinstance(value, list), node)


def _listed(ctx: CheckContext, node: Node, answer: str | None) -> list[Choice] | None:
    """The wrong options of a ``distractors`` list, checked."""
    items: list[Node] = node.value
    if not items:
        ctx.error(
            node, "'distractors' is empty: list wrong options, or write auto", "choice-too-few"
        )
        return None
    read = [(item, text_of(ctx, item, "a distractor", loader_typed=True)) for item in items]
    texts = [(item, text) for item, text in read if text is not None]
    ok = len(texts) == len(items)
    distinct = []
    for item, text in texts:
        if answer is not None and normalize(text) == normalize(answer):
            ctx.error(item, f"distractor '{text}' is the answer", "answer-is-distractor")
            ok = False
        else:
            distinct.append((item, text))
    ok = check_unique(ctx, distinct, "distractor", "duplicate-choice") and ok
    return [Choice(text) for _, text in texts] if ok else None


def _count(ctx: CheckContext) -> tuple[bool, int | None]:
    """Whether ``count`` is valid, and its value (``None`` when not given)."""
    node = ctx.fields.get("count")
    if node is None:
        return True, None
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False, None  # the loader reported the type
    if not isinstance(value, int) or not 1 <= value < MAX_OPTIONS:
        message = f"'count' must be a whole number from 1 to {MAX_OPTIONS - 1}, not {node.raw}"
        ctx.error(node, message, "bad-count")
        return False, None
    return True, value


def _check_shown(ctx: CheckContext, options: _Options, count: int | None) -> bool:
    """``count`` fits the wrong options written, and the question is not too long."""
    if options.auto:
        return True  # drawn at ask time; count is already bounded
    wrong = sum(not choice.correct for choice in options.choices)
    if count is not None and count > wrong:
        message = f"'count' is {count} but there are only {wrong} wrong options"
        ctx.error(ctx.fields["count"], message, "bad-count")
        return False
    shown = len(options.choices) - wrong + (wrong if count is None else count)
    return check_shown(ctx, options.node, shown, "options", "choice-too-many")


# -------------------------------------------------------------------- cards


def siblings(card: Card) -> tuple[str, ...]:
    """One prompt per card."""
    return ("main",)


def render(card: Card, sibling: str) -> Face:
    """A preview: the question over its options as written; the back is the answer."""
    options = [choice.text for choice in choices_from_data(card.data["choices"])]
    after = []
    if card.data["auto"]:
        after.append(f"(+ {_auto_count(card)} wrong options drawn from topic '{card.topic}')")
    return listing_face(card.data["question"], options, answer_text(card), after)


def answer_text(card: Card) -> list[str]:
    """The correct option (other cards of the topic may draw it as a distractor)."""
    return [choice.text for choice in choices_from_data(card.data["choices"]) if choice.correct]


# ------------------------------------------------------------------- asking


def ask(card: Card, sibling: str, rng: Random, context: DeckContext) -> Question:
    """The options, shuffled with ``rng``; ``auto`` distractors are drawn first.

    When the topic has no other answer to draw from, the question has the
    correct option alone and says so in its hint (the deck check warns).
    """
    choices = choices_from_data(card.data["choices"])
    options = [choice.text for choice in choices if choice.correct]
    options += [choice.text for choice in _wrong_shown(card, choices, rng)]
    hint = None
    if card.data["auto"]:
        drawn = draw_distractors(card, context, rng, _auto_count(card))
        if not drawn:
            hint = f"no other card of topic '{card.topic}' has an answer to offer as an option"
        options += drawn
    prompt = tuple(parse_inline(card.data["question"]))
    return Question(Interaction.CHOICE, prompt, shuffled(options, rng), hint=hint)


def _wrong_shown(card: Card, choices: list[Choice], rng: Random) -> list[Choice]:
    wrong = [choice for choice in choices if not choice.correct]
    count = card.data["count"]
    if card.data["auto"] or count is None or count >= len(wrong):
        return wrong
    return rng.sample(wrong, count)


def _auto_count(card: Card) -> int:
    count = card.data["count"]
    return AUTO_COUNT if count is None else int(count)


def distractor_pool(card: Card, context: DeckContext) -> list[str]:
    """Every answer ``auto`` may draw for ``card``, in deck order.

    Answers of the other cards of the same topic, without those equal
    (casefolded, whitespace normalised) to what this card accepts or to an
    earlier one. The deck check can use it to warn about a topic too small.
    """
    taken = {normalize(text) for text in answer_text(card)}
    taken.update(normalize(text) for text in context.accepted_by_card.get(card.id, ()))
    pool = []
    for card_id, text in context.answers_by_topic.get(card.topic, ()):
        key = normalize(text)
        if card_id != card.id and key and key not in taken:
            taken.add(key)
            pool.append(text)
    return pool


def draw_distractors(card: Card, context: DeckContext, rng: Random, count: int) -> list[str]:
    """Up to ``count`` distinct answers from :func:`distractor_pool`, drawn with ``rng``."""
    pool = distractor_pool(card, context)
    return rng.sample(pool, min(count, len(pool)))


# ------------------------------------------------------------------ grading


def grade(card: Card, question: Question, response: Response, context: DeckContext) -> Grade:
    """Right or wrong, with a line per option and the picked option's ``why``."""
    index = index_response(response, len(question.options))
    choices = choices_from_data(card.data["choices"])
    items = choice_breakdown(choices, question.options, frozenset({index}))
    picked = items[index]
    right = picked.ok
    return Grade(
        verdict=Verdict.CORRECT if right else Verdict.WRONG,
        score=1.0 if right else 0.0,
        answer=picked.label,
        expected=answer_text(card)[0],
        feedback=misclassified_notes(items),
        items=items,
        picked_wrong=None if right else picked.label,
    )
