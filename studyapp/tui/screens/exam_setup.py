"""Exam setup: decks, topics, evidence levels, pool, number of questions, time limit, mode.

Keyboard only: tab / shift+tab move between fields, space ticks a deck, a
topic or an evidence level, arrows choose a pool and a mode, ctrl+s (or enter
on Start) starts. The evidence list shows only the levels the ticked decks'
cards use, and is hidden when they use none.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from random import Random
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, RadioSet, SelectionList, Static

from studyapp.core.deck.evidence import EVIDENCE
from studyapp.core.study.exam import (
    ExamMode,
    ExamSpec,
    Pool,
    PoolFacts,
    parse_duration,
    select_prompts,
)
from studyapp.tui.screens.exam import EXAM_NOTE, ExamScreen
from studyapp.tui.widgets.key_bar import KeyBar
from studyapp.tui.widgets.ticks import GlyphRadioButton, TickList

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

__all__ = ["ExamSetupScreen"]

POOLS = {
    Pool.ALL: "All cards",
    Pool.UNSEEN: "Unseen (never reviewed)",
    Pool.MISSED: "Missed (Again, or wrong)",
    Pool.FLAGGED: "Flagged in an exam",
    Pool.LEECHES: "Leeches",
}
MODES = {
    ExamMode.TIMED: "Timed: feedback at the end",
    ExamMode.TUTOR: "Tutor: feedback at once",
}
"""Labels short enough for 80 columns (the help and the README say more)."""


class ExamSetupScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "start", "Start", show=False, priority=True),
        Binding("escape", "back", "Back", show=False),
    ]
    HELP = "setup"

    def __init__(self, *, deck_id: str | None = None, spec: ExamSpec | None = None) -> None:
        super().__init__()
        self.spec = spec or ExamSpec(
            deck_ids=(deck_id,) if deck_id else (), time_limit=parse_duration("15m")
        )
        self._facts = PoolFacts()

    @property
    def study_app(self) -> StudyApp:
        return cast("StudyApp", self.app)

    def compose(self) -> ComposeResult:
        spec = self.spec
        decks = self.study_app.library.decks
        chosen = set(spec.deck_ids) or {deck.id for deck in decks}
        limit = "" if spec.time_limit is None else _duration_text(spec.time_limit)
        with Vertical(id="setup"):
            yield Static("Self-test (exam)", id="setup-title")
            yield Static(EXAM_NOTE, id="setup-note", markup=False)
            with Horizontal(id="setup-columns"):
                with Vertical(id="setup-left"):
                    yield Static("Decks", classes="setup-label")
                    yield TickList(
                        *((Text(d.title), d.id, d.id in chosen) for d in decks),
                        id="setup-decks",
                    )
                    yield Static("Topics (none ticked: every topic)", classes="setup-label")
                    yield TickList(id="setup-topics")
                    yield Static(
                        "Evidence (none ticked: any)",
                        classes="setup-label",
                        id="setup-evidence-label",
                    )
                    yield TickList(id="setup-evidence")
                with Vertical(id="setup-right"):
                    yield Static("Pool", classes="setup-label", id="setup-pool-label")
                    with RadioSet(id="setup-pool", compact=True):
                        for pool, label in POOLS.items():
                            yield GlyphRadioButton(label, value=pool is spec.pool)
                    yield Static("Mode", classes="setup-label")
                    with RadioSet(id="setup-mode", compact=True):
                        for mode, label in MODES.items():
                            yield GlyphRadioButton(label, value=mode is spec.mode)
                    with Horizontal(id="setup-numbers"):
                        with Vertical():
                            yield Static("Questions", classes="setup-label")
                            yield Input(
                                str(spec.count or 20),
                                type="integer",
                                id="setup-count",
                                compact=True,
                            )
                        with Vertical():
                            yield Static("Time limit", classes="setup-label")
                            yield Input(
                                limit, placeholder="none, 15m, 1h", id="setup-time", compact=True
                            )
                    yield Static(id="setup-status")
                    yield Button("Start", id="setup-start", variant="primary", compact=True)
        yield KeyBar(
            [
                ("tab", "Next field"),
                ("space", "Tick"),
                ("↑↓", "Choose"),
                ("ctrl+s", "Start"),
                ("?", "Keys"),
                ("esc", "Back"),
            ]
        )

    def on_mount(self) -> None:
        ids = [deck.id for deck in self.study_app.library.decks]
        self._facts = self.study_app.store.pool_facts(ids)
        self._fill_topics(set(self.spec.topics), set(self.spec.evidence))
        decks = self.query_one("#setup-decks", SelectionList)
        if decks.option_count:
            decks.highlighted = 0
        decks.focus()

    # -- the form ---------------------------------------------------------
    def _fill_topics(self, ticked: set[str], levels: set[str]) -> None:
        """The topics and evidence levels of the ticked decks' cards, ``ticked`` and
        ``levels`` kept ticked where they still occur."""
        chosen = set(self._chosen_decks())
        cards = [c for d in self.study_app.library.decks if d.id in chosen for c in d.cards]
        topics = sorted({card.topic for card in cards}, key=str.casefold)
        folded = {topic.casefold() for topic in ticked}
        _fill(self.query_one("#setup-topics", SelectionList), topics, folded, str.casefold)
        used = {card.evidence for card in cards}
        present = [level for level in EVIDENCE if level in used]
        evidence = self.query_one("#setup-evidence", SelectionList)
        _fill(evidence, present, levels, str)
        evidence.display = bool(present)
        self.query_one("#setup-evidence-label").display = bool(present)
        self._update_status()

    def _chosen_decks(self) -> list[str]:
        return list(self.query_one("#setup-decks", SelectionList).selected)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        if event.selection_list.id == "setup-decks":
            topics = self.query_one("#setup-topics", SelectionList).selected
            levels = self.query_one("#setup-evidence", SelectionList).selected
            self._fill_topics(set(topics), set(levels))
        else:
            self._update_status()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self._update_status()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_start()

    def _filters(self) -> ExamSpec:
        """The spec as far as choosing questions goes (no count, no time)."""
        pool = list(POOLS)[max(self.query_one("#setup-pool", RadioSet).pressed_index, 0)]
        mode = list(MODES)[max(self.query_one("#setup-mode", RadioSet).pressed_index, 0)]
        return ExamSpec(
            deck_ids=tuple(self._chosen_decks()),
            topics=tuple(self.query_one("#setup-topics", SelectionList).selected),
            tags=self.spec.tags,
            pool=pool,
            count=None,
            mode=mode,
            evidence=tuple(self.query_one("#setup-evidence", SelectionList).selected),
        )

    def _update_status(self) -> None:
        spec = self._filters()
        decks = self.study_app.library.decks
        available = 0
        if spec.deck_ids:
            available = len(select_prompts(decks, spec, self._facts, Random(0)))
        status = Text()
        status.append(f"{available} question{'s' * (available != 1)} available", style="bold")
        if available == 0:
            status.append(": tick a deck, or choose another pool or topic", style="yellow")
        self.query_one("#setup-status", Static).update(status)

    def _spec(self) -> ExamSpec:
        """The spec as filled in (``ValueError`` with a message for a bad field)."""
        filters = self._filters()
        if not filters.deck_ids:
            raise ValueError("Tick at least one deck.")
        count_text = self.query_one("#setup-count", Input).value.strip()
        if not count_text.isdigit() or int(count_text) < 1:
            raise ValueError("The number of questions must be a whole number from 1.")
        time_text = self.query_one("#setup-time", Input).value.strip()
        limit = parse_duration(time_text) if time_text else None
        return ExamSpec(
            deck_ids=filters.deck_ids,
            topics=filters.topics,
            tags=filters.tags,
            pool=filters.pool,
            count=int(count_text),
            time_limit=limit,
            mode=filters.mode,
            evidence=filters.evidence,
        )

    # -- actions ----------------------------------------------------------
    def action_start(self) -> None:
        try:
            spec = self._spec()
        except ValueError as exc:
            self.notify(str(exc), title="Exam setup", severity="error", markup=False)
            return
        exam = self.study_app.new_exam(spec)
        if exam is None:
            self.notify("No question matches these choices.", severity="warning")
            return
        self.app.switch_screen(ExamScreen(exam))

    def action_back(self) -> None:
        self.app.pop_screen()


def _fill(
    selection: SelectionList[str], values: list[str], ticked: set[str], key: Callable[[str], str]
) -> None:
    """``selection`` listing ``values``, those whose ``key`` is in ``ticked`` ticked."""
    selection.clear_options()
    selection.add_options([(Text(value), value, key(value) in ticked) for value in values])
    if values:
        selection.highlighted = 0  # space ticks at once, no arrow needed first


def _duration_text(limit: timedelta) -> str:
    """A time limit as typed in the form: ``15m``, ``1h30m``, ``90s``."""
    hours, rest = divmod(int(limit.total_seconds()), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{value}{unit}" for value, unit in parts if value)
