"""The class lines of the statistics screen (issue 15): with a class server set,
the student's retention and mastery per topic against the class's median and
quartiles, as last read (with its time) at once, while a worker reads the
server; a class under 5 students says so; no class server, no class lines.

The standing is read as ``studyapp.app.class_exams`` keeps it in the store;
reading it from a real server is tested in tests/server/test_class_exams.py."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import timedelta

from rich.console import Console
from textual.widgets import Static

from studyapp.app.class_exams import Standing, save_standing
from studyapp.server import ServerError
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.stats import StatsScreen
from tests.conftest import FakeClock

ROWS = [
    ("tiny", "basics", 0.8, 0.75, 6, 0.6, 0.7, 0.9, 6, 0.5, 0.65, 0.8),
    ("tiny", "kinetics", 1.0, None, 4, None, None, None, 0, None, None, None),
]


def class_text(app: StudyApp) -> str:
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.screen.query_one("#stats-class", Static).content)
    return console.export_text()


async def test_the_class_lines_show_the_copy_read_before_while_the_server_is_read(
    make_app: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    save_standing(store, Standing(ROWS, 5, clock() - timedelta(hours=3)))
    release = threading.Event()

    def offline() -> Standing:  # an unreachable server: the screen never waits on it
        release.wait(timeout=60)
        raise ServerError("cannot connect to postgresql://alice@host/pharm101: timeout")

    app = make_app()
    app.standing_reader = offline
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        shown = class_text(app)
        assert "Your class standing (read 3 h ago)  reading the class server…" in shown
        assert "tiny / basics" in shown
        assert "retention: you 80%; class median 70% (quartiles 60%-90%, 6 students)" in shown
        assert "mastery:   you 75%; class median 65% (quartiles 50%-80%, 6 students)" in shown
        assert "retention: you 100%; class: fewer than 5 students (4), not shown" in shown
        assert "mastery:   you -; class: fewer than 5 students (0), not shown" in shown
        await pilot.press("down")  # keys work while the server is read
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = class_text(app)
        assert "reading" not in shown and "(read 3 h ago)" in shown
        assert "could not be read: cannot connect to postgresql://alice@host/pharm101" in shown
        assert "class median 70%" in shown


async def test_no_class_server_no_class_lines(make_app: Callable[..., StudyApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert not app.screen.query_one("#stats-class").display
