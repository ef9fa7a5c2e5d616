"""The keys modal: ``?`` on any screen lists that screen's own keys.

A screen names its help with a ``HELP`` class attribute (a key of
:data:`HELP`); the app's ``?`` binding opens it (see ``StudyApp.action_help``).
Option keys are the same everywhere an option is picked: digits (see
``widgets/answers/base.py``), so they never collide with a screen's letters.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["HELP", "KEYS", "HelpScreen", "Sections"]

Sections = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

ANYWHERE = (
    "Anywhere",
    (
        ("?", "the keys of this screen (outside a text field)"),
        ("ctrl+q", "quit"),
    ),
)

DECKS = (
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
        ("e", "take the class exam shown (class server: once, while open)"),
        ("q", "quit"),
    ),
)

REVIEW = (
    "Review",
    (
        ("space / enter", "show the answer (once shown: rate Good)"),
        ("1 2 3 4", "rate Again / Hard / Good / Easy (after the answer)"),
        ("enter", "graded question: accept the proposed rating"),
        ("r", "I was right: accept a typed answer marked wrong"),
        ("u", "undo the last answer or suspension (repeatable)"),
        ("s", "suspend this card (all its prompts)"),
        ("e", "edit this card in $EDITOR"),
        ("pgup / pgdn", "scroll a long card"),
        ("escape / q", "end the session"),
    ),
)

ANSWERING = (
    "Answering a question",
    (
        ("1-9", "choose option 1-9; select-all: tick or untick it"),
        ("↑↓ space", "move to an option, tick it (enter chooses)"),
        ("enter", "submit a select-all, ordering or matching answer"),
        ("k / j", "ordering: move the item › up / down (or shift+↑↓)"),
        ("1-9  + -", "matching: the partner of the item › (↑↓ picks it)"),
        ("backspace", "matching: clear the item's partner"),
        ("enter / esc", "typed answer: submit / leave the text field"),
    ),
)

EXAM = (
    "Exam and cram",
    (
        ("n / →", "next question (ctrl+n also while typing)"),
        ("p / ←", "previous question (ctrl+p also while typing)"),
        ("f", "flag or unflag the question (ctrl+f while typing)"),
        ("g", "go to a question by number"),
        ("enter", "type a typed answer; back into an answer"),
        ("space", "show the answer of a flip card; then r / w"),
        ("r / w", "I was right / I was wrong (flip cards)"),
        ("ctrl+s", "submit (says how many are unanswered)"),
        ("escape", "leave a text field; else leave the exam"),
    ),
)

EXAM_MAP = (
    "Question map",
    (
        ("• ⚑", "answered, flagged (the current one highlighted)"),
        ("✓ ✗", "tutor mode and cram: graded right, wrong"),
    ),
)

RESULTS = (
    "Exam results",
    (
        ("m", "review my misses (this changes their schedule)"),
        ("h", "exam history"),
        ("↑↓ pgup pgdn", "scroll"),
        ("escape / enter", "back to the decks (or the statistics, after a cram from them)"),
    ),
)

HISTORY = (
    "Exam history",
    (
        ("up / down", "choose an exam: its answers below"),
        ("escape", "back"),
    ),
)

SETUP = (
    "Exam setup",
    (
        ("tab / shift+tab", "next / previous field"),
        ("space", "tick a deck or a topic ([x] ticked)"),
        ("↑↓", "move; choose a pool and a mode"),
        ("ctrl+s", "start (or enter on Start)"),
        ("escape", "back to the decks"),
    ),
)

STATS = (
    "Statistics",
    (
        ("up / down", "select a topic in the mastery table"),
        ("c", "cram the selected topic"),
        ("r", "review the selected topic now (changes the schedule)"),
        ("pgdn / space", "scroll down"),
        ("pgup", "scroll up"),
        ("escape / q", "back to the decks"),
    ),
)

CRAM_TOPICS = (
    "Cram: choose a topic",
    (
        ("up / down", "choose all topics or one"),
        ("enter", "start the cram (nothing is saved)"),
        ("escape", "back to the decks"),
    ),
)

PLAN = (
    "Exam plan",
    (
        ("tab / shift+tab", "next / previous field (the plans list first)"),
        ("enter / ctrl+s", "save the plan"),
        ("delete", "remove the plan highlighted in the list"),
        ("escape", "close"),
    ),
)

SUMMARY = (
    "Session summary",
    (("enter / escape", "back to the decks (or the statistics), past any exam results"),),
)

BROWSE = (
    "Browse",
    (
        ("/", "search as you type; every term must match:"),
        ("  word", 'in the text, id, topic or tags; "a phrase"'),
        ("  tag:X", "the card has tag X"),
        ("  topic:X", "the topic contains X"),
        ("  kind:X", "basic, cloze, reversible, choice, ..."),
        ("  is:STATE", "new, due, learning, review, suspended, leech"),
        ("  -term", "cards NOT matching the term"),
        ("enter / escape", "in the search: back to the table"),
        ("s", "suspend or unsuspend the selected card"),
        ("e", "edit the selected card in $EDITOR"),
        ("escape", "back to the decks"),
    ),
)

HELP: dict[str, Sections] = {
    "home": (DECKS, ANYWHERE),
    "review": (REVIEW, ANSWERING, ANYWHERE),
    "exam": (EXAM, ANSWERING, EXAM_MAP, ANYWHERE),
    "results": (RESULTS, ANYWHERE),
    "history": (HISTORY, ANYWHERE),
    "setup": (SETUP, ANYWHERE),
    "stats": (STATS, ANYWHERE),
    "summary": (SUMMARY, ANYWHERE),
    "cram-topics": (CRAM_TOPICS, ANYWHERE),
    "plan": (PLAN, ANYWHERE),
    "browse": (BROWSE, ANYWHERE),
}
"""Each screen's help, by the name in its ``HELP`` attribute."""

KEYS: Sections = (DECKS, REVIEW, ANSWERING, ANYWHERE)
"""Every study key (the default help)."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,enter", "dismiss", "Close")]

    def __init__(self, keys: Sections = KEYS) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        widest = max((len(key) for _, keys in self.keys for key, _ in keys), default=1)
        parts: list[RenderableType] = []
        for index, (section, keys) in enumerate(self.keys):
            table = Table.grid(padding=(0, 2), expand=True)
            table.add_column(style="bold cyan", no_wrap=True, width=widest)
            table.add_column(ratio=1)
            for key, what in keys:
                table.add_row(Text(key), Text(what))
            parts += [Text(f"\n{section}" if index else section, style="underline"), table]
        with Vertical(id="help"):
            yield Static("Keys", id="help-title")
            with VerticalScroll(id="help-keys"):
                yield Static(Group(*parts))
            yield Static("↑↓ pgup pgdn scroll · escape closes", id="help-footer")

    def on_mount(self) -> None:
        self.query_one("#help-keys").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
