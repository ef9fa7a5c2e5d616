"""``cloze``: a sentence with ``{{...}}`` deletions, one sibling prompt per deletion.

Syntax inside ``text``:

* ``{{answer}}``: a deletion, numbered by its position (c1, c2, ...);
* ``{{answer::hint}}``: with a hint shown in the blank;
* ``{{c2::answer}}``: an explicit number (keeps history stable when a
  deletion is inserted before it; deletions sharing a number are hidden
  together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import Span, join_spans, parse_inline
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType

name = "cloze"
doc = "Text with {{...}} deletions; each deletion (or deletion number) is its own prompt."
fields = (
    FieldSpec(
        "text",
        FieldType.TEXT,
        required=True,
        doc="Text with deletions: {{answer}}, {{answer::hint}} or {{c1::answer::hint}}.",
    ),
)

_NUMBER_RE = re.compile(r"c(\d+)::", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Deletion:
    start: int
    end: int
    number: int
    answer: str
    hint: str | None


def parse_deletions(text: str) -> tuple[list[Deletion], str | None]:
    """Find the deletions of ``text``; the second item is an error message.

    A plain scan with ``str.find``: a lazy ``{{(.*?)}}`` regex retries from
    every ``{{`` that has no ``}}`` after it, which is quadratic (a long run
    of ``{`` took minutes).
    """
    deletions: list[Deletion] = []
    outside: list[str] = []
    position = 0
    pos = 0
    while True:
        start = text.find("{{", pos)
        end = text.find("}}", start + 2) if start >= 0 else -1
        if end < 0:
            outside.append(text[pos:])
            break
        outside.append(text[pos:start])
        body = text[start + 2 : end]
        if "{{" in body:
            return [], f"unbalanced braces: '{{{{' at offset {start} is not closed"
        number_match = _NUMBER_RE.match(body)
        if number_match:
            digits = number_match.group(1)
            if len(digits) > 6:  # int() refuses over 4,300 digits; no card needs 7
                return [], f"deletion number c{digits[:8]}... at offset {start} is too large"
            number = int(digits)
            body = body[number_match.end() :]
        else:
            position += 1
            number = position
        answer, _, hint = body.partition("::")
        if not answer.strip():
            return [], f"empty deletion at offset {start}"
        deletions.append(Deletion(start, end + 2, number, answer, hint.strip() or None))
        pos = end + 2
    for marker in ("{{", "}}"):
        if any(marker in part for part in outside):
            return [], f"unbalanced braces: a '{marker}' has no partner"
    if not deletions:
        return [], "cloze text has no {{...}} deletion"
    return deletions, None


def check(ctx: CheckContext) -> dict[str, Any] | None:
    text = ctx.text("text")
    if text is None:
        return None
    _, problem = parse_deletions(text)
    if problem:
        rule = "cloze-unbalanced" if "unbalanced" in problem else "cloze-no-deletion"
        if "empty deletion" in problem:
            rule = "cloze-empty-deletion"
        elif "too large" in problem:
            rule = "cloze-bad-number"
        ctx.error(ctx.fields["text"], problem, rule)
        return None
    return {"text": text}


def siblings(card: Card) -> tuple[str, ...]:
    deletions, _ = parse_deletions(card.data["text"])
    return tuple(f"c{n}" for n in sorted({d.number for d in deletions}))


def render(card: Card, sibling: str) -> Face:
    text: str = card.data["text"]
    active = int(sibling[1:])
    deletions, _ = parse_deletions(text)
    front: list[list[Span]] = []
    back: list[list[Span]] = []
    pos = 0
    for deletion in deletions:
        before = parse_inline(text[pos : deletion.start])
        front.append(before)
        back.append(before)
        if deletion.number == active:
            blank = f"[{deletion.hint}]" if deletion.hint else "[...]"
            front.append([Span(blank, frozenset({"blank"}))])
            back.append(parse_inline(deletion.answer, frozenset({"cloze"})))
        else:
            shown = parse_inline(deletion.answer)
            front.append(shown)
            back.append(shown)
        pos = deletion.end
    tail = parse_inline(text[pos:])
    return Face(tuple(join_spans(*front, tail)), tuple(join_spans(*back, tail)))


def answer_text(card: Card) -> list[str]:
    deletions, _ = parse_deletions(card.data["text"])
    return [d.answer for d in deletions]
