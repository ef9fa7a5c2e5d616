"""A student takes a class exam in the app (issue 15), driven with Pilot: home
shows the open exam once a sync has ended, ``e`` starts it in the exam screen
on the published questions in the published order with the published time
limit; the saved exam becomes an event the server records as a sitting, and
is synced at once; a second start, and a start after it closed, are refused
with the reason; an exam that closes while it is being taken runs its time.

The sync is injected (``syncer``) and leaves the class exams in the store as
a real sync does (``studyapp.app.class_exams``: the same JSON); the server's
side is tested against a real server in tests/server/test_class_exams.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from studyapp.app.class_exams import EXAMS_KEY
from studyapp.app.sync import to_event
from studyapp.core.study.class_exam import ClassExam
from studyapp.store import Store
from studyapp.store.db import to_iso
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.exam_dialogs import ChoiceDialog
from studyapp.tui.screens.exam_results import ExamResultsScreen
from studyapp.tui.screens.home import HomeScreen
from tests.conftest import FakeClock
from tests.tui.test_exam import answer, exam_app, exam_screen, text_of, wait_for

QUESTIONS = (
    ("exam", "schedule", "main"),
    ("exam", "gaba-enzyme", "main"),
    ("exam", "wada", "main"),
)


def published(clock: FakeClock, **changes: object) -> ClassExam:
    """Exam 4, 'Midterm': three questions of the exam deck (not in deck order),
    10 minutes, open from an hour ago for two hours."""
    fields: dict[str, object] = {
        "exam_id": 4,
        "title": "Midterm",
        "deck_id": "exam",
        "topic": None,
        "time_limit_s": 600,
        "opens_at": clock() - timedelta(hours=1),
        "closes_at": clock() + timedelta(hours=1),
        "questions": QUESTIONS,
    } | changes
    return ClassExam(**fields)  # type: ignore[arg-type]


def leave_exams(
    store: Store, clock: FakeClock, *exams: ClassExam, sat: tuple[int, ...] = ()
) -> None:
    """What a sync leaves: the open exams and the student's counted sittings."""
    data = {"read_at": clock().isoformat(), "exams": [e.to_json() for e in exams]}
    store.set_meta(EXAMS_KEY, json.dumps(data | {"sittings": list(sat)}))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def syncs() -> list[int]:
    return []


@pytest.fixture
def make(in_tmp: Path, store: Store, clock: FakeClock, syncs: list[int]) -> Callable[..., StudyApp]:
    def build() -> StudyApp:
        app = exam_app(store, clock)

        def syncer() -> str | None:
            syncs.append(1)
            store.set_meta("last_sync", to_iso(clock()) or "")
            return None

        app.syncer = syncer
        return app

    return build


async def synced(app: StudyApp, pilot: Pilot[int]) -> None:
    """Let the start-up sync end (it leaves the class exams for home; it starts
    after the first refresh, so waiting for the workers alone could be too soon)."""
    await wait_for(pilot, lambda: app.class_exams is not None)
    await app.workers.wait_for_complete()
    await pilot.pause()


def class_line(app: StudyApp) -> Static:
    return app.screen.query_one("#class-exam", Static)


async def refused(pilot: Pilot[int], app: StudyApp) -> str:
    """Press e on home; the notice it gives (the exam does not start)."""
    before = len(app._notifications)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    return str(list(app._notifications)[before].message)


