"""Typed and numeric answers: one input line; enter submits.

The placeholder and the hint under a numeric answer both come from the
card's unit (:func:`studyapp.core.kinds.units.reading_hint`), so they never
disagree. An answer the app cannot read stays on screen, editable, with the
reason and what it can read (:meth:`TextAnswer.show_unreadable`).

The input is focused only when the screen asks (:meth:`TextAnswer.focus_answer`):
review does at once; exams wait for enter, so that paging with ``n``/``p``
never types into an answer.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from studyapp.core.kinds import units
from studyapp.core.kinds.grading import Grade, Interaction, Question, Response
from studyapp.tui.widgets.answers.base import AnswerWidget

__all__ = ["TextAnswer"]


class TextAnswer(AnswerWidget):
    DEFAULT_CSS = """
    TextAnswer Input {
        width: 60;
        max-width: 100%;
    }
    TextAnswer #unit-hint {
        color: $text-muted;
    }
    TextAnswer #unreadable {
        color: $warning;
    }
    """

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)
        self.numeric = question.interaction is Interaction.NUMERIC
        self.reads = units.reading_hint(units.lookup_unit(question.unit or ""))
        self.placeholder = f"type {self.reads}" if self.numeric else "type the answer"
        self._focus_on_mount = False

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, id="answer-input")
        if self.numeric:
            yield Static(f"Answer with {self.reads}.", id="unit-hint", markup=False)
        yield Static(id="unreadable", markup=False)

    def on_mount(self) -> None:
        self.query_one("#unreadable", Static).display = False
        if self._focus_on_mount:
            self.query_one(Input).focus()

    def pending(self) -> Response | None:
        if not self.children:
            return None
        value = self.query_one(Input).value
        return value if value.strip() else None

    def key_hints(self) -> list[tuple[str, str]]:
        return [] if self.locked else [("enter", "Type answer")]

    def focus_answer(self) -> None:
        if self.is_mounted and self.children:
            self.query_one(Input).focus()
        else:  # composed later: focus the input then
            self._focus_on_mount = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.submit(event.value)

    def show_unreadable(self, grade: Grade) -> None:
        """Say why the answer was not read and what can be; it stays to be edited."""
        notice = self.query_one("#unreadable", Static)
        notice.update(Text("\n".join(grade.feedback)))
        notice.display = True
        self.query_one(Input).focus()

    def show_result(self, grade: Grade) -> None:
        super().show_result(grade)
        self.query_one("#unreadable", Static).display = False
        self.query_one(Input).disabled = True
