"""Choice, select-all and true/false: numbered options, keyboard only.

Keys: a digit picks an option (single choice: submits at once; select-all:
ticks or unticks it), up/down move, space ticks (select-all), enter submits.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding
from textual.events import Key

from studyapp.core.kinds.grading import Interaction, ItemResult, Question, Response
from studyapp.tui.widgets.answers.base import (
    AnswerWidget,
    mark,
    option_index,
    option_keys,
    option_label,
)

__all__ = ["OptionsAnswer"]


class OptionsAnswer(AnswerWidget):
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("space", "toggle_option", "Toggle", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)
        self.cursor = 0
        self.chosen: set[int] = set()
        width = len(option_label(len(question.options) - 1)) if question.options else 1
        self.labels = [option_label(i).rjust(width) for i in range(len(question.options))]

    @property
    def multi(self) -> bool:
        return self.question.interaction is Interaction.MULTI

    def pending(self) -> Response | None:
        if not self.chosen:
            return None
        return frozenset(self.chosen) if self.multi else min(self.chosen)

    def key_hints(self) -> list[tuple[str, str]]:
        if self.locked or not self.question.options:
            return []
        return [(option_keys(len(self.question.options)), "Tick" if self.multi else "Choose")]

    def render(self) -> RenderableType:
        text = Text()
        items = self.grade.items if self.grade else ()
        for index, option in enumerate(self.question.options):
            selected = index in self.chosen
            pointer = "›" if index == self.cursor and not self.locked else " "
            box = ("[x]" if selected else "[ ]") if self.multi else ("(•)" if selected else "( )")
            line = Text(f"{pointer} {self.labels[index]}. ")
            line.append(box + " ", style="bold" if selected else "dim")
            line.append(option, style="bold" if selected else "")
            item = items[index] if index < len(items) else None
            if item is not None:
                line = Text.assemble(self._result_mark(item), line)
                if item.expected == "correct":
                    line.append("  correct", style="green")
                if item.note:
                    line.append(f"\n      {item.note}", style="italic dim")
            text.append_text(line)
            text.append("\n")
        keys = option_keys(len(self.question.options))
        if self.multi:
            hint = f"{keys} tick · ↑↓ and space tick too · enter submits"
        else:
            hint = f"{keys} chooses (or ↑↓ and enter)"
        if self.locked:
            text.rstrip()
        else:
            text.append(hint, style="dim")
        return text

    def _result_mark(self, item: ItemResult) -> Text:
        """Select-all marks every option right or wrong; a single choice marks
        only the chosen option (✓ or ✗), the correct one being labelled."""
        if self.multi:
            return mark(item.ok)
        if item.given is not None:
            return mark(item.ok)
        return Text("  ")

    def on_key(self, event: Key) -> None:
        index = option_index(event.character, len(self.question.options))
        if self.locked or index is None:
            return
        event.stop()
        self.cursor = index
        if self.multi:
            self.chosen ^= {index}
            self.refresh()
        else:
            self.chosen = {index}
            self.refresh()
            self.submit(index)

    def action_move(self, step: int) -> None:
        if not self.locked and self.question.options:
            self.cursor = (self.cursor + step) % len(self.question.options)
            self.refresh()

    def action_toggle_option(self) -> None:
        if self.locked:
            return
        if self.multi:
            self.chosen ^= {self.cursor}
            self.refresh()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        if self.locked:
            return
        if self.multi:
            self.submit(frozenset(self.chosen))
        else:
            self.chosen = {self.cursor}
            self.refresh()
            self.submit(self.cursor)
