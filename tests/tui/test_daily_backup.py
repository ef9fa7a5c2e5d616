"""The study day's backup: taken after the home screen is up, in a worker,
once per study day (the injected clock decides the day)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from random import Random

from studyapp.app.config import Settings
from studyapp.core.library import load_library
from studyapp.core.study.scheduling import Policy, SchedulerConfig
from studyapp.store import Store
from studyapp.store.backup import list_backups
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.home import HomeScreen
from tests.conftest import FakeClock


def _app(database: Path, decks: Path, clock: FakeClock) -> StudyApp:
    store = Store.open(database)
    return StudyApp(
        load_library=lambda: load_library([decks]),
        store=store,
        settings=Settings(deck_dirs=(decks,), include_bundled=False),
        policy=Policy(SchedulerConfig(enable_fuzz=False)),
        clock=clock,
        rng=Random(7),
        watch_interval=None,
        backups=database,
    )


async def test_one_backup_per_study_day_after_the_first_screen(
    tmp_path: Path, deck_dir: Path, clock: FakeClock
) -> None:
    database = tmp_path / "data" / "studyapp.db"
    for day in range(3):  # two starts on each of days 0 and 1 ... and one on day 2
        for _ in range(2 if day < 2 else 1):
            app = _app(database, deck_dir, clock)
            try:
                async with app.run_test(size=(80, 24)) as pilot:
                    assert isinstance(app.screen, HomeScreen)
                    for _ in range(500):  # it starts after the first refresh
                        if app.backup_worker is not None:
                            break
                        await pilot.pause()
                    assert app.backup_worker is not None
                    await app.backup_worker.wait()
            finally:
                app.store.close()
        clock.advance(days=1)
    names = sorted(b.path.name for b in list_backups(database))
    first = clock.now - timedelta(days=3)
    assert names == [f"daily-{(first + timedelta(days=n)).date()}.db" for n in range(3)]
    assert all(b.ok for b in list_backups(database))
