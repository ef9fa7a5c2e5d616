"""Snapshot tests: one SVG per screen, in ``__snapshots__/test_snapshots/``.

Update after an intended visual change with
``python -m pytest tests/tui/test_snapshots.py --snapshot-update`` and look
at the changed SVGs before committing them. The fixtures pin everything that
could vary: the clock, FSRS fuzz (off), the time zone (UTC), time on a card
(fake monotonic clock) and the deck paths (``decks/...``, relative).
"""

from __future__ import annotations

from textual.pilot import Pilot

from studyapp.tui.app import StudyApp
from studyapp.tui.screens.review import ReviewScreen

SIZE = (100, 30)


async def finish_first_deck(pilot: Pilot[int]) -> None:
    """Study the first deck to the end: Again once, then Easy for everything."""
    await pilot.pause()
    await pilot.press("enter")
    ratings = iter([1, 4, 4, 4, 4])
    while isinstance(screen := pilot.app.screen, ReviewScreen):
        screen.action_reveal_or_good()
        screen.action_rate(next(ratings))
        await pilot.pause()


def test_home_with_a_broken_deck(app: StudyApp, snap_compare) -> None:
    """Three decks, the second one broken; the first is selected and described."""
    assert snap_compare(app, terminal_size=SIZE)


def test_home_broken_deck_detail_80x24(app: StudyApp, snap_compare) -> None:
    """At 80x24, the broken deck selected: its detail shows path:line:col: error."""
    assert snap_compare(app, terminal_size=(80, 24), press=["down"])


def test_review_before_reveal(app: StudyApp, snap_compare) -> None:
    """The first card of the tiny deck: title, counts, topic, citation, prompt."""
    assert snap_compare(app, terminal_size=SIZE, press=["enter"])


def test_review_cloze_after_reveal(app: StudyApp, snap_compare) -> None:
    """The cloze card revealed: the deletion is highlighted, rating bar with intervals."""
    assert snap_compare(app, terminal_size=SIZE, press=["enter", "space", "3", "space"])


def test_summary(app: StudyApp, snap_compare) -> None:
    """After finishing the deck: 5 studied, 1 Again (20%), 20s, next due date."""
    assert snap_compare(app, terminal_size=SIZE, run_before=finish_first_deck)


def test_help_modal(app: StudyApp, snap_compare) -> None:
    """The keys modal over the review screen."""
    assert snap_compare(app, terminal_size=SIZE, press=["enter", "question_mark"])
