"""Pilot tests of exam plans: the form opened with ``p``, and the plan line on home."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from textual.widgets import Input, OptionList, Static

from studyapp.core.study.planning import ExamPlan
from studyapp.core.study.scheduling import CardState, State
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.plan import PlanScreen
from studyapp.tui.screens.review import ReviewScreen
from tests.conftest import FakeClock

SIZE = (100, 34)
AGONIST = ("tiny", "agonist", "main")


def shown(app: StudyApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


def seed_learnt(store: Store, clock: FakeClock) -> CardState:
    """``agonist`` learnt a month ago: FSRS has it due in 30 days."""
    now = clock()
    state = CardState(
        state=State.REVIEW,
        stability=40.0,
        difficulty=5.0,
        due=now + timedelta(days=30),
        last_review=now - timedelta(days=30),
        reps=3,
    )
    store.record_review(
        ReviewRecord(AGONIST, "basic", now - timedelta(days=30), 3, 1000, CardState(), state)
    )
    return state


async def test_the_form_saves_a_plan_and_home_shows_it(app: StudyApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app, "#deck-plan") == ""
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert not app.screen.query_one("#plan-list", OptionList).display  # no plans yet
        assert app.screen.query_one("#plan-target", Input).value == "0.90"
        app.screen.query_one("#plan-date", Input).value = "2026-12-15"
        app.screen.query_one("#plan-topics", Input).value = "basics, kinetics"
        app.screen.query_one("#plan-target", Input).value = "0.95"
        app.screen.query_one("#plan-date", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Saved plan 1: tiny (basics, kinetics) on 2026-12-15" in shown(app, "#plan-status")
        assert store.exam_plans() == [
            ExamPlan("tiny", date(2026, 12, 15), ("basics", "kinetics"), 0.95, 1, app.clock())
        ]
        plans = app.screen.query_one("#plan-list", OptionList)
        assert plans.display and plans.option_count == 1
        listed = str(plans.get_option_at_index(0).prompt)
        assert listed.startswith("1: 2026-12-15 Exam (basics, kinetics) in 22 d")
        assert (
            "predicted recall on the day 0% (target 95%) · extra today 0\n"
            "  0/3 cards at 95% on the day (too few reviews to know)"
        ) in listed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        line = shown(app, "#deck-plan")
        assert line.startswith("Exam (basics, kinetics) in 22 d")
        assert "predicted recall on the day 0% (target 95%)" in line
        assert "extra today 0" in line
        await pilot.press("down", "down")  # another deck: no plan line
        await pilot.pause()
        assert shown(app, "#deck-plan") == ""


async def test_bad_input_is_explained_and_nothing_saved(app: StudyApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        date_input = app.screen.query_one("#plan-date", Input)
        for exam, topics, target, message in (
            ("soon", "", "0.9", "Exam date 'soon' is not a date like 2026-12-15."),
            ("2026-11-01", "", "0.9", "The exam date 2026-11-01 is not after today"),
            ("2026-12-15", "nope", "0.9", "No topic nope in deck tiny"),
            ("2026-12-15", "", "high", "The target 'high' is not a number."),
            ("2026-12-15", "", "1.2", "The target retention must be from 0.5 to 0.99."),
        ):
            date_input.value = exam
            app.screen.query_one("#plan-topics", Input).value = topics
            app.screen.query_one("#plan-target", Input).value = target
            date_input.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert message in shown(app, "#plan-status")
        assert store.exam_plans() == []


async def test_a_plan_is_removed_from_the_form(app: StudyApp, store: Store) -> None:
    store.add_plan(ExamPlan("tiny", date(2026, 12, 15)), datetime(2026, 11, 20, tzinfo=UTC))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app, "#deck-plan").startswith("Exam in 22 d")
        await pilot.press("p")
        await pilot.pause()
        plans = app.screen.query_one("#plan-list", OptionList)
        assert plans.option_count == 1
        plans.focus()
        plans.highlighted = 0
        await pilot.press("delete")
        await pilot.pause()
        assert "Removed plan 1" in shown(app, "#plan-status")
        assert not plans.display
        assert store.exam_plans() == []
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app, "#deck-plan") == ""


async def test_home_counts_and_studies_a_pulled_review(
    app: StudyApp, store: Store, clock: FakeClock
) -> None:
    state = seed_learnt(store, clock)
    # The exam tomorrow: below 0.95 then, so the review is pulled in today. (Further off,
    # a student with no spaced reviews yet has it planned nearer the exam: the plan
    # assumes they may forget faster than predicted; see tests/unit/test_calibration.py.)
    store.add_plan(ExamPlan("tiny", date(2026, 11, 24), target=0.95), clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = shown(app, "#deck-plan")
        recall = app.policy.retrievability(state, datetime(2026, 11, 24, 4, tzinfo=UTC))
        assert f"predicted recall on the day {recall / 6:.0%}" in line  # 1 of 6 prompts studied
        assert "extra today 1" in line
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.session.counts().review == 1
        # The pulled review comes among the new cards (it is not due for FSRS).
        keys = []
        while screen.session.current is not None:
            keys.append(screen.session.current.key)
            screen.action_reveal_or_good()
            screen.action_rate(4)
            await pilot.pause()
        assert AGONIST in keys
        assert (
            store.card_state(AGONIST).due
            == app.policy.review(
                state, 4, store.card_state(AGONIST).last_review or clock(), fuzz=False
            ).due
        )


def test_a_study_session_plans_with_the_students_calibration(
    app: StudyApp, store: Store, clock: FakeClock
) -> None:
    """The TUI's sessions get the calibration from the student's spaced reviews, so the
    plan places reviews for the student it has (issue 19)."""
    state = seed_learnt(store, clock)
    later = clock() - timedelta(days=2)  # a spaced review 28 days after the first
    store.record_review(
        ReviewRecord(AGONIST, "basic", later, 3, 1000, state, replace(state, last_review=later))
    )
    assert app.new_session(app.library.decks).calibration is None  # no plan: none needed
    store.add_plan(ExamPlan("tiny", date(2026, 12, 13), target=0.95), clock())
    session = app.new_session(app.library.decks)
    assert session.calibration is not None and session.calibration.reviews == 1
    assert session.plan_effect is not None
    assert session.plan_effect.outcomes[0].calibration == session.calibration
