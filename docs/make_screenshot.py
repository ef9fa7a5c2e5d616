"""Regenerate docs/review-screen.svg from the app itself (bundled deck, fixed clock).

python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from studyapp.app.config import Paths, load_settings
from studyapp.app.services import load_decks
from studyapp.core.study.scheduling import Policy, SchedulerConfig
from studyapp.store import Store
from studyapp.tui.app import StudyApp

OUT = Path(__file__).with_name("review-screen.svg")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp), Path(tmp))
        settings = load_settings(paths, env={})
        store = Store.open(paths.database)
        app = StudyApp(
            load_library=lambda: load_decks(paths, settings),
            store=store,
            settings=settings,
            policy=Policy(SchedulerConfig(enable_fuzz=False)),
            clock=lambda: datetime(2026, 11, 23, 12, tzinfo=UTC),
        )
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")
            for _ in range(3):  # a few cards in, to show a cloze card revealed
                await pilot.press("space", "3")
            await pilot.press("space")
            await pilot.pause()
            app.save_screenshot(str(OUT))
        store.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
