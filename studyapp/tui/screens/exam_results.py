"""Exam results: the score, per topic, time per question, and every question
with the answer given, the correct one and the explanation.

``m`` starts "review my misses": a normal review session of the missed
prompts, which (unlike the exam) does change their schedule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from studyapp.core.study.exam import ExamResult, ItemOutcome
from studyapp.render.card_text import spans_to_text
from studyapp.tui.screens.exam import CRAM_NOTE, EXAM_NOTE
from studyapp.tui.screens.summary import format_duration
from studyapp.tui.widgets.grade_view import explain_text
from studyapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["ExamResultsScreen", "score_text"]


def score_text(score: float) -> str:
    """``7`` or ``7.5``: whole scores without decimals."""
    return f"{score:.0f}" if score == int(score) else f"{score:.1f}"


class ExamResultsScreen(Screen[None]):
    BINDINGS = [
        Binding("m", "review_misses", "Review my misses"),
        Binding("h", "history", "Exam history"),
        Binding("escape,q,enter", "done", "Back"),
    ]
    HELP = "results"

    def __init__(self, result: ExamResult, *, exam_id: int | None, cram: bool = False) -> None:
        super().__init__()
        self.result = result
        self.exam_id = exam_id
        self.cram = cram

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        result = self.result
        title = Text("Cram results" if self.cram else f"Exam results · {result.mode.value}")
        title.stylize("bold")
        if result.timed_out:
            title.append("   Time ran out: the exam submitted itself.", style="bold yellow")
        with VerticalScroll(id="results"):
            yield Static(title, id="results-title")
            yield Static(self._score(), id="results-score")
            yield Static(CRAM_NOTE if self.cram else EXAM_NOTE, id="results-note", markup=False)
            yield Static(self._topics(), id="results-topics")
            yield Static(Group(*(self._item(i) for i in result.items)), id="results-review")
        keys = [("h", "History"), ("?", "Keys"), ("esc", f"Back to {self.study_app.hub_below()}")]
        if not self.cram:
            keys.insert(0, ("m", "Review my misses (changes the schedule)"))
        yield KeyBar(keys)

    def _score(self) -> Text:
        result = self.result
        total_ms = sum(item.time_ms for item in result.items)
        text = Text()
        text.append("Score ", style="dim")
        text.append(f"{score_text(result.score)} / {result.total}", style="bold")
        text.append(f"  ({result.percent:.0%})", style="bold")
        text.append(f"   {result.correct} of {result.total} fully right", style="dim")
        if result.unanswered:
            text.append(f"   {result.unanswered} unanswered", style="yellow")
        text.append("   Time ", style="dim")
        text.append(format_duration(total_ms))
        if result.total:
            text.append(f"  ({format_duration(total_ms // result.total)} a question)", style="dim")
        return text

    def _topics(self) -> Table:
        table = Table(box=box.SIMPLE_HEAD, padding=(0, 2), show_edge=False, expand=False)
        table.add_column("Topic")
        table.add_column("Questions", justify="right")
        table.add_column("Right", justify="right")
        table.add_column("Score", justify="right")
        for topic in self.result.by_topic():
            share = topic.score / topic.questions if topic.questions else 0.0
            style = "green" if share >= 0.8 else "yellow" if share >= 0.5 else "red"
            table.add_row(
                Text(topic.topic),
                str(topic.questions),
                str(topic.correct),
                Text(f"{score_text(topic.score)} ({share:.0%})", style=style),
            )
        return table

    @staticmethod
    def _item(item: ItemOutcome) -> Text:
        text = Text()
        mark = ("✓", "bold green") if item.correct else ("✗", "bold red")
        text.append(f"{mark[0]} ", style=mark[1])
        text.append(f"{item.position + 1}. ", style="bold")
        text.append(item.topic, style="magenta")
        text.append(f" · {item.kind} · {format_duration(item.time_ms)}", style="dim")
        if item.flagged:
            text.append("  ⚑ flagged", style="bold yellow")
        text.append("\n   ")
        text.append_text(spans_to_text(item.question))
        text.append("\n   Your answer: ", style="bold")
        if item.answer is None:
            text.append("(not answered)", style="italic dim")
        else:
            text.append(item.answer, style="green" if item.correct else "red")
        if not item.correct:
            text.append("\n   Correct answer: ", style="bold")
            text.append(item.expected, style="green")
        for line in item.feedback:
            if line != item.explanation:
                text.append(f"\n   {line}", style="italic")
        shown = explain_text(item.explanation, item.evidence)
        for why in shown.split("\n") if shown else ():
            text.append("\n   ")
            text.append_text(why)
        text.append("\n")
        return text

    # -- actions ----------------------------------------------------------
    def action_review_misses(self) -> None:
        if self.cram:
            return
        missed = self.result.missed
        if not missed:
            self.notify("No misses to review: every answer was right.")
            return
        deck_ids = {key[0] for key in missed}
        decks = [deck for deck in self.study_app.library.decks if deck.id in deck_ids]
        session = self.study_app.new_session(decks, focus=missed)
        if session.current is None:
            self.notify("None of the missed cards can be reviewed (suspended or removed).")
            return
        from studyapp.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(session, self.study_app.quizzer))

    def action_history(self) -> None:
        from studyapp.tui.screens.exam_history import ExamHistoryScreen

        self.app.push_screen(ExamHistoryScreen())

    def action_done(self) -> None:
        self.study_app.back_to_hub()
