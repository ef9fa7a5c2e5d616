"""Ordering: move items into order with the keyboard; enter submits.

Keys: up/down move the cursor; shift+up/shift+down (or k/j) move the item
under the cursor; enter submits.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding

from studyapp.core.kinds.grading import Question, Response
from studyapp.tui.widgets.answers.base import AnswerWidget, mark

__all__ = ["OrderingAnswer"]


class OrderingAnswer(AnswerWidget):
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("shift+up,k", "shift(-1)", "Move up", show=False),
        Binding("shift+down,j", "shift(1)", "Move down", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)
        self.order = list(range(len(question.options)))
        self.cursor = 0
        self.moved = False
        """Whether the student moved an item (or submitted the order as it is)."""

    def pending(self) -> Response | None:
        return tuple(self.order) if self.moved else None

    def key_hints(self) -> list[tuple[str, str]]:
        return [] if self.locked else [("k/j", "Move item")]

    def render(self) -> RenderableType:
        text = Text()
        items = self.grade.items if self.grade else ()
        for position, option_index in enumerate(self.order):
            pointer = "›" if position == self.cursor and not self.locked else " "
            line = Text(f"{pointer} {position + 1}. ")
            line.append(self.question.options[option_index], style="bold" if pointer == "›" else "")
            if position < len(items):
                item = items[position]
                line = Text.assemble(mark(item.ok), line)
                if not item.ok:
                    line.append(f"   (should be: {item.expected})", style="italic dim")
            text.append_text(line)
            text.append("\n")
        if self.locked:
            text.rstrip()
        else:
            text.append("↑↓ select · k/j or shift+↑↓ move the item · enter submits", style="dim")
        return text

    def action_cursor(self, step: int) -> None:
        if not self.locked and self.order:
            self.cursor = (self.cursor + step) % len(self.order)
            self.refresh()

    def action_shift(self, step: int) -> None:
        target = self.cursor + step
        if self.locked or not 0 <= target < len(self.order):
            return
        self.order[self.cursor], self.order[target] = self.order[target], self.order[self.cursor]
        self.cursor = target
        self.moved = True
        self.refresh()

    def action_submit(self) -> None:
        if not self.locked:
            self.moved = True
        self.submit(tuple(self.order))
