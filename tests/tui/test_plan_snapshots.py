"""Snapshots of exam plans: the plan form and the plan line on home
(``__snapshots__/test_plan_snapshots/``; see ``test_snapshots.py`` for updating)."""

from __future__ import annotations

from datetime import date

from studyapp.core.study.planning import ExamPlan
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from tests.conftest import FakeClock

SIZE = (100, 34)


def test_plan_form_with_a_plan(app: StudyApp, store: Store, clock: FakeClock, snap_compare) -> None:
    """``p`` on the tiny deck: its plan listed, the date, topics and target fields."""
    store.add_plan(ExamPlan("tiny", date(2026, 12, 15), ("basics",), 0.95), clock())
    assert snap_compare(app, terminal_size=SIZE, press=["p"])


def test_home_shows_the_plan_at_80x24(
    app: StudyApp, store: Store, clock: FakeClock, snap_compare
) -> None:
    """The selected deck's plan: days left, predicted recall on the day, extra today."""
    store.add_plan(ExamPlan("tiny", date(2026, 12, 15)), clock())
    assert snap_compare(app, terminal_size=(80, 24))
