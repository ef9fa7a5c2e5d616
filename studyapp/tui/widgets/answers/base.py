"""What every answer widget does: show a question's options, collect a
response, post :class:`Submitted`, show the graded result, say which keys
answer (:meth:`AnswerWidget.key_hints`), and give the answer on screen
(:meth:`AnswerWidget.pending`: ticks, an order, pairs, text not yet
submitted), which an exam takes as the answer when the student leaves.

Option keys are the same everywhere an option is picked (review, exams,
cram): the digits ``1``-``9`` pick the first nine options (any option with
up/down and space or enter), so they never collide with a screen's letter
keys (``n``, ``p``, ``f``, ``g``, ``r``, ``w``, ``u``, ``s``, ``e``...).
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widget import Widget

from studyapp.core.kinds.grading import Grade, Question, Response

__all__ = [
    "MAX_KEYED",
    "AnswerWidget",
    "Submitted",
    "mark",
    "option_index",
    "option_keys",
    "option_label",
]

MAX_KEYED = 9
"""Options 1-9 have a key; any further ones are picked with the cursor."""


def option_label(index: int) -> str:
    """How option ``index`` (0-based) is numbered on screen: ``1``, ``2``, ..."""
    return str(index + 1)


def option_index(character: str | None, count: int) -> int | None:
    """The option (0-based) the key ``character`` picks among ``count``, or ``None``."""
    if character is None or len(character) != 1 or not "1" <= character <= "9":
        return None
    index = int(character) - 1
    return index if index < count else None


def option_keys(count: int) -> str:
    """The option keys for the key bar: ``1/2``, ``1-4``, ``1-9``."""
    last = min(count, MAX_KEYED)
    return "1/2" if last == 2 else f"1-{last}"


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

    def pending(self) -> Response | None:
        """The answer on screen now, submitted or not; ``None`` when it shows none
        (nothing ticked, chosen, moved or matched; no text)."""
        return None

    def key_hints(self) -> list[tuple[str, str]]:
        """The main answering key, for the screen's key bar (none once graded);
        the widget's own hint line lists the others."""
        return []

    def focus_answer(self) -> None:
        """Put the keyboard in the answer (a text field focuses its input)."""
        self.focus()

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
