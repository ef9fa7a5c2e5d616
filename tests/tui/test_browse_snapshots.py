"""Snapshots of the browse screen (``__snapshots__/test_browse_snapshots/``).

Update with ``python -m pytest tests/tui/test_browse_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.browse import BrowseScreen
from tests.conftest import FakeClock
from tests.tui.test_app import seed_history


def test_browse_detail_of_a_studied_card(
    app: StudyApp, store: Store, clock: FakeClock, snap_compare
) -> None:
    """The tiny deck at 100x30, the cloze card selected: its two prompts, the
    first a leech in review with stability, difficulty, retrievability and history."""
    seed_history(store, clock)
    assert snap_compare(app, terminal_size=(100, 30), press=["b", "down"])


def test_browse_search_80x24(app: StudyApp, snap_compare) -> None:
    """At 80x24, searching ``kind:basic``: two of four cards match."""

    async def search(pilot: Pilot[int]) -> None:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        pilot.app.screen.query_one("#browse-search", Input).value = "kind:basic"
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, BrowseScreen)
        screen.apply_search()  # what the pause in typing does
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=search)
