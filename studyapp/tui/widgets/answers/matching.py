"""Matching: for each left item, type the letter of its right-hand partner.

Keys: up/down choose the left item; a letter assigns a partner (and moves
on); backspace clears; enter submits.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.events import Key

from studyapp.core.grading import Question, option_letters
from studyapp.tui.widgets.answers.base import AnswerWidget, mark

__all__ = ["MatchingAnswer"]


class MatchingAnswer(AnswerWidget):
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("backspace", "clear", "Clear", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)
        self.choice = [-1] * len(question.options)
        self.cursor = 0
        self.letters = list(option_letters(len(question.targets)))

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
                partner = self.letters[chosen] if chosen >= 0 else "_"
                if row < len(items):
                    left.append_text(mark(items[row].ok))
                left.append(f"{pointer} {row + 1}. {self.question.options[row]} → ")
                left.append(partner, style="bold cyan")
                if row < len(items) and not items[row].ok:
                    left.append(f"  (should be: {items[row].expected})", style="italic dim")
            right = Text()
            if row < len(self.question.targets):
                right.append(f"{self.letters[row]}. ", style="bold")
                right.append(self.question.targets[row])
            table.add_row(left, right)
        if not self.locked:
            table.add_row(Text("letters match · up/down move · enter submits", style="dim"), "")
        return table

    def on_key(self, event: Key) -> None:
        if self.locked or event.character is None or not event.character.isalpha():
            return
        letter = event.character.upper()
        if letter in self.letters and self.question.options:
            event.stop()
            self.choice[self.cursor] = self.letters.index(letter)
            self.cursor = min(self.cursor + 1, len(self.choice) - 1)
            self.refresh()

    def action_cursor(self, step: int) -> None:
        if not self.locked and self.choice:
            self.cursor = (self.cursor + step) % len(self.choice)
            self.refresh()

    def action_clear(self) -> None:
        if not self.locked and self.choice:
            self.choice[self.cursor] = -1
            self.refresh()

    def action_submit(self) -> None:
        self.submit(tuple(self.choice))
