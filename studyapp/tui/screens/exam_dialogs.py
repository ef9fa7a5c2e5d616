"""Small modals: a keyed choice (exam and review screens), and "go to question"."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Input, Static

__all__ = ["ChoiceDialog", "GoToDialog"]


class ChoiceDialog(ModalScreen[str | None]):
    """A message and a few keyed choices, e.g. ``[("y", "submit"), ("n", "keep going")]``.

    Dismisses with the key pressed; escape dismisses with ``None``.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, message: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.message = message
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        keys = Text()
        for index, (key, label) in enumerate(self.choices):
            if index:
                keys.append("   ")
            keys.append(f" {key} ", style="bold reverse")
            keys.append(f" {label}")
        with Vertical(classes="dialog"):
            yield Static(Text(self.message), classes="dialog-message")
            yield Static(keys, classes="dialog-keys")

    def on_key(self, event: Key) -> None:
        for key, _label in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(key)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)


class GoToDialog(ModalScreen[int | None]):
    """Ask for a question number (1-based); dismisses with the 0-based index."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Go to question (1-{self.count}):", classes="dialog-message")
            yield Input(type="integer", id="goto-number")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value.isdigit() or not 1 <= int(value) <= self.count:
            self.notify(f"Type a number from 1 to {self.count}.", severity="warning")
            return
        self.dismiss(int(value) - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)
