"""Cram: pick a topic of a deck (or all of it) and study it ahead of schedule.

Cram runs as a tutor-mode exam that is never saved: nothing is written to the
review log, the card states or the exam history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from studyapp.core.deck.model import Deck
from studyapp.tui.screens.exam import CRAM_NOTE, ExamScreen

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["CramTopicScreen"]


class CramTopicScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", show=False),
        # A modal screen hides the app's bindings: its own "?" asks the app.
        Binding("question_mark", "app.help", "Keys", show=False),
    ]
    HELP = "cram-topics"

    def __init__(self, deck: Deck) -> None:
        super().__init__()
        self.deck = deck

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        counts: dict[str, int] = {}
        for card in self.deck.cards:
            counts[card.topic] = counts.get(card.topic, 0) + 1
        total = len(self.deck.cards)
        options = [Option(Text(f"All topics ({total} card{'s' * (total != 1)})"), id="")]
        for topic in sorted(counts, key=str.casefold):
            label = Text(topic)
            label.append(f" ({counts[topic]})", style="dim")
            options.append(Option(label, id=topic))
        with Vertical(classes="dialog", id="cram-setup"):
            title = Text("Cram: ", style="bold")
            title.append(self.deck.title, style="bold")
            yield Static(title, classes="dialog-message")
            yield Static(CRAM_NOTE, markup=False, classes="dialog-note")
            yield OptionList(*options, id="cram-topics")
            yield Static("enter starts · esc cancels", classes="dialog-note")

    def on_mount(self) -> None:
        self.query_one("#cram-topics", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        topic = event.option.id or ""
        cram = self.study_app.new_cram(self.deck, (topic,) if topic else ())
        if cram is None:
            self.notify("Nothing to cram here (every card is suspended).", markup=False)
            return
        self.app.switch_screen(ExamScreen(cram, cram=True))

    def action_cancel(self) -> None:
        self.dismiss(None)
