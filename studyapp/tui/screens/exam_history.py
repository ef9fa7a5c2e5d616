"""Past exams: one row each; the highlighted exam's answers below."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from studyapp.core.deck.text import plain
from studyapp.core.study.exam import ExamSummary
from studyapp.core.study.session import Prompt
from studyapp.tui.screens.exam import EXAM_NOTE
from studyapp.tui.screens.exam_results import score_text
from studyapp.tui.screens.summary import format_duration
from studyapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["ExamHistoryScreen"]


class ExamHistoryScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "back", "Back")]
    HELP = "history"

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="history"):
            yield Static("Exam history", id="history-title")
            yield Static(EXAM_NOTE, id="history-note", markup=False)
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="history-detail-scroll"):
                yield Static(id="history-detail")
        yield KeyBar([("up/down", "Choose an exam"), ("?", "Keys"), ("esc", "Back")])

    def on_mount(self) -> None:
        self._exams = self.study_app.store.exam_history()
        table = self.query_one("#history-table", DataTable)
        for name in ("When", "Mode", "On", "Questions", "Score"):
            table.add_column(name, key=name.lower())
        for exam in self._exams:
            percent = exam.score / exam.total if exam.total else 0.0
            table.add_row(
                Text(f"{exam.finished_at.astimezone():%a %d %b %Y %H:%M}"),
                Text(exam.mode.value),
                Text(exam.spec.describe()),
                Text(str(exam.total)),
                Text(f"{score_text(exam.score)} ({percent:.0%})", style="bold"),
                key=str(exam.id),
            )
        if not self._exams:
            self.query_one("#history-detail", Static).update(
                Text("No exams yet. Press x on the deck list to take one.")
            )
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self._exams):
            self._show(self._exams[event.cursor_row])

    def _show(self, exam: ExamSummary) -> None:
        text = Text()
        for row in self.study_app.store.exam_answers(exam.id):
            mark = ("✓ ", "bold green") if row.correct else ("✗ ", "bold red")
            text.append(f"{row.position + 1:>3} ")
            text.append(*mark)
            text.append(row.topic, style="magenta")
            text.append(f" · {format_duration(row.time_ms)}", style="dim")
            if row.flagged:
                text.append("  ⚑", style="bold yellow")
            text.append("  ")
            text.append(self._question(row.key), style="")
            text.append("\n      answer: ", style="dim")
            text.append("(not answered)" if row.answer is None else row.answer)
            text.append("\n")
        self.query_one("#history-detail", Static).update(text)

    def _question(self, key: tuple[str, str, str]) -> str:
        """The prompt's question on one line, or its ids when the card is gone."""
        deck = self.study_app.library.deck(key[0])
        card = deck.card(key[1]) if deck is not None else None
        if deck is None or card is None:
            return f"{key[0]} / {key[1]} ({key[2]})"
        line = " ".join(plain(list(Prompt(deck, card, key[2]).face().front)).split())
        return line if len(line) <= 70 else line[:69] + "…"

    def action_back(self) -> None:
        self.app.pop_screen()
