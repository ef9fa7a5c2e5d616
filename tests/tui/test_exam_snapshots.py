"""Snapshots of the exam screens, in ``__snapshots__/test_exam_snapshots/``: the
setup form, a timed question with its countdown and question map, the results.

Update after an intended visual change with
``python -m pytest tests/tui/test_exam_snapshots.py --snapshot-update`` and look
at the changed SVGs. The clock is a ``FakeClock`` and the questions are drawn
with a seeded ``Random``, so every run shows the same screens.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from studyapp.core.study.exam import ExamSpec
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from tests.conftest import FakeClock
from tests.tui.test_exam import answer, exam_app

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_exam_setup(store: Store, clock: FakeClock, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """``x`` on the deck list: decks, topics, pool, mode, count, time limit, Start."""
    assert snap_compare(exam_app(store, clock), terminal_size=SIZE, press=["x"])


def test_exam_question_with_countdown(store: Store, clock: FakeClock, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Question 2 of 4 after 83 s of 15 min: the first answered, the second flagged."""
    spec = ExamSpec(deck_ids=("exam",), count=4, time_limit=timedelta(minutes=15))

    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.pause()
        await answer(pilot, pilot.app, right=True)  # type: ignore[arg-type]
        clock.advance(seconds=83)
        await pilot.press("ctrl+n", "ctrl+f")
        await pilot.pause()

    assert snap_compare(exam_app(store, clock, spec), terminal_size=SIZE, run_before=run_before)


def test_exam_results(store: Store, clock: FakeClock, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Three questions, the second wrong: score, topics, the first answers and explanations."""
    spec = ExamSpec(deck_ids=("exam",), count=3, time_limit=timedelta(minutes=5))

    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.pause()
        for right in (True, False, True):
            await answer(pilot, pilot.app, right=right)  # type: ignore[arg-type]
            clock.advance(seconds=12)
            await pilot.press("ctrl+n")
        await pilot.press("ctrl+s", "y")
        await pilot.pause()

    app: StudyApp = exam_app(store, clock, spec)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
