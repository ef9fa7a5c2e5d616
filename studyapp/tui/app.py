"""The Textual application: wiring only. Screens live in ``screens/``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from random import Random

from textual.app import App
from textual.binding import Binding

from studyapp.config import Paths, Settings
from studyapp.core.library import Library
from studyapp.core.model import Deck
from studyapp.core.quiz import Quizzer
from studyapp.core.scheduling import Policy
from studyapp.core.session import StudySession
from studyapp.services import DeckRow, deck_rows, load_decks
from studyapp.store import Store

__all__ = ["StudyApp", "run"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StudyApp(App[int]):
    """studyapp's TUI. Every dependency is passed in, so tests can inject
    a library, a store on a temporary file, a fixed clock and an unfuzzed policy."""

    CSS_PATH = "app.tcss"
    TITLE = "studyapp"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(
        self,
        *,
        load_library: Callable[[], Library],
        store: Store,
        settings: Settings,
        policy: Policy | None = None,
        clock: Callable[[], datetime] = _utc_now,
        rng: Random | None = None,
    ) -> None:
        super().__init__()
        self._load_library = load_library
        self.store = store
        self.settings = settings
        self.policy = policy or Policy(settings.scheduler)
        self.clock = clock
        self.quizzer = Quizzer(store, clock, rng=rng)
        self.library = load_library()

    def on_mount(self) -> None:
        from studyapp.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    def reload_library(self) -> None:
        self.library = self._load_library()

    def deck_rows(self) -> list[DeckRow]:
        return deck_rows(self.library, self.store, self.settings, self.clock)

    def new_session(self, decks: Sequence[Deck]) -> StudySession:
        return StudySession(
            decks,
            self.store,
            self.policy,
            self.clock,
            limits=self.settings.limits_for,
            rollover_hour=self.settings.rollover_hour,
        )


def run(paths: Paths, settings: Settings) -> int:
    """Start the TUI on the configured decks and database."""
    store = Store.open(paths.database)
    try:
        app = StudyApp(
            load_library=lambda: load_decks(paths, settings), store=store, settings=settings
        )
        result = app.run()
    finally:
        store.close()
    return result or 0
