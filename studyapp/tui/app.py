"""The Textual application: wiring only. Screens live in ``screens/``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.notifications import Notification, Notify

from studyapp.app.config import Paths, Settings
from studyapp.app.services import DeckRow, deck_rows, open_decks, warm_units_for
from studyapp.core.deck.model import Deck, PromptKey
from studyapp.core.library import Library
from studyapp.core.library.reload import stamps
from studyapp.core.study.scheduling import Policy, study_date
from studyapp.store import Store, StoreError

if TYPE_CHECKING:
    from textual.worker import Worker

    from studyapp.app.class_exams import ClassExams, Standing
    from studyapp.core.study.exam import ExamRun, ExamSpec
    from studyapp.core.study.planning import ExamPlan, PlanOutcome
    from studyapp.core.study.quiz import Quizzer
    from studyapp.core.study.session import StudySession

__all__ = ["StudyApp", "run"]


WARM_UNITS_AFTER_S = 1.5
"""How long after a study session, exam or cram starts the unit registry is built."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StudyApp(App[int]):
    """studyapp's TUI. Every dependency is passed in, so tests can inject
    a library, a store on a temporary file, a fixed clock and an unfuzzed policy."""

    CSS_PATH = "app.tcss"
    TITLE = "studyapp"
    ENABLE_COMMAND_PALETTE = False
    NOTIFICATION_TIMEOUT = 3.0
    """Seconds a notice stays (Textual's default, 5, kept a stack on screen)."""
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        # Not a priority: a focused text field takes "?" as a character.
        Binding("question_mark", "help", "Keys", show=False),
    ]

    def __init__(
        self,
        *,
        load_library: Callable[[], Library],
        store: Store,
        settings: Settings,
        policy: Policy | None = None,
        clock: Callable[[], datetime] = _utc_now,
        rng: Random | None = None,
        exam: ExamSpec | None = None,
        watch_interval: float | None = 0.75,
        backups: Path | None = None,
        syncer: Callable[[], str | None] | None = None,
        standing_reader: Callable[[], Standing] | None = None,
    ) -> None:
        super().__init__()
        self.backup_database = backups
        self.backup_worker: Worker[None] | None = None
        """Take the study day's backup of this database after the first screen (``None``: off)."""
        self._load_library = load_library
        self.store = store
        self.settings = settings
        # With the FSRS parameters adopted by `studyapp optimize`, if any.
        self.policy = policy or Policy(store.scheduler_config(settings.scheduler))
        self.clock = clock
        self.rng = rng if rng is not None else Random()
        self._quizzer: Quizzer | None = None
        self.watch_interval = watch_interval
        """Seconds between checks of the deck files for live reload (``None``: off)."""
        self.deck_stamps = stamps(settings.deck_dirs)
        self.reload_notices: list[Notification] = []
        """What the last live reload said (replaced by what the next one says)."""
        self.library = load_library()
        self.start_exam = exam
        """``studyapp exam``: start in an exam on this spec (home is under it)."""
        self.syncer = syncer
        """One sync with the class server (``[sync] url``), run in a worker thread:
        ``None`` or why it failed (``None`` here: no sync URL set)."""
        self.sync_error: str | None = None
        """Why the last sync failed (``None``: it worked, or none was tried)."""
        self.class_exams: ClassExams | None = None
        """The class exams as the last sync left them (read when a sync ends)."""
        self.standing_reader = standing_reader
        """Reads the student's standing in the class from the server (in a worker
        of the statistics screen); ``None``: no class server set."""

    @property
    def quizzer(self) -> Quizzer:
        """Asks and grades questions (made when a deck is first studied: the deck
        list does not import the card kinds)."""
        if self._quizzer is None:
            from studyapp.core.study.quiz import Quizzer

            self._quizzer = Quizzer(
                self.store, self.clock, rng=self.rng, hard_after_ms=self.settings.hard_after_ms
            )
        return self._quizzer

    def on_mount(self) -> None:
        from studyapp.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.backup_database is not None:
            self.call_after_refresh(self._start_daily_backup)
        self.call_after_refresh(self.start_sync)  # once the home screen is up
        if self.watch_interval:
            self.set_interval(self.watch_interval, self.poll_decks)
        if self.start_exam is not None:
            from studyapp.core.study.class_exam import ClassExamRefused
            from studyapp.tui.screens.exam import ExamScreen

            try:
                exam = self.new_exam(self.start_exam)
            except ClassExamRefused as refused:
                self.notify(str(refused), severity="warning", markup=False)
                return
            if exam is None:
                self.notify("No question matches this exam.", severity="warning")
            else:
                self.push_screen(ExamScreen(exam))

    def _start_daily_backup(self) -> None:
        self.backup_worker = self.run_worker(self.daily_backup, thread=True)

    def daily_backup(self) -> None:
        """The study day's backup (in a worker thread, after the home screen is up).
        A failure is said on screen; studying goes on."""
        from studyapp.store.backup import daily

        assert self.backup_database is not None
        day = study_date(self.clock(), self.settings.rollover_hour)
        try:
            daily(self.backup_database, day)
        except (OSError, StoreError) as exc:
            self.call_from_thread(
                self.notify, f"Today's backup failed: {exc}", severity="warning", markup=False
            )

    def start_sync(self) -> None:
        """Sync in a worker thread (studying never waits on the network); one at a time."""
        if self.syncer is not None:
            self.run_worker(self._sync_worker, thread=True, group="sync", exclusive=True)

    def _sync_worker(self) -> None:
        assert self.syncer is not None
        error = self.syncer()
        self.call_from_thread(self._synced, error)

    def _synced(self, error: str | None) -> None:
        self.sync_error = error
        self.load_class_exams()
        for screen in self.screen_stack:
            if hasattr(screen, "sync_changed"):
                screen.sync_changed()

    def sync_status(self) -> str | None:
        """The home screen's sync line ("synced 2 min ago", "offline: 14 answers
        waiting"), or ``None`` when no sync URL is set."""
        if self.syncer is None:
            return None
        from studyapp.app.sync import sync_line

        return sync_line(self.store, self.clock(), offline=self.sync_error is not None)

    def load_class_exams(self) -> ClassExams:
        """The class exams the last sync read, and those taken (from the store)."""
        from studyapp.app.class_exams import cached_exams

        self.class_exams = cached_exams(self.store)
        return self.class_exams

    def new_class_exam(self, exam_id: int | None = None) -> ExamRun:
        """Class exam ``exam_id`` (default: the first that can be started) started
        now, or :class:`~studyapp.core.study.class_exam.ClassExamRefused` saying why not."""
        from studyapp.app.class_exams import pick
        from studyapp.core.study.class_exam import ClassExamRefused, class_exam_run

        known = self.load_class_exams()
        exam = pick(known, self.clock(), exam_id)
        if exam is None:
            which = "no class exam is open" if exam_id is None else f"no class exam {exam_id}"
            raise ClassExamRefused(
                f"{which} (this device learns of them when it syncs with the class server)"
            )
        decks = [deck for deck in self.library.decks if deck.id == exam.deck_id]
        self.warm_units(decks)
        return class_exam_run(exam, decks, known.taken, self.quizzer, self.clock)

    async def action_quit(self) -> None:
        """Quit; a class exam being taken is submitted and saved first (it is taken
        once: quitting must not leave it to be started again)."""
        from studyapp.tui.screens.exam import ExamScreen

        for screen in self.screen_stack:
            if isinstance(screen, ExamScreen):
                screen.save_class_exam()
        await super().action_quit()

    def replace_notices(self, old: list[Notification], new: list[Notification]) -> None:
        """Take the ``old`` notices off the screen (those still shown) and show ``new``."""
        for notice in old:
            if notice in self._notifications:  # Textual has no public "unnotify"
                self._unnotify(notice)
        for notice in new:
            self.post_message(Notify(notice))

    def action_help(self) -> None:
        """``?``: the keys of the screen on top (its ``HELP`` names them)."""
        topic = getattr(self.screen, "HELP", None)
        if topic is None:  # a dialog, or the help itself
            return
        from studyapp.tui.screens.help import HELP, HelpScreen

        self.push_screen(HelpScreen(HELP[topic]))

    def hub_below(self) -> str:
        """The name of the place :meth:`back_to_hub` returns to: the nearest screen
        below the top one with a ``HUB`` name (the deck list, the statistics)."""
        for screen in reversed(self.screen_stack[:-1]):
            if hub := getattr(screen, "HUB", None):
                return str(hub)
        return "decks"

    def back_to_hub(self) -> None:
        """Leave the top screen and any screen between it and the place it was
        started from: a session's summary after "review my misses" goes back to
        the deck list, past the exam results."""
        self.pop_screen()
        while len(self.screen_stack) > 2 and not getattr(self.screen, "HUB", None):
            self.pop_screen()

    def reload_library(self) -> None:
        """Load the decks again; a deck id stays with the file that had it."""
        from studyapp.core.library.reload import keep_owners

        self.library = keep_owners(self.library, self._load_library())

    def poll_decks(self) -> list[str]:
        """Live reload: reload when a deck file changed (see ``tui/live.py``)."""
        from studyapp.tui.live import poll_decks

        return poll_decks(self)

    def deck_rows(self) -> list[DeckRow]:
        return deck_rows(self.library, self.store, self.settings, self.clock)

    def new_session(
        self, decks: Sequence[Deck], *, focus: Sequence[PromptKey] | None = None
    ) -> StudySession:
        from studyapp.core.study.session import StudySession

        self.warm_units(decks)
        plans = self.exam_plans()
        calibration = None
        if plans and focus is None:  # planning is imported only when a plan exists
            from studyapp.app.plan_service import student_calibration

            calibration = student_calibration(self.store, self.policy)
        return StudySession(
            decks,
            self.store,
            self.policy,
            self.clock,
            limits=self.settings.limits_for,
            rollover_hour=self.settings.rollover_hour,
            focus=focus,
            plans=plans,
            calibration=calibration,
        )

    def warm_units(self, decks: Sequence[Deck]) -> None:
        """Build the unit registry in a background thread a moment after the first card is
        shown (it holds the GIL for a few hundred ms: started at once, it slowed the first
        card by as much), while the student reads the question; the first numeric answer
        then grades at once (an answer typed sooner waits for the build, never fails)."""
        if not self.is_running:  # a session built outside the running app (tests, tools)
            return
        chosen = list(decks)
        self.set_timer(WARM_UNITS_AFTER_S, lambda: warm_units_for(chosen))

    def exam_plans(self) -> list[ExamPlan]:
        """Plans whose exam is today or later (see ``studyapp plan``)."""
        return self.store.exam_plans(study_date(self.clock(), self.settings.rollover_hour))

    def plan_outcomes(self) -> list[PlanOutcome]:
        """Where each plan stands now, for the loaded decks."""
        plans = self.exam_plans()
        if not plans:  # the usual case: planning is never imported
            return []
        from studyapp.app.plan_service import plan_outcomes

        return plan_outcomes(self.store, self.library.decks, self.settings, self.clock(), plans)

    def new_exam(self, spec: ExamSpec) -> ExamRun | None:
        """An exam on ``spec`` from the loaded decks, or ``None`` if no question matches
        (a class exam: see :meth:`new_class_exam`)."""
        if spec.class_exam is not None:
            return self.new_class_exam(spec.class_exam)
        decks = [d for d in self.library.decks if not spec.deck_ids or d.id in spec.deck_ids]
        self.warm_units(decks)
        facts = self.store.pool_facts([deck.id for deck in decks])
        from studyapp.core.study.exam import build_exam  # off the start-up path

        return build_exam(decks, spec, facts, self.rng, self.quizzer, self.clock)

    def new_cram(self, deck: Deck, topics: Sequence[str]) -> ExamRun | None:
        """Every unsuspended prompt of ``deck`` on ``topics`` (all when empty); never saved."""
        facts = self.store.pool_facts([deck.id])
        self.warm_units([deck])
        from studyapp.core.study.exam import build_cram

        return build_cram([deck], topics, facts, self.rng, self.quizzer, self.clock)


