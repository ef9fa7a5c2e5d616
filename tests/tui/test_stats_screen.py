"""The statistics screen, driven with Pilot, and its snapshots (dark and light theme).

The history is studied at fixed times before the fixed clock (no fuzz, UTC),
so every figure on screen is the same on every run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from studyapp.core.deck.model import PromptKey
from studyapp.core.progress.stats import StatsReport
from studyapp.core.study.scheduling import CardState, Policy, SchedulerConfig
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.exam import ExamScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.screens.stats import DayBars, Heatmap, StatsScreen, compute_report
from studyapp.tui.screens.summary import SummaryScreen
from studyapp.tui.widgets.key_bar import KeyBar
from tests.conftest import FakeClock

SIZE = (80, 24)
PLAN: dict[PromptKey, tuple[str, list[int]]] = {
    ("tiny", "agonist", "main"): ("basic", [3, 3, 3, 3]),
    ("tiny", "half-life", "c1"): ("cloze", [3, 3, 1, 3]),
    ("tiny", "beta-blocker", "forward"): ("reversible", [3, 3, 3]),
    ("vitamins", "b12", "main"): ("basic", [4]),
}


def study_history(store: Store, now: datetime) -> None:
    """Each planned prompt answered at its due times, from 20 days before ``now``."""
    policy = Policy(SchedulerConfig(enable_fuzz=False))
    for key, (kind, ratings) in PLAN.items():
        state, when = CardState(), now - timedelta(days=20, hours=2)
        for rating in ratings:
            if when >= now:
                break
            after = policy.review(state, rating, when, fuzz=False)
            store.record_review(ReviewRecord(key, kind, when, rating, 4000, state, after))
            assert after.due is not None
            state, when = after, max(when + timedelta(minutes=10), after.due)


@pytest.fixture
def app(make_app: Callable[..., StudyApp], store: Store, clock: FakeClock) -> StudyApp:
    study_history(store, clock.now)
    return make_app()


def stats_screen(app: StudyApp) -> StatsScreen:
    assert isinstance(app.screen, StatsScreen)
    return app.screen


async def figures_in(pilot: Pilot[int]) -> None:
    """Wait until the statistics worker has finished and its figures are on screen.

    Waiting for the workers alone is not enough: under load the worker may not
    have started yet, and its result reaches the screen as a message after it
    ends; so wait (bounded) until the screen no longer says it is computing
    (it shows the figures, or the error)."""
    for _ in range(400):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        screen = pilot.app.screen
        if isinstance(screen, StatsScreen):
            summary = str(screen.query_one("#stats-summary", Static).render())
            if summary.strip() and "Computing" not in summary:
                break
        await pilot.pause(0.05)
    else:
        raise AssertionError("the statistics never came in")
    await pilot.pause()


async def open_stats(pilot: Pilot[int]) -> StatsScreen:
    await pilot.pause()
    await pilot.press("t")
    await figures_in(pilot)
    return stats_screen(pilot.app)  # type: ignore[arg-type]


async def select_topic(pilot: Pilot[int], screen: StatsScreen, topic: str) -> None:
    assert screen.report is not None
    topics = [m.topic for m in screen.report.mastery]
    table = screen.query_one("#stats-mastery", DataTable)
    table.move_cursor(row=topics.index(topic))
    await pilot.pause()


async def test_stats_open_from_home_and_list_topics_weakest_first(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(pilot)
        report = screen.report
        assert report is not None
        assert report.total_reviews == 12
        topics = [m.topic for m in report.mastery]
        assert topics == ["kinetics", "vitamins", "receptors", "basics", "safety"]
        studied = [m for m in report.mastery if m.mean_r is not None]
        assert [m.mean_r for m in studied] == sorted(m.mean_r for m in studied)  # type: ignore[misc]
        assert report.mastery[-1].mean_r is None  # safety: nothing studied
        table = screen.query_one("#stats-mastery", DataTable)
        assert table.row_count == len(report.mastery) == 5
        assert table.has_focus
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_c_crams_the_selected_topic(app: StudyApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(pilot)
        await select_topic(pilot, screen, "kinetics")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen) and app.screen.cram
        keys = [item.prompt.key for item in app.screen.exam.items]
        assert sorted(keys) == [("tiny", "half-life", "c1"), ("tiny", "half-life", "c2")]


async def test_r_reviews_the_selected_topic_weakest_first(app: StudyApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(pilot)
        await select_topic(pilot, screen, "receptors")
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        # The studied prompt first, then the new one; due or not.
        assert review.session.focus == (
            ("tiny", "beta-blocker", "forward"),
            ("tiny", "beta-blocker", "reverse"),
        )
        assert review.session.current is not None
        assert review.session.current.key == ("tiny", "beta-blocker", "forward")
        before = store.review_count()
        review.action_reveal_or_good()
        review.action_rate(3)
        await pilot.pause()
        assert store.review_count() == before + 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        bar = app.screen.query_one(KeyBar).render()
        assert "Back to statistics" in str(bar)
        await pilot.press("enter")
        await figures_in(pilot)
        assert isinstance(app.screen, StatsScreen)
        # Back on the statistics: the new answer is counted.
        assert stats_screen(app).report is not None
        assert stats_screen(app).report.total_reviews == before + 1  # type: ignore[union-attr]


async def test_page_keys_scroll_the_screen(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(pilot)
        scroll = screen.query_one("#stats")
        assert scroll.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        table = screen.query_one("#stats-mastery", DataTable)
        assert table.cursor_row == 0  # the table did not take the key


async def test_plots_and_calendar_follow_the_theme(
    app: StudyApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(pilot)
        drawn: list[str] = []
        original = DayBars.draw

        def spy(self: DayBars) -> None:
            drawn.append(self.id or "")
            original(self)

        monkeypatch.setattr(DayBars, "draw", spy)
        app.theme = "textual-light"
        await pilot.pause()
        assert sorted(drawn) == ["stats-activity", "stats-forecast"]
        heatmap = screen.query_one("#stats-heatmap", Heatmap)
        styles = {str(span.style) for span in heatmap.render().spans}
        assert app.theme_variables["success"] in styles


async def scroll_to_calendar(pilot: Pilot[int]) -> None:
    await pilot.pause()
    pilot.app.theme = "textual-light"
    await pilot.press("t")
    await figures_in(pilot)
    screen = stats_screen(pilot.app)  # type: ignore[arg-type]
    heatmap = screen.query_one("#stats-heatmap")
    screen.query_one("#stats").scroll_to_widget(heatmap, animate=False, top=True)
    await pilot.pause()


def test_snapshot_stats_dark(app: StudyApp, snap_compare) -> None:
    """The top of the screen at 80x24: today, streak, mastery table, forecast title."""

    async def open_and_fill(pilot: Pilot[int]) -> None:
        await open_stats(pilot)  # press t, then wait for the worker's figures

    assert snap_compare(app, terminal_size=SIZE, run_before=open_and_fill)


def test_snapshot_stats_light_calendar(app: StudyApp, snap_compare) -> None:
    """Light theme, scrolled to the year's calendar and the retention table."""
    assert snap_compare(app, terminal_size=SIZE, run_before=scroll_to_calendar)


