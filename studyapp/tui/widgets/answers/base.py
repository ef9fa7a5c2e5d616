"""What every answer widget does: show a question's options, collect a
response, post :class:`Submitted`, and show the graded result."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widget import Widget

from studyapp.core.grading import Grade, Question, Response

__all__ = ["AnswerWidget", "Submitted", "mark"]


class Submitted(Message):
    """The student submitted ``response``."""

    def __init__(self, response: Response, widget: AnswerWidget | None = None) -> None:
        super().__init__()
        self.response = response
        self.widget = widget

    @property
    def control(self) -> AnswerWidget | None:
        """The answer widget that submitted (screens showing several use it)."""
        return self.widget


class AnswerWidget(Widget, can_focus=True):
    """Base class: subclasses render ``question`` and call :meth:`submit`."""

    DEFAULT_CSS = """
    AnswerWidget {
        height: auto;
        padding: 0 0 1 0;
    }
    AnswerWidget:focus {
        background-tint: $foreground 3%;
    }
    """

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question
        self.grade: Grade | None = None

    @property
    def locked(self) -> bool:
        """True once graded: the response can no longer change."""
        return self.grade is not None

    def submit(self, response: Response) -> None:
        if not self.locked:
            self.post_message(Submitted(response, self))

    def show_result(self, grade: Grade) -> None:
        """Lock the widget and show the grade (subclasses mark their items)."""
        self.grade = grade
        self.refresh(layout=True)


def mark(ok: bool) -> Text:
    """A ✓ or ✗ mark."""
    return Text("✓ ", style="bold green") if ok else Text("✗ ", style="bold red")