async def test_home_shows_the_open_exam_and_e_takes_it_once(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock, syncs: list[int]
) -> None:
    leave_exams(store, clock, published(clock))
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await synced(app, pilot)
        assert class_line(app).display
        shown = text_of(app, "#class-exam")
        assert "Class exam open (e: take it): Midterm · 3 questions · 10 min" in shown
        assert "closes Mon 23 Nov 13:00" in shown
        await pilot.press("e")
        await pilot.pause()
        screen = exam_screen(app)
        assert [item.prompt.key for item in screen.exam.items] == list(QUESTIONS)
        assert screen.exam.spec.time_limit == timedelta(minutes=10)
        assert "Class exam · Question 1 of 3" in text_of(app, "#exam-title")
        assert "Time left 10:00" in text_of(app, "#exam-clock")
        # Leaving a class exam submits it: it cannot be discarded and started again.
        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceDialog)
        assert [key for key, _ in app.screen.choices] == ["y", "n"]
        await pilot.press("n")
        await answer(pilot, app, right=True)
        await pilot.press("n")
        clock.advance(minutes=3)
        await answer(pilot, app, right=False)
        await pilot.press("ctrl+s", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, ExamResultsScreen))
        await app.workers.wait_for_complete()
        assert len(syncs) == 2  # at start-up, and at once after the exam
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not class_line(app).display  # taken
        message = await refused(pilot, app)
        assert message == (
            "you have already taken the class exam 'Midterm' (a class exam is taken once)"
        )
    (saved,) = store.exam_history()
    assert saved.spec.class_exam == 4 and saved.spec.class_title == "Midterm"
    assert store.class_exams_taken() == {4}
    # The event the server reads (migration 0006's trigger): class_exam, started_at,
    # and each answer with deck, card, sibling, correct, score and the option picked.
    ((_, source, row),) = [entry for entry in store.unpushed() if entry[1] == "exam"]
    event = to_event(source, row)
    assert event is not None and event.kind == "exam"
    payload = event.payload
    assert payload["class_exam"] == 4
    assert payload["started_at"] == "2026-11-23T12:00:00.000000+00:00"
    assert event.occurred_at == clock()
    answers = payload["answers"]
    assert [(a["deck"], a["card"], a["sibling"]) for a in answers] == list(QUESTIONS)
    assert [a["correct"] for a in answers] == [1, 0, 0]
    assert [a["score"] for a in answers] == [1.0, 0.0, 0.0]
    assert answers[0]["answer"] and answers[1]["answer"] and answers[2]["answer"] is None


async def test_a_start_after_the_exam_closed_is_refused(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    leave_exams(store, clock, published(clock))
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await synced(app, pilot)
        assert class_line(app).display
        clock.advance(hours=1)  # closes_at: too late
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.refresh_rows()  # what home does every minute
        assert not class_line(app).display
        message = await refused(pilot, app)
        assert message == "the class exam 'Midterm' closed at Mon 23 Nov 13:00"
    assert store.exam_history() == []


async def test_an_exam_counted_by_the_server_is_not_shown_nor_started(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    """Taken on another device of the student's: the server's sitting counts."""
    leave_exams(store, clock, published(clock), sat=(4,))
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await synced(app, pilot)
        assert not class_line(app).display
        assert "already taken" in await refused(pilot, app)


async def test_an_exam_that_closes_while_it_is_taken_runs_its_time_and_is_kept(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    """Started 2 minutes before it closes, submitted 5 minutes later: saved, with
    the start (before closing) the server counts the sitting by."""
    exam = published(clock, closes_at=clock() + timedelta(minutes=2))
    leave_exams(store, clock, exam)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await synced(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        clock.advance(minutes=5)
        await wait_for(pilot, lambda: "Time left 05:00" in text_of(app, "#exam-clock"))
        await answer(pilot, app, right=True)
        await pilot.press("ctrl+s", "y")
        await wait_for(pilot, lambda: isinstance(app.screen, ExamResultsScreen))
    (saved,) = store.exam_history()
    assert saved.started_at < exam.closes_at < saved.finished_at
    assert saved.finished_at - saved.started_at == timedelta(minutes=5)


async def test_a_missing_class_deck_is_said_clearly(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    leave_exams(
        store, clock, published(clock, deck_id="pharm101", questions=(("pharm101", "c1", "main"),))
    )
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await synced(app, pilot)
        assert class_line(app).display
        message = await refused(pilot, app)
        assert message.startswith(
            "the class exam 'Midterm' needs the deck 'pharm101', which is not loaded: sync"
        )


async def test_no_class_server_no_class_exam(in_tmp: Path, store: Store, clock: FakeClock) -> None:
    leave_exams(store, clock, published(clock))
    app = exam_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not class_line(app).display
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_quitting_during_a_class_exam_submits_it(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    """ctrl+q while taking it: the exam is saved (the answer on screen counts),
    so it cannot be started again; a self-test left this way is not saved."""
    leave_exams(store, clock, published(clock))
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await synced(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await answer(pilot, app, right=True)
        await pilot.press("ctrl+q")
        await pilot.pause()
    (saved,) = store.exam_history()
    assert saved.spec.class_exam == 4 and saved.score == 1.0
    assert store.class_exams_taken() == {4}
