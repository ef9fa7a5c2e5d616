"""A modal listing every key."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["KEYS", "HelpScreen"]

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Decks",
        (
            ("up / down", "select a deck"),
            ("enter", "study the selected deck"),
            ("a", "study everything due, across decks"),
            ("x / c", "exam / cram the deck (schedule unchanged)"),
            ("p", "plan the deck toward an exam date"),
            ("r", "reload deck files"),
        ),
    ),
    (
        "Review",
        (
            ("space / enter", "show the answer (once shown: rate Good)"),
            ("1", "Again: forgot"),
            ("2", "Hard: recalled with effort"),
            ("3", "Good: recalled"),
            ("4", "Easy: recalled instantly"),
            ("u", "undo the last answer (repeatable)"),
            ("s", "suspend this card"),
            ("escape / q", "end the session"),
        ),
    ),
    (
        "Anywhere",
        (
            ("?", "this help"),
            ("ctrl+q", "quit"),
        ),
    ),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,enter", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for index, (section, keys) in enumerate(KEYS):
            if index:
                table.add_row("", "")
            table.add_row(f"[u]{section}[/u]", "")
            for key, what in keys:
                table.add_row(key, what)
        with Vertical(id="help"):
            yield Static("Keys", id="help-title")
            yield Static(table)
            yield Static("escape closes", id="help-footer")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
