"""Matching: for each item on the left, the number of its partner on the right.

Keys: up/down choose the left item; a digit gives it a partner (and moves
on), ``+``/``-`` step through the partners (any number of them); backspace
clears; enter submits.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.events import Key

from studyapp.core.kinds.grading import Question, Response
from studyapp.tui.widgets.answers.base import (
    MAX_KEYED,
    AnswerWidget,
    mark,
    option_index,
    option_keys,
    option_label,
)

__all__ = ["MatchingAnswer"]


class MatchingAnswer(AnswerWidget):
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("plus,equals_sign", "step(1)", "Next partner", show=False),
        Binding("minus", "step(-1)", "Previous partner", show=False),
        Binding("backspace", "clear", "Clear", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)
        self.choice = [-1] * len(question.options)
        self.cursor = 0
        self.labels = [option_label(i) for i in range(len(question.targets))]

    def pending(self) -> Response | None:
        return tuple(self.choice) if any(chosen >= 0 for chosen in self.choice) else None

    def key_hints(self) -> list[tuple[str, str]]:
        if self.locked or not self.question.targets:
            return []
        return [(option_keys(len(self.question.targets)), "Match")]

    def render(self) -> RenderableType:
        table = Table.grid(padding=(0, 2))
        table.add_column()
        table.add_column()
        items = self.grade.items if self.grade else ()
        rows = max(len(self.question.options), len(self.question.targets))
        for row in range(rows):
            left = Text()
            if row < len(self.question.options):
                pointer = "›" if row == self.cursor and not self.locked else " "
                chosen = self.choice[row]
                partner = self.labels[chosen] if chosen >= 0 else "_"
                if row < len(items):
                    left.append_text(mark(items[row].ok))
                left.append(f"{pointer} {self.question.options[row]} → ")
                left.append(partner, style="bold cyan")
                if row < len(items) and not items[row].ok:
                    left.append(f"  (should be: {items[row].expected})", style="italic dim")
            right = Text()
            if row < len(self.question.targets):
                right.append(f"{self.labels[row]}. ", style="bold")
                right.append(self.question.targets[row])
            table.add_row(left, right)
        if not self.locked:
            keys = option_keys(len(self.question.targets))
            more = " (+/- step through all)" if len(self.labels) > MAX_KEYED else ""
            hint = f"{keys} gives › its partner{more} · ↑↓ move · backspace clears · enter submits"
            table.add_row(Text(hint, style="dim"), "")
        return table

    def on_key(self, event: Key) -> None:
        index = option_index(event.character, len(self.question.targets))
        if self.locked or index is None or not self.question.options:
            return
        event.stop()
        self.choice[self.cursor] = index
        self.cursor = min(self.cursor + 1, len(self.choice) - 1)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        if not self.locked and self.choice:
            self.cursor = (self.cursor + step) % len(self.choice)
            self.refresh()

    def action_step(self, step: int) -> None:
        if not self.locked and self.choice and self.labels:
            chosen = self.choice[self.cursor]
            start = chosen if chosen >= 0 else (-1 if step > 0 else len(self.labels))
            self.choice[self.cursor] = (start + step) % len(self.labels)
            self.refresh()

    def action_clear(self) -> None:
        if not self.locked and self.choice:
            self.choice[self.cursor] = -1
            self.refresh()

    def action_submit(self) -> None:
        self.submit(tuple(self.choice))