async def test_the_screen_answers_keys_while_the_figures_are_computed(app: StudyApp) -> None:
    """The computation blocks (an injected function waiting on an event): the screen is up
    with its layout, says it is computing, and takes keys; the figures come in when it ends."""
    release, started = threading.Event(), threading.Event()

    def slow(app: StudyApp) -> Callable[[], StatsReport]:
        compute = compute_report(app)

        def blocked() -> StatsReport:
            started.set()
            assert release.wait(timeout=30)
            return compute()

        return blocked

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(StatsScreen(slow))
        await pilot.pause()
        assert started.wait(timeout=30)
        screen = stats_screen(app)
        assert screen.report is None
        assert "Computing" in str(screen.query_one("#stats-summary", Static).render())
        scroll = screen.query_one("#stats")
        await pilot.press("pagedown")  # a key answered while the worker is blocked
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("c")  # no topic yet: nothing happens, nothing breaks
        await pilot.pause()
        assert app.screen is screen
        release.set()
        await figures_in(pilot)
        assert screen.report is not None and screen.report.total_reviews == 12
        assert screen.query_one("#stats-mastery", DataTable).row_count == 5
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_leaving_while_the_figures_are_computed(app: StudyApp) -> None:
    """Escape while the worker is blocked goes home at once; the late result is dropped."""
    release = threading.Event()

    def slow(app: StudyApp) -> Callable[[], StatsReport]:
        compute = compute_report(app)
        return lambda: (release.wait(timeout=30), compute())[1]

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(StatsScreen(slow))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        release.set()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_an_error_in_the_computation_is_shown_not_raised(app: StudyApp) -> None:
    def broken(app: StudyApp) -> Callable[[], StatsReport]:
        def compute() -> StatsReport:
            raise ValueError("disk on fire")

        return compute

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(StatsScreen(broken))
        await figures_in(pilot)
        summary = str(stats_screen(app).query_one("#stats-summary", Static).render())
        assert "could not be computed: disk on fire" in summary
