"""Statistics: forecast and activity plots, the year's calendar, retention, mastery per topic.

Every figure comes from :func:`studyapp.store.stats.stats_report` (definitions
in ``docs/statistics.md``). The mastery table lists topics weakest first;
``c`` crams the selected topic, ``r`` reviews it now (a focus session).

The screen shows its layout at once and computes the figures in a thread worker
(on its own connection to the database), so keys work while a long history is read.

With a class server (``[sync] url``), the class lines under the mastery table
give the student's retention and mastery per topic against the class's median
and quartiles (``studyapp class me``): the copy last read, with its time, at
once; a second worker reads them from the server and keeps them in the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from studyapp.core.progress.stats import DayValue, StatsReport, TopicMastery
from studyapp.render.stats import (
    buttons_table,
    confused_table,
    counts_table,
    heatmap,
    percent,
    retention_table,
    summary_text,
    time_table,
)
from studyapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from studyapp.app.class_exams import Standing
    from studyapp.tui.app import StudyApp

__all__ = ["StatsScreen"]

ACTIVITY_DAYS = 30
"""Days shown in the reviews-per-day plot (the calendar shows the year)."""

StatsComputer = Callable[["StudyApp"], Callable[[], StatsReport]]
"""Given the app (read on the UI thread), the function a worker thread runs for the report."""


def compute_report(app: StudyApp) -> Callable[[], StatsReport]:
    """The report of the loaded decks now, read on a second connection to the database."""
    from studyapp.store.stats import stats_report

    store, library, policy = app.store, app.library, app.policy
    now, rollover_hour = app.clock(), app.settings.rollover_hour

    def compute() -> StatsReport:
        decks = library.decks  # here: decks not studied yet are loaded off the UI thread
        reader = store.reopen()
        try:
            return stats_report(reader or store, decks, policy, now, rollover_hour=rollover_hour)
        finally:
            if reader is not None:
                reader.close()

    return compute


class Heatmap(Widget):
    """Reviews per day as a calendar (one column per week), coloured from the theme."""

    DEFAULT_CSS = """
    Heatmap {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, values: tuple[DayValue, ...] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.values = values

    def show(self, values: tuple[DayValue, ...]) -> None:
        self.values = values
        self.refresh(layout=True)

    def render(self) -> Text:
        colour = self.app.theme_variables.get("success", "green")
        return heatmap(self.values, style=colour)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 9  # month labels, seven weekdays, the legend


class DayBars(PlotextPlot):
    """A bar per day (plotext), in the theme's colours; x ticks every 7 days."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self.values: tuple[DayValue, ...] = ()

    def on_mount(self) -> None:
        # PlotextPlot's own on_mount (run by Textual too) registers the theme's plot colours.
        self.app.theme_changed_signal.subscribe(self, lambda _: self.draw())
        self.draw()

    def show(self, values: tuple[DayValue, ...]) -> None:
        self.values = values
        if self.is_mounted:
            self.draw()

    def draw(self) -> None:
        from textual.color import Color

        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(self.title)
        positions = list(range(len(self.values)))
        counts = [v.value for v in self.values]
        colour = Color.parse(self.app.theme_variables.get("primary", "blue")).rgb
        plt.bar(positions, counts, color=colour, width=0.6)
        ticks = positions[::7]
        plt.xticks([float(i) for i in ticks], [f"{self.values[i].day:%d %b}" for i in ticks])
        top = max(counts, default=0)
        plt.ylim(0, max(top, 1) * 1.15)
        plt.yticks([float(y) for y in sorted({0, (top + 1) // 2, top})] if top else [0.0, 1.0])
        self.refresh()


class StatsScreen(Screen[None]):
    BINDINGS = [
        Binding("c", "cram", "Cram topic"),
        Binding("r", "review", "Review topic"),
        Binding("escape,q", "back", "Back"),
        # priority: the focused mastery table would otherwise page its own cursor.
        Binding("pagedown,space", "page(1)", "Scroll down", priority=True),
        Binding("pageup", "page(-1)", "Scroll up", priority=True),
    ]
    HELP = "stats"
    HUB = "statistics"

    def __init__(self, computer: StatsComputer = compute_report) -> None:
        super().__init__()
        self.report: StatsReport | None = None
        self._computer = computer
        self._away = False

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats"):
            yield Static("studyapp · statistics", id="stats-title")
            yield Static(id="stats-summary")
            yield Static("Mastery per topic, weakest first", classes="stats-heading")
            yield DataTable(id="stats-mastery", cursor_type="row", zebra_stripes=True)
            yield Static(id="stats-topic-note")
            yield Static(id="stats-class")
            yield DayBars("Due in the next 30 days", id="stats-forecast")
            yield DayBars(f"Reviews, last {ACTIVITY_DAYS} days", id="stats-activity")
            yield Static("Reviews per day, last 365 days", classes="stats-heading")
            yield Heatmap(id="stats-heatmap")
            yield Static(id="stats-retention", classes="stats-table")
            yield Static(id="stats-counts", classes="stats-table")
            yield Static(id="stats-buttons", classes="stats-table")
            yield Static(id="stats-time", classes="stats-table")
            yield Static(id="stats-confused", classes="stats-table")
        yield KeyBar(
            [
                ("c", "Cram topic"),
                ("r", "Review topic"),
                ("↑↓", "Topic"),
                ("pgdn/pgup", "Scroll"),
                ("?", "Keys"),
                ("esc", "Back"),
            ]
        )

    def on_mount(self) -> None:
        table = self.query_one("#stats-mastery", DataTable)
        table.add_column("Topic", key="topic")
        table.add_column("Deck", key="deck")
        table.add_column("Mean R", key="r")
        table.add_column("≥ target", key="above")
        table.add_column("Studied", key="studied")
        self.refresh_stats()
        self._start_class_standing()
        table.focus()

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        if self._away:  # back from a session: the figures changed
            self._away = False
            self.refresh_stats()

    def refresh_stats(self) -> None:
        """Compute the figures in a thread worker; :meth:`show_report` fills the screen."""
        if self.report is None:
            self.query_one("#stats-summary", Static).update(
                Text("Computing the statistics…", style="dim")
            )
        self.run_worker(
            self._computer(self.study_app),
            name="stats",
            group="stats",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _start_class_standing(self) -> None:
        """The class lines: the copy in the store now, the server's in a worker."""
        reader = self.study_app.standing_reader
        self.query_one("#stats-class").display = reader is not None
        if reader is None:
            return
        from studyapp.app.class_exams import cached_standing

        self._show_class(cached_standing(self.study_app.store), reading=True)

        def read() -> Standing | str:
            from studyapp.server import ServerError

            try:
                return reader()
            except ServerError as exc:  # one line, no password: shown as it is
                return str(exc)

        self.run_worker(read, group="class-standing", thread=True, exit_on_error=False)

    def _show_class(
        self, standing: Standing | None, *, reading: bool = False, error: str = ""
    ) -> None:
        """The student's standing in the class, as last read, and where it comes from."""
        from studyapp.app.sync import ago
        from studyapp.render.standing import standing_lines

        text = Text()
        text.append("Your class standing", style="bold")
        if standing is not None:
            text.append(f" (read {ago(standing.read_at, self.study_app.clock())})", style="dim")
        if reading:
            text.append("  reading the class server…", style="dim")
        if error:
            text.append(f"\nThe class server could not be read: {error}", style="yellow")
        if standing is not None:
            lines = standing_lines(standing.rows, standing.min_students)
            text.append("\n" + "\n".join(lines or ["nobody in the class has studied yet"]))
        self.query_one("#stats-class", Static).update(text)

    def _class_standing_done(self, event: Worker.StateChanged) -> None:
        from studyapp.app.class_exams import Standing, cached_standing, save_standing

        result = event.worker.result
        if event.state == WorkerState.SUCCESS and isinstance(result, Standing):
            save_standing(self.study_app.store, result)
            self._show_class(result)
        elif event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            error = str(result if event.state == WorkerState.SUCCESS else event.worker.error)
            self._show_class(cached_standing(self.study_app.store), error=error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "class-standing":
            self._class_standing_done(event)
            return
        if worker.group != "stats":
            return
        if event.state == WorkerState.SUCCESS and isinstance(worker.result, StatsReport):
            self.show_report(worker.result)
        elif event.state == WorkerState.ERROR:
            message = f"The statistics could not be computed: {worker.error}"
            self.query_one("#stats-summary", Static).update(Text(message, style="red"))

    def show_report(self, report: StatsReport) -> None:
        self.report = report
        self.query_one("#stats-summary", Static).update(summary_text(report))
        self._fill_mastery(report)
        self.query_one("#stats-forecast", DayBars).show(report.forecast)
        self.query_one("#stats-activity", DayBars).show(report.reviews_per_day[-ACTIVITY_DAYS:])
        self.query_one("#stats-heatmap", Heatmap).show(report.reviews_per_day)
        self.query_one("#stats-retention", Static).update(retention_table(report, compact=True))
        self.query_one("#stats-counts", Static).update(counts_table(report, compact=True))
        self.query_one("#stats-buttons", Static).update(buttons_table(report, compact=True))
        self.query_one("#stats-time", Static).update(time_table(report, days=7, compact=True))
        confused = self.query_one("#stats-confused", Static)
        confused.display = bool(report.confused)
        confused.update(confused_table(report, compact=True))

    def _fill_mastery(self, report: StatsReport) -> None:
        table = self.query_one("#stats-mastery", DataTable)
        selected = table.cursor_row
        table.clear()
        target = report.desired_retention
        for index, m in enumerate(report.mastery):
            weak = m.mean_r is not None and m.mean_r < target
            table.add_row(
                Text(m.topic, style="bold" if weak else ""),
                Text(m.deck_id, style="dim"),
                Text(percent(m.mean_r), style="red" if weak else ""),
                Text(f"{m.above}/{m.prompts}"),
                Text(f"{m.studied}/{m.prompts}"),
                key=str(index),
            )
        if report.mastery:
            table.move_cursor(row=min(max(selected, 0), len(report.mastery) - 1))
        note = self.query_one("#stats-topic-note", Static)
        note.update(
            Text(
                f"Mean R: predicted recall now, over the studied prompts; ≥ target: prompts at "
                f"or above the desired retention ({percent(target)}).",
                style="dim",
            )
            if report.mastery
            else Text("No decks loaded.", style="dim")
        )

    def selected_topic(self) -> TopicMastery | None:
        if self.report is None or not self.report.mastery:
            return None
        table = self.query_one("#stats-mastery", DataTable)
        return self.report.mastery[min(max(table.cursor_row, 0), len(self.report.mastery) - 1)]

    def action_cram(self) -> None:
        from studyapp.tui.screens.exam import ExamScreen

        topic = self.selected_topic()
        deck = self.study_app.library.deck(topic.deck_id) if topic else None
        if topic is None or deck is None:
            return
        cram = self.study_app.new_cram(deck, (topic.topic,))
        if cram is None:
            self.notify("Nothing to cram here (every card is suspended).", markup=False)
            return
        self.app.push_screen(ExamScreen(cram, cram=True))

    def action_review(self) -> None:
        from studyapp.tui.screens.review import ReviewScreen

        topic = self.selected_topic()
        deck = self.study_app.library.deck(topic.deck_id) if topic else None
        if topic is None or deck is None:
            return
        session = self.study_app.new_session([deck], focus=topic.weakest)
        if session.current is None:
            self.notify(f"Nothing to review in {topic.topic} (suspended).", markup=False)
            return
        self.app.push_screen(ReviewScreen(session, self.study_app.quizzer))

    def action_page(self, direction: int) -> None:
        scroll = self.query_one("#stats", VerticalScroll)
        if direction > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)

    def action_back(self) -> None:
        self.app.pop_screen()
