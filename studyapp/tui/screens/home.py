"""Home: every deck with today's counts, or its first error; with a class server,
the sync line and a class exam open now (``e`` takes it).

The class exam line is built from what the sync worker left in the store, once
it ends (never on the start-up path), and again when home shows after another screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from studyapp.app.services import DeckRow
from studyapp.core.deck.model import Deck
from studyapp.tui.widgets.fit import FitText, file_name_span
from studyapp.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["HomeScreen"]


class HomeScreen(Screen[None]):
    BINDINGS = [
        # priority: the focused DataTable's own (hidden) enter binding would
        # otherwise shadow this one and "Study deck" would not be in the footer.
        Binding("enter", "study_selected", "Study deck", priority=True),
        Binding("a", "study_all", "Study all due"),
        Binding("x", "exam", "Exam"),
        Binding("c", "cram", "Cram"),
        Binding("t", "stats", "Statistics"),
        Binding("b", "browse", "Browse"),
        Binding("p", "plan", "Exam plan"),
        Binding("r", "reload", "Reload decks"),
        Binding("e", "class_exam", "Class exam"),
        Binding("q", "app.quit", "Quit"),
    ]
    HELP = "home"
    HUB = "decks"
    _away = False
    """Another screen was on top (the counts are refreshed when back)."""

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static("studyapp · decks", id="home-title")
            yield Static(id="sync-status", classes="one-line")
            yield Static(id="class-exam", classes="one-line")
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            with Vertical(id="deck-detail"):
                yield Static(id="deck-name", classes="one-line")
                yield FitText(one_line=True, id="deck-path")
                yield Static(id="deck-plan")
                yield FitText(id="deck-about")
        yield KeyBar(
            [
                ("enter", "Study"),
                ("a", "All due"),
                ("x", "Exam"),
                ("c", "Cram"),
                ("t", "Stats"),
                ("b", "Browse"),
                ("p", "Plan"),
                ("?", "Keys"),
                ("q", "Quit"),
            ]
        )

    def on_mount(self) -> None:
        table = self.query_one("#decks", DataTable)
        table.add_column("Deck", key="deck")
        table.add_column("New", key="new")
        table.add_column("Learn", key="learn")
        table.add_column("Due", key="due")
        table.add_column("Leeches", key="leeches")
        self.refresh_rows()
        self._show_sync_line()
        table.focus()
        # Counts change with the clock (learning steps come due, the day rolls over).
        self.set_interval(60, self.refresh_rows)

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        # Only when back from another screen: the first show already has the rows
        # on_mount counted (counting them twice at start-up is the cost of a library).
        if self._away:
            self._away = False
            if self.study_app.class_exams is not None:  # an exam may have been taken
                self.study_app.load_class_exams()
            self.refresh_rows()
        self._show_sync_line()

    def sync_changed(self) -> None:
        """A sync ended: the sync line, and the counts the pulled answers may change."""
        if self._show_sync_line():
            self.refresh_rows()  # (and the class exam line)

    def _show_class_exam(self) -> None:
        """The first class exam that can be started now: title, questions, time
        limit, when it closes; hidden when there is none (or no class server)."""
        known = self.study_app.class_exams
        startable = [] if known is None else known.startable(self.study_app.clock())
        line = self.query_one("#class-exam", Static)
        line.display = bool(startable)
        if startable:
            exam = startable[0]
            text = Text()
            text.append("Class exam open (e: take it): ", style="bold yellow")
            text.append(exam.title, style="bold")
            when = f"{exam.closes_at.astimezone():%a %d %b %H:%M}"
            text.append(f" · {len(exam.questions)} questions · {exam.limit_text} · closes {when}")
            more = len(startable) - 1
            text.append(f" (+{more} more)" if more else "", style="dim")
            line.update(text)

    def _show_sync_line(self) -> bool:
        """The sync line ("synced 2 min ago", "offline: ..."); whether one is shown
        (the screen shows, or a sync ended: the rows are counted only for the latter)."""
        line = self.study_app.sync_status()
        status = self.query_one("#sync-status", Static)
        status.display = line is not None
        if line is not None:
            status.update(
                Text(line, style="dim" if self.study_app.sync_error is None else "yellow")
            )
        return line is not None

    def library_reloaded(self) -> None:  # live reload (tui/live.py)
        self.refresh_rows()

    def refresh_rows(self) -> None:
        table = self.query_one("#decks", DataTable)
        selected = table.cursor_row
        table.clear()
        self._rows = self.study_app.deck_rows()
        self._plans = self.study_app.plan_outcomes()
        for index, row in enumerate(self._rows):
            if row.error:
                table.add_row(
                    Text(row.path, style="red"),
                    Text("-"),
                    Text("-"),
                    Text("-"),
                    Text("error", style="bold red"),
                    key=str(index),
                )
            else:
                table.add_row(
                    Text(row.title),
                    Text(str(row.new), style="blue" if row.new else "dim"),
                    Text(str(row.learning), style="red" if row.learning else "dim"),
                    Text(str(row.review), style="green" if row.review else "dim"),
                    Text(str(row.leeches), style="magenta" if row.leeches else "dim"),
                    key=str(index),
                )
        if self._rows:
            table.move_cursor(row=min(max(selected, 0), len(self._rows) - 1))
        self._show_detail()
        self._show_class_exam()  # (every minute too: an exam closes by the clock)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_study_selected()

    def _selected_row(self) -> DeckRow | None:
        table = self.query_one("#decks", DataTable)
        if not self._rows or table.cursor_row < 0:
            return None
        return self._rows[min(table.cursor_row, len(self._rows) - 1)]

    def _show_detail(self) -> None:
        """The selected deck: title, card count and file (one line each, cut with
        an ellipsis: the file name stays), plans, and the description (or the
        deck's first error) in the room left, its last line ending with ``…`` if cut."""
        name = self.query_one("#deck-name", Static)
        path = self.query_one("#deck-path", FitText)
        about = self.query_one("#deck-about", FitText)
        row = self._selected_row()
        name.display = path.display = row is not None and not row.error
        if row is None or row.error:
            self._show_plan(None)
        if row is None:
            about.show(Text("No decks found. Add a folder with --decks DIR or STUDYAPP_DECKS."))
            return
        if row.error:
            about.show(Text(f"This deck could not be loaded:\n{row.error}", style="red"))
            return
        name.update(Text(row.title, style="bold"))
        cards = f"{row.cards} card{'s' * (row.cards != 1)} · "
        where = Text(f"{cards}{row.path}", style="dim")
        path.show(where, keep=file_name_span(where, row.path))
        about.show(Text(row.description))
        self._show_plan(row.deck)

    def _show_plan(self, deck_id: str | None) -> None:
        """Days left, predicted recall on the day and today's extra load of the deck's plans."""
        outcomes = [o for o in self._plans if o.plan.deck_id == deck_id]
        lines = []
        if outcomes:  # planning is imported only when a plan exists
            from studyapp.app.plan_service import plan_summary

            new_limit = self.study_app.settings.limits_for(deck_id or "").new
            lines = [plan_summary(o, new_limit) for o in outcomes]
        widget = self.query_one("#deck-plan", Static)
        widget.display = bool(lines)
        widget.update(Text("\n".join(lines)))

    def _study(self, decks: list[Deck], what: str) -> None:
        from studyapp.tui.screens.review import ReviewScreen

        session = self.study_app.new_session(decks)
        if session.current is None:
            next_due = session.next_due()
            when = ""
            if next_due is not None:
                when = f" Next card due {next_due.astimezone():%a %d %b %H:%M}."
            self.notify(f"Nothing due in {what} right now.{when}", markup=False)
            return
        self.app.push_screen(ReviewScreen(session, self.study_app.quizzer))

    def action_study_selected(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        if row.error:
            self.notify(row.error, title="Deck has errors", severity="error", markup=False)
            return
        deck = self.study_app.library.deck(row.deck)
        if deck is not None:
            self._study([deck], deck.title)

    def action_study_all(self) -> None:
        decks = self.study_app.library.decks
        if decks:
            self._study(decks, "any deck")

    def action_exam(self) -> None:
        from studyapp.tui.screens.exam_setup import ExamSetupScreen

        row = self._selected_row()
        deck_id = row.deck if row is not None and not row.error else None
        self.app.push_screen(ExamSetupScreen(deck_id=deck_id))

    def _loaded_deck(self, purpose: str) -> Deck | None:
        """The selected deck, or None (and say so) when it did not load."""
        row = self._selected_row()
        deck = self.study_app.library.deck(row.deck) if row and not row.error else None
        if deck is None:
            self.notify(f"Choose a deck that loaded to {purpose}.", markup=False)
        return deck

    def action_cram(self) -> None:
        from studyapp.tui.screens.cram_setup import CramTopicScreen

        if deck := self._loaded_deck("cram it"):
            self.app.push_screen(CramTopicScreen(deck))

    def action_stats(self) -> None:
        from studyapp.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_browse(self) -> None:
        from studyapp.tui.screens.browse import BrowseScreen

        if deck := self._loaded_deck("browse it"):
            self.app.push_screen(BrowseScreen(deck))

    def action_plan(self) -> None:
        from studyapp.tui.screens.plan import PlanScreen

        if deck := self._loaded_deck("plan an exam on it"):
            self.app.push_screen(PlanScreen(deck), lambda _result: self.refresh_rows())

    def action_class_exam(self) -> None:
        """Take the class exam shown (once: a second start, or one after it closed,
        is refused with the reason)."""
        from studyapp.core.study.class_exam import ClassExamRefused
        from studyapp.tui.screens.exam import ExamScreen

        if self.study_app.syncer is None:
            self.notify("Class exams come from a class server: none is set ([sync] url).")
            return
        try:
            exam = self.study_app.new_class_exam()
        except ClassExamRefused as refused:
            self.notify(str(refused), title="Class exam", severity="warning", markup=False)
            self._show_class_exam()
            return
        self.app.push_screen(ExamScreen(exam))

    def action_reload(self) -> None:
        self.study_app.reload_library()
        self.refresh_rows()
        self.notify("Decks reloaded.")
