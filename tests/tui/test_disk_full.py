"""A full disk while studying: the answer stays on screen with "Not saved",
is retried (the rating keys, and a timer), and lands once there is room."""

from __future__ import annotations

import shutil
from pathlib import Path
from random import Random

from studyapp.app.config import Settings
from studyapp.core.library import load_library
from studyapp.core.study.scheduling import Policy, SchedulerConfig
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.review import ReviewScreen
from tests.conftest import FakeClock
from tests.reliability.conftest import fill, small_disk

__all__ = ["small_disk"]  # the fixture, used below

FIXTURES = Path(__file__).resolve().parents[1] / "tui" / "fixtures"


async def test_disk_full_keeps_the_answer_on_screen_and_retries(
    small_disk: Path, tmp_path: Path
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    shutil.copy(FIXTURES / "tiny.yaml", decks / "tiny.yaml")
    store = Store.open(small_disk / "studyapp.db")
    settings = Settings(deck_dirs=(decks,), include_bundled=False)
    app = StudyApp(
        load_library=lambda: load_library([decks]),
        store=store,
        settings=settings,
        policy=Policy(SchedulerConfig(enable_fuzz=False)),
        clock=FakeClock(),
        rng=Random(7),
        watch_interval=None,
    )
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")  # the first deck
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            first = screen.session.current
            assert first is not None
            await pilot.press("space")
            store.checkpoint()  # an empty -wal: the next commit needs new blocks
            filler = fill(small_disk)
            await pilot.press("3")
            await pilot.pause()
            assert store.review_count() == 0
            assert screen.session.current is first, "the card stays on screen"
            assert screen.revealed, "with its answer shown"
            error = screen.query_one("#save-error")
            assert error.display
            said = str(error.render())
            assert "Not saved: the disk is full" in said
            assert "press 1-4 to try again" in said
            screen.retry_unsaved()  # the timer's retry: still full
            await pilot.pause()
            assert store.review_count() == 0 and screen.unsaved == (3, 4000)

            filler.unlink()  # room again: the next try saves it
            screen.retry_unsaved()
            await pilot.pause()
            assert store.review_count() == 1
            assert not error.display and screen.unsaved is None
            assert screen.session.current is not first
            [row] = store.history(first.key)
            assert (row["rating"], row["duration_ms"]) == (3, 4000)
    finally:
        store.close()