def run(paths: Paths, settings: Settings, *, exam: ExamSpec | None = None) -> int:
    """Start the TUI on the configured decks and database (in an exam on ``exam``),
    holding the data folder's lock (a second one refuses: ``LockHeld``); with a
    ``[sync] url``, syncing in a worker.

    Returns Textual's return code: non-zero when the app crashed.
    """
    from studyapp.app.lock import data_lock
    from studyapp.core.kinds._quantities import use_cache_folder

    use_cache_folder(paths.units_cache_dir)  # pint builds its registry 10x faster
    syncer = standing_reader = None
    if settings.sync_url:
        from studyapp.app.class_exams import read_standing
        from studyapp.app.sync import sync_once

        url = settings.sync_url

        def syncer() -> str | None:
            return sync_once(paths, settings, url, _utc_now())

        def standing_reader() -> Standing:
            return read_standing(url, _utc_now())

    with data_lock(paths.data_dir):
        store = Store.open(paths.database)
        try:
            app = StudyApp(
                load_library=lambda: open_decks(paths, settings),
                store=store,
                settings=settings,
                exam=exam,
                backups=paths.database,
                syncer=syncer,
                standing_reader=standing_reader,
            )
            result = app.run()
            store.checkpoint()
        finally:
            store.close()
    return app.return_code or (result or 0)
