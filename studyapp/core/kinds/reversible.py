"""``reversible``: two sides, studied in both directions as two sibling prompts."""

from __future__ import annotations

from typing import Any

from studyapp.core.deck.model import Card, Face
from studyapp.core.deck.text import parse_inline
from studyapp.core.kinds.base import CheckContext, FieldSpec, FieldType

name = "reversible"
doc = "Two sides; yields a forward prompt (front -> back) and a reverse one (back -> front)."
fields = (
    FieldSpec("front", FieldType.TEXT, required=True, doc="Shown first in the forward prompt."),
    FieldSpec("back", FieldType.TEXT, required=True, doc="Shown first in the reverse prompt."),
)


def check(ctx: CheckContext) -> dict[str, Any] | None:
    front = ctx.text("front")
    back = ctx.text("back")
    if front is None or back is None:
        return None
    if front.casefold() == back.casefold():
        ctx.error(ctx.fields["back"], "'front' and 'back' are the same", "same-sides")
        return None
    return {"front": front, "back": back}


def siblings(card: Card) -> tuple[str, ...]:
    return ("forward", "reverse")


def render(card: Card, sibling: str) -> Face:
    front = tuple(parse_inline(card.data["front"]))
    back = tuple(parse_inline(card.data["back"]))
    return Face(front, back) if sibling == "forward" else Face(back, front)


def answer_text(card: Card) -> list[str]:
    return [card.data["back"]]
