"""A modal listing every key."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["BROWSE_KEYS", "HOME_KEYS", "KEYS", "REVIEW_KEYS", "HelpScreen"]

Sections = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

KEYS: Sections = (
    (
        "Decks",
        (
            ("up / down", "select a deck"),
            ("enter", "study the selected deck"),
            ("a", "study everything due, across decks"),
            ("x / c", "exam / cram the deck (schedule unchanged)"),
            ("t", "statistics (there: c crams, r reviews the selected topic)"),
            ("b", "browse and search the deck's cards"),
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
            ("u", "undo the last answer or suspension (repeatable)"),
            ("s", "suspend this card (all its prompts)"),
            ("e", "edit this card in $EDITOR"),
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


HOME_KEYS: Sections = (KEYS[0], KEYS[-1])
"""The help shown from the deck list (each screen lists its own keys, so it fits 80x24)."""

REVIEW_KEYS: Sections = (KEYS[1], KEYS[-1])
"""The help shown while reviewing."""

BROWSE_KEYS: Sections = (
    (
        "Browse",
        (
            ("/", "search as you type; every term must match:"),
            ("  word", 'in the text, id, topic or tags; "a phrase"'),
            ("  tag:X", "the card has tag X"),
            ("  topic:X", "the topic contains X"),
            ("  kind:X", "basic, cloze, reversible, choice, ..."),
            ("  is:STATE", "new, due, learning, review, suspended, leech"),
            ("  -term", "cards NOT matching the term"),
            ("s", "suspend or unsuspend the selected card"),
            ("e", "edit the selected card in $EDITOR"),
            ("escape", "back to the decks"),
        ),
    ),
    KEYS[-1],
)
"""The help shown from the browse screen."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,enter", "dismiss", "Close")]

    def __init__(self, keys: Sections = KEYS) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for index, (section, keys) in enumerate(self.keys):
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
