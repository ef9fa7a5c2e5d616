"""End of session: what was studied and when the next card is due."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from studyapp.core.study.session import StudySession
from studyapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["SummaryScreen", "format_duration"]


def format_duration(ms: int) -> str:
    seconds = round(ms / 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


class SummaryScreen(Screen[None]):
    BINDINGS = [
        Binding("enter,escape,q", "done", "Back"),
    ]
    HELP = "summary"

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="summary"):
            yield Static(id="summary-title")
            yield Static(id="summary-table")
        back = f"Back to {self.study_app.hub_below()}"
        yield KeyBar([("enter", back), ("?", "Keys"), ("ctrl+q", "Quit")])

    def on_mount(self) -> None:
        self.study_app.start_sync()  # a session ended: its answers go to the class server
        summary = self.session.summary
        finished = self.session.current is None
        title = "Session complete" if finished else "Session paused"
        self.query_one("#summary-title", Static).update(Text(title, style="bold"))
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim")
        table.add_column(style="bold")
        table.add_row("Cards studied", str(summary.studied))
        again_share = f" ({summary.again / summary.studied:.0%})" if summary.studied else ""
        table.add_row("Again", f"{summary.again}{again_share}")
        table.add_row("Time spent", format_duration(summary.time_ms))
        next_due = self.session.next_due()
        now = self.session.clock()
        if next_due is None:
            when = "nothing scheduled"
        elif next_due <= now:
            when = "now"
        else:
            when = f"{next_due.astimezone():%a %d %b %H:%M}"
        table.add_row("Next card due", when)
        counts = self.session.counts()
        if not finished:
            table.add_row("Left today", f"{counts.total}")
        self.query_one("#summary-table", Static).update(table)

    def action_done(self) -> None:
        self.study_app.back_to_hub()
