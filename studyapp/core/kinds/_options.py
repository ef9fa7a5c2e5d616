"""Shared machinery of the objective kinds (choice, select, truefalse, ordering, matching).

Not a kind itself (the registry skips modules starting with ``_``). It holds:

* reading deck nodes inside ``LIST`` fields, which the loader does not look
  into: item text, the keys of nested mappings, uniqueness of items;
* the ``choices`` list shared by ``choice`` and ``select``, and its per-option
  grading (every option is *classified*: chosen or not, correct or not);
* shuffles (including one that never returns the correct order), response
  validation, verdicts from a share of right items, and preview faces.

Card data stays JSON-ready (lists, dicts, strings, booleans), because loaded
decks are cached as JSON: readers accept lists where tuples were written.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.model import Face
from studyapp.core.deck.text import Span, join_spans, parse_inline, sanitize
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType
from studyapp.core.kinds.grading import Grade, ItemResult, Verdict, option_letters

if TYPE_CHECKING:
    from studyapp.core.deck.yamlsafe import Node

__all__ = [
    "CHOICES_SCHEMA",
    "CHOICE_FIELDS",
    "CHOICE_KEYS",
    "MAX_OPTIONS",
    "Choice",
    "NodeChoice",
    "check_keys",
    "check_shown",
    "check_unique",
    "choice_breakdown",
    "choices_from_data",
    "choices_to_data",
    "first_key_node",
    "grade_from_items",
    "index_response",
    "index_set_response",
    "index_tuple_response",
    "joined",
    "listing_face",
    "misclassified_notes",
    "normalize",
    "not_identity_permutation",
    "read_choices",
    "shuffled",
    "text_of",
    "type_name",
    "verdict_for",
    "warn_missing_explain",
]

MAX_OPTIONS = 12
"""Most options a question shows (choices, items to order, pairs to match)."""

CHOICE_FIELDS = (
    FieldSpec("text", FieldType.TEXT, required=True, doc="The option as shown."),
    FieldSpec("correct", FieldType.BOOL, doc="true for a correct option (default: false)."),
    FieldSpec("why", FieldType.TEXT, doc="Why it is right or wrong (shown after answering)."),
)
"""The fields of one entry of ``choices``."""
CHOICE_KEYS = tuple(spec.name for spec in CHOICE_FIELDS)

CHOICES_SCHEMA = {
    "minItems": 2,
    "contains": {"required": ["correct"], "properties": {"correct": {"const": True}}},
}
"""JSON Schema rules of a ``choices`` list: 2 or more, at least one correct."""


def normalize(text: str) -> str:
    """``text`` compared loosely: casefolded, runs of whitespace made one space."""
    return " ".join(text.casefold().split())


# ------------------------------------------------------------------ checking


def type_name(node: Node) -> str:
    """How a node's type is named in messages (as the loader names it)."""
    return node.description


def text_of(ctx: CheckContext, node: Node, what: str, *, loader_typed: bool = False) -> str | None:
    """The sanitised text of a scalar ``node`` nested in a field, or ``None``.

    Numbers are text as written (``1.50`` stays "1.50"). A non-text node is
    reported (``wrong-type``) unless ``loader_typed``: the loader already
    type-checked it (items of a ``STRING_LIST`` field). Empty text is
    reported as ``empty-field``.
    """
    value = node.value
    if isinstance(value, str):
        raw = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        raw = node.raw if node.raw is not None else str(value)
    else:
        if not loader_typed:
            ctx.error(node, f"{what} must be text, not {type_name(node)}", "wrong-type")
        return None
    text = sanitize(raw).strip()
    if not text:
        ctx.error(node, f"{what} is empty", "empty-field")
        return None
    return text


def check_keys(ctx: CheckContext, node: Node, allowed: Sequence[str], what: str) -> bool:
    """Report keys of mapping ``node`` not in ``allowed`` (with a did-you-mean)."""
    ok = True
    for key, key_node in (node.keys or {}).items():
        if key not in allowed:
            message = f"unknown key '{key}' in {what}{_key_hint(key, allowed)}"
            ctx.error(key_node, message, "unknown-key")
            ok = False
    return ok


