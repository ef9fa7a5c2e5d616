"""The instructor's class screen: the class report's figures as tables and a plot,
with keys to drill from a topic to its cards to a card's wrong answers.

Thin: it renders a :class:`~studyapp.core.progress.class_report.ClassReport`
(gathered from the class server by ``studyapp class``) and never talks to the
server itself. Enter drills down (topics -> the topic's cards -> the card's
wrong answers), escape goes back up, q quits. Deck and student text goes into
cells as plain text, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from studyapp.core.progress.class_report import CardRow, ClassReport
from studyapp.render.class_report import headline, percent, sections
from studyapp.tui.widgets.key_bar import KeyBar

__all__ = ["ClassApp", "ClassScreen"]


class TopicBars(PlotextPlot):
    """True retention per topic, weakest first (plotext), in the theme's colour."""

    def __init__(self, report: ClassReport, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report = report

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _: self.draw())
        self.draw()

    def draw(self) -> None:
        from textual.color import Color

        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title("True retention per topic (%)")
        topics = self.report.topics[:8]
        colour = Color.parse(self.app.theme_variables.get("primary", "blue")).rgb
        plt.bar(
            [t.topic or "-" for t in topics],
            [round(100 * (t.retention or 0.0)) for t in topics],
            color=colour,
            width=0.6,
        )
        plt.ylim(0, 100)
        self.refresh()


class ClassScreen(Screen[None]):
    """Topics (with a plot), then a topic's cards, then a card's wrong answers."""

    BINDINGS = [
        Binding("enter", "drill", "Open"),
        Binding("escape", "up", "Back"),
        Binding("q", "quit_class", "Quit"),
    ]
    DEFAULT_CSS = """
    ClassScreen { layout: vertical; }
    ClassScreen #class-summary { height: auto; padding: 0 1; }
    ClassScreen #class-plot { height: 9; }
    ClassScreen #class-where { height: 1; padding: 0 1; text-style: bold; }
    ClassScreen DataTable { height: 1fr; }
    """

    def __init__(self, report: ClassReport) -> None:
        super().__init__()
        self.report = report
        self.level = "topics"
        self.topic: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        figures = "  ".join(f"{value} {name}" for name, value in headline(self.report))
        yield Static(Text(f"Class report {self.report.generated}: {figures}"), id="class-summary")
        yield TopicBars(self.report, id="class-plot")
        yield Static(id="class-where")
        yield DataTable(id="class-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar([("enter", "Open"), ("esc", "Back"), ("q", "Quit")])

    def on_mount(self) -> None:
        self.show_topics()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#class-table", DataTable)

    def _fill(self, where: str, headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
        self.query_one("#class-where", Static).update(Text(where))
        table = self.table
        table.clear(columns=True)
        table.add_columns(*headers)
        for key, row in enumerate(rows):
            table.add_row(*(Text(str(cell)) for cell in row), key=str(key))
        table.focus()

    def show_topics(self) -> None:
        self.level, self.topic = "topics", None
        topics = next(s for s in sections(self.report) if s.key == "topics")
        self._fill(f"{topics.title} (enter: its cards)", topics.headers, topics.rows)

    def _topic_cards(self) -> list[CardRow]:
        deck, topic = self.topic or ("", "")
        return [c for c in self.report.cards if (c.deck_id, c.topic) == (deck, topic)]

    def show_cards(self) -> None:
        self.level = "cards"
        deck, topic = self.topic or ("", "")
        cards = self._topic_cards()
        self._fill(
            f"{deck} / {topic or '-'}: cards, hardest first (enter: wrong answers; esc: topics)",
            ("card", "kind", "students", "retention", "lapses/student", "leeches"),
            [
                (
                    f"{c.card_id}/{c.sibling}",
                    c.kind,
                    c.students,
                    percent(c.retention),
                    f"{c.lapses_per_student:.2f}",
                    c.leeches,
                )
                for c in cards
            ],
        )

    def show_answers(self, card_id: str, sibling: str) -> None:
        self.level = "answers"
        deck = self.topic[0] if self.topic else ""
        wrong = [
            m
            for m in self.report.misconceptions
            if (m.deck_id, m.card_id, m.sibling) == (deck, card_id, sibling)
        ]
        self._fill(
            f"{deck} {card_id}/{sibling}: wrong answers (esc: cards)",
            ("answer", "times", "students"),
            [
                (m.answer if m.source == "picked" else f'typed "{m.answer}"', m.times, m.students)
                for m in wrong
            ]
            or [("no wrong answer logged", "", "")],
        )

    def action_drill(self) -> None:
        row = self.table.cursor_row
        if self.level == "topics" and 0 <= row < len(self.report.topics):
            chosen = self.report.topics[row]
            self.topic = (chosen.deck_id, chosen.topic)
            self.show_cards()
        elif self.level == "cards":
            cards = self._topic_cards()
            if 0 <= row < len(cards):
                self.show_answers(cards[row].card_id, cards[row].sibling)

    def action_up(self) -> None:
        if self.level == "answers":
            self.show_cards()
        elif self.level == "cards":
            self.show_topics()
        else:
            self.app.exit()

    def action_quit_class(self) -> None:
        self.app.exit()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()


class ClassApp(App[None]):
    """``studyapp class``: the class screen on its own."""

    TITLE = "studyapp class"

    def __init__(self, report: ClassReport) -> None:
        super().__init__()
        self.report = report

    def on_mount(self) -> None:
        self.push_screen(ClassScreen(self.report))