def _key_hint(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    hint = f" (allowed: {', '.join(allowed)})"
    if " " in key.strip():  # "{why: a, b}" reads "b" as a key: the comma ended the value
        hint += "; inside {...} a comma ends a value: quote text that has one"
    return hint


def check_unique(
    ctx: CheckContext, entries: Iterable[tuple[Node, str]], what: str, rule: str
) -> bool:
    """Report every text of ``entries`` equal (loosely) to an earlier one."""
    first: dict[str, Node] = {}
    ok = True
    for node, text in entries:
        seen = first.setdefault(normalize(text), node)
        if seen is not node:
            ctx.error(node, f"duplicate {what} '{text}' (first at line {seen.line})", rule)
            ok = False
    return ok


def check_shown(ctx: CheckContext, node: Node, shown: int, what: str, rule: str) -> bool:
    """Report a question that would show more than :data:`MAX_OPTIONS` ``what``."""
    if shown <= MAX_OPTIONS:
        return True
    ctx.error(node, f"{shown} {what} is too many: at most {MAX_OPTIONS} are shown", rule)
    return False


def first_key_node(ctx: CheckContext, *names: str) -> Node | None:
    """The key node of the first of ``names`` present in the card (for positions)."""
    keys = ctx.card_node.keys or {}
    for name in names:
        if name in keys:
            return keys[name]
    return None


def warn_missing_explain(ctx: CheckContext) -> None:
    """Warn when a card graded by the app has no ``explain`` to show afterwards."""
    if "explain" not in ctx.fields:
        ctx.warning(
            None,
            "add 'explain': it is shown after the answer, right or wrong",
            "missing-explain",
        )


# ------------------------------------------------------------------- choices


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a choice or select card."""

    text: str
    correct: bool = False
    why: str | None = None
    """Why the option is right or wrong (shown in the breakdown)."""

    def to_data(self) -> dict[str, Any]:
        return {"text": self.text, "correct": self.correct, "why": self.why}


NodeChoice = tuple["Node", Choice]
"""A parsed choice with the node it was read from (for later positions)."""


def choices_to_data(choices: Iterable[Choice]) -> list[dict[str, Any]]:
    """Card data for ``choices`` (JSON-ready)."""
    return [choice.to_data() for choice in choices]


def choices_from_data(data: Iterable[Mapping[str, Any]]) -> list[Choice]:
    """Inverse of :func:`choices_to_data`."""
    return [Choice(d["text"], bool(d["correct"]), d.get("why")) for d in data]


def read_choices(ctx: CheckContext, node: Node, *, single: bool) -> list[Choice] | None:
    """Read and check a ``choices`` list; ``None`` when anything in it is wrong.

    Reports entries that are not ``{text, correct, why}`` mappings, fewer than
    two choices, duplicate texts, no correct choice and, when ``single``
    (``choice`` cards), more than one correct choice.
    """
    if not isinstance(node.value, list):
        return None  # the loader reported the type
    parsed = [_parse_choice(ctx, item, number) for number, item in enumerate(node.value, 1)]
    entries = [entry for entry in parsed if entry is not None]
    ok = len(entries) == len(parsed)
    if len(parsed) < 2:
        found = len(parsed)
        ctx.error(node, f"a question needs at least 2 choices, found {found}", "choice-too-few")
        ok = False
    texts = ((entry.value["text"], choice.text) for entry, choice in entries)
    ok = check_unique(ctx, texts, "choice", "duplicate-choice") and ok
    if entries and len(entries) == len(parsed):  # only known when every choice was read
        ok = _check_correct(ctx, node, entries, single=single) and ok
    return [choice for _, choice in entries] if ok else None


def _check_correct(
    ctx: CheckContext, node: Node, entries: Sequence[NodeChoice], *, single: bool
) -> bool:
    correct = [(entry, choice) for entry, choice in entries if choice.correct]
    if not correct:
        ctx.error(node, "no choice is marked 'correct: true'", "choice-no-correct")
        return False
    if not single or len(correct) == 1:
        return True
    for entry, choice in correct[1:]:
        ctx.error(
            entry.value["correct"],
            f"'{choice.text}' is a second correct choice: a choice card has exactly one "
            "(use kind: select for several correct answers)",
            "choice-many-correct",
        )
    return False


def _parse_choice(ctx: CheckContext, node: Node, number: int) -> NodeChoice | None:
    where = f"choice {number}"
    if not isinstance(node.value, dict):
        ctx.error(
            node,
            f"{where} must be a mapping {{text, correct, why}}, not {type_name(node)}",
            "wrong-type",
        )
        return None
    ok = check_keys(ctx, node, CHOICE_KEYS, where)
    fields: dict[str, Node] = node.value
    if "text" not in fields:
        ctx.error(node, f"{where} is missing required key 'text'", "missing-key")
        return None
    text = text_of(ctx, fields["text"], f"'text' of {where}")
    correct = _flag(ctx, fields.get("correct"), f"'correct' of {where}")
    why_node = fields.get("why")
    why = None if why_node is None else text_of(ctx, why_node, f"'why' of {where}")
    if not ok or text is None or correct is None or (why_node is not None and why is None):
        return None
    return node, Choice(text, correct, why)


def _flag(ctx: CheckContext, node: Node | None, what: str) -> bool | None:
    """A boolean that defaults to false; ``None`` (reported) when not a boolean."""
    if node is None:
        return False
    if isinstance(node.value, bool):
        return node.value
    ctx.error(node, f"{what} must be true or false, not {type_name(node)}", "wrong-type")
    return None


# ------------------------------------------------------------------- asking


def shuffled(items: Sequence[str], rng: Random) -> tuple[str, ...]:
    """``items`` in a random order drawn from ``rng``."""
    out = list(items)
    rng.shuffle(out)
    return tuple(out)


def not_identity_permutation(size: int, rng: Random) -> tuple[int, ...]:
    """A uniformly drawn permutation of ``range(size)`` other than the identity.

    One draw from ``rng`` picks a rank among the ``size! - 1`` permutations
    that move something (rank 0, the identity, is never drawn), then the rank
    is decoded (factorial number system), so no retry loop is needed. With
    fewer than 2 items the identity is the only permutation and is returned.
    """
    if size < 2:
        return tuple(range(size))
    rank = rng.randrange(1, math.factorial(size))
    pool = list(range(size))
    out: list[int] = []
    for place in range(size - 1, -1, -1):
        digit, rank = divmod(rank, math.factorial(place))
        out.append(pool.pop(digit))
    return tuple(out)


# ------------------------------------------------------------------ grading


def index_response(response: object, size: int) -> int:
    """``response`` as one option index (``ValueError`` if it is not one)."""
    if isinstance(response, int) and not isinstance(response, bool) and 0 <= response < size:
        return response
    raise ValueError(f"expected an option index below {size}, got {response!r}")


def index_set_response(response: object, size: int) -> frozenset[int]:
    """``response`` as a set of option indexes (``ValueError`` if it is not one)."""
    if not isinstance(response, (set, frozenset)):
        raise ValueError(f"expected a set of option indexes, got {response!r}")
    for value in response:
        index_response(value, size)
    return frozenset(response)


def index_tuple_response(
    response: object, length: int, size: int, *, allow_blank: bool = False
) -> tuple[int, ...]:
    """``response`` as ``length`` indexes below ``size`` (``-1`` too if ``allow_blank``)."""
    if not isinstance(response, tuple) or len(response) != length:
        raise ValueError(f"expected a tuple of {length} indexes, got {response!r}")
    for value in response:
        if not (allow_blank and type(value) is int and value == -1):
            index_response(value, size)
    return response


def verdict_for(right: int, total: int) -> Verdict:
    """All right: correct; none: wrong; otherwise partial."""
    if right == total:
        return Verdict.CORRECT
    return Verdict.PARTIAL if right else Verdict.WRONG


def grade_from_items(
    items: Sequence[ItemResult],
    *,
    answer: str,
    expected: str,
    feedback: Sequence[str] = (),
    picked_wrong: str | None = None,
) -> Grade:
    """A grade whose score is the share of ``items`` that are right."""
    right = sum(item.ok for item in items)
    total = len(items)
    return Grade(
        verdict=verdict_for(right, total),
        score=right / total if total else 0.0,
        answer=answer,
        expected=expected,
        feedback=tuple(feedback),
        items=tuple(items),
        picked_wrong=picked_wrong,
    )


def choice_breakdown(
    choices: Sequence[Choice], options: Sequence[str], chosen: frozenset[int]
) -> tuple[ItemResult, ...]:
    """One line per option shown: is it correct, was it chosen, is that right?

    Options not among ``choices`` (distractors drawn from other cards) are wrong.
    """
    by_text = {normalize(choice.text): choice for choice in choices}
    items = []
    for index, text in enumerate(options):
        choice = by_text.get(normalize(text), Choice(text))
        picked = index in chosen
        items.append(
            ItemResult(
                label=text,
                expected="correct" if choice.correct else "wrong",
                given="chosen" if picked else None,
                ok=picked == choice.correct,
                note=choice.why or "",
            )
        )
    return tuple(items)


def misclassified_notes(items: Iterable[ItemResult]) -> tuple[str, ...]:
    """The notes of the options classified wrongly, chosen ones first, as feedback lines."""
    wrong = sorted((item for item in items if not item.ok), key=lambda item: item.given is None)
    return tuple(f"{item.label}: {item.note}" for item in wrong if item.note)


def joined(texts: Iterable[str], empty: str = "(none)") -> str:
    """Texts as one line for the review log; ``empty`` when there are none."""
    return "; ".join(texts) or empty


# ---------------------------------------------------------------- rendering


def listing_face(
    prompt: str, options: Sequence[str], back: Sequence[str], after: Sequence[str] = ()
) -> Face:
    """A preview: the prompt over lettered options, then the ``after`` lines as they are.

    The back is one line per entry of ``back``.
    """
    front: list[list[Span]] = [parse_inline(prompt)]
    for letter, option in zip(option_letters(len(options)), options, strict=True):
        front.append([Span(f"\n{letter}. ")])
        front.append(parse_inline(option))
    for line in after:
        front.append([Span("\n")])
        front.append(parse_inline(line))
    lines: list[list[Span]] = []
    for number, line in enumerate(back):
        if number:
            lines.append([Span("\n")])
        lines.append(parse_inline(line))
    return Face(tuple(join_spans(*front)), tuple(join_spans(*lines)))
