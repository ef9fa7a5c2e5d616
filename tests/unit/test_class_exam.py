"""Class exams on the device (issue 15): whether one can be started (taken,
closed, not yet open), its questions from the loaded decks in the published
order (a missing deck or card said clearly), the spec it runs on, the local
copy sync leaves, and the exam event's payload as the server's trigger reads
it (and as a device pulls it back)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp import cli
from studyapp.app.class_exams import EXAMS_KEY, cached_exams, pick
from studyapp.app.sync import from_event, to_event
from studyapp.core.deck.model import Deck
from studyapp.core.study.class_exam import (
    ClassExam,
    ClassExamRefused,
    class_exam_run,
    class_prompts,
    status,
)
from studyapp.core.study.exam import ExamMode, ExamSpec
from studyapp.core.study.quiz import Quizzer
from studyapp.core.study.scheduling import Policy
from studyapp.store import Store
from tests.conftest import FakeClock
from tests.unit import test_exam
from tests.unit.test_exam import OTHER, load, right

T0 = FakeClock()()

QUESTIONS = (("pharm", "wada", "main"), ("pharm", "gaba-enzyme", "main"), ("pharm", "trkb", "main"))


deck, quizzer = test_exam.deck, test_exam.quizzer  # the exam tests' fixtures


def midterm(**changes: object) -> ClassExam:
    fields: dict[str, object] = {
        "exam_id": 3,
        "title": "Midterm",
        "deck_id": "pharm",
        "topic": None,
        "time_limit_s": 900,
        "opens_at": T0 - timedelta(hours=1),
        "closes_at": T0 + timedelta(hours=1),
        "questions": QUESTIONS,
    } | changes
    return ClassExam(**fields)  # type: ignore[arg-type]


def test_when_a_class_exam_can_be_started() -> None:
    exam = midterm()
    assert exam.limit_text == "15 min"
    assert [midterm(time_limit_s=t).limit_text for t in (90, 45)] == ["1 min 30 s", "45 s"]
    assert status(exam, T0, taken=set()) is None
    assert status(exam, T0, taken={3}) == (
        "you have already taken the class exam 'Midterm' (a class exam is taken once)"
    )
    assert status(exam, exam.closes_at, taken=set()) == (
        f"the class exam 'Midterm' closed at {exam.closes_at.astimezone():%a %d %b %H:%M}"
    )
    early = exam.opens_at - timedelta(seconds=1)
    assert status(exam, early, taken=set()) == (
        f"the class exam 'Midterm' opens at {exam.opens_at.astimezone():%a %d %b %H:%M}"
    )


def test_the_published_questions_in_the_published_order(deck: Deck) -> None:
    other = load(OTHER, "other.yaml")
    prompts = class_prompts(midterm(), [other, deck])
    assert [p.key for p in prompts] == list(QUESTIONS)
    with pytest.raises(ClassExamRefused, match="needs the deck 'pharm', which is not loaded"):
        class_prompts(midterm(), [other])
    gone = midterm(questions=(*QUESTIONS, ("pharm", "removed", "main")))
    with pytest.raises(ClassExamRefused, match=r"asks cards this device does not have \(pharm/"):
        class_prompts(gone, [deck])


def test_the_run_is_timed_with_the_published_limit_and_names_the_exam(
    deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    run = class_exam_run(midterm(), [deck], set(), quizzer, clock)
    assert [item.prompt.key for item in run.items] == list(QUESTIONS)
    assert run.spec.mode is ExamMode.TIMED and run.spec.time_limit == timedelta(minutes=15)
    assert (run.spec.class_exam, run.spec.class_title) == (3, "Midterm")
    assert ExamSpec.from_json(run.spec.to_json()) == run.spec
    assert "class_exam" not in ExamSpec().to_json()  # a self-test's spec is as before
    assert run.spec.describe().startswith("class exam 'Midterm'; pharm")
    with pytest.raises(ClassExamRefused, match="already taken"):
        class_exam_run(midterm(), [deck], {3}, quizzer, clock)


def test_a_title_from_the_server_cannot_move_the_cursor() -> None:
    data = midterm().to_json() | {"title": "Mid\x1b[2Jterm\nfinal"}
    assert ClassExam.from_json(data).title == "Mid[2Jterm final"
    assert ClassExam.from_json(midterm().to_json()) == midterm()


def test_the_local_copy_and_the_exams_taken(
    store: Store, deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    assert cached_exams(store).exams == [] and pick(cached_exams(store), T0) is None
    later = midterm(exam_id=5, title="Final")
    data = {"read_at": T0.isoformat(), "exams": [midterm().to_json(), later.to_json()]}
    store.set_meta(EXAMS_KEY, json.dumps(data | {"sittings": [5]}))
    known = cached_exams(store)
    assert known.taken == {5} and known.read_at == T0
    assert pick(known, T0) == midterm() and pick(known, T0, 5) == later
    run = class_exam_run(midterm(), [deck], known.taken, quizzer, clock)
    run.answer(right(run))
    store.save_exam(run.submit())
    known = cached_exams(store)
    assert known.taken == {3, 5} and known.startable(T0) == []
    assert pick(known, T0) == midterm()  # none can be started: the first, to say why


def test_the_exam_event_carries_what_the_server_records_a_sitting_from(
    store: Store, deck: Deck, quizzer: Quizzer, clock: FakeClock, tmp_path: Path
) -> None:
    run = class_exam_run(midterm(), [deck], set(), quizzer, clock)
    run.answer(right(run))
    clock.advance(minutes=4)
    store.save_exam(run.submit())
    ((_, source, row),) = store.unpushed()
    event = to_event(source, row)
    assert event is not None
    event.check()
    payload = event.payload
    assert payload["class_exam"] == 3
    assert payload["started_at"] == "2026-11-23T12:00:00.000000+00:00"
    assert event.occurred_at == T0 + timedelta(minutes=4)
    first, second, _ = payload["answers"]
    assert (first["deck"], first["card"], first["sibling"]) == QUESTIONS[0]
    assert "deck_id" not in first and "card_id" not in first
    assert (first["correct"], first["score"], first["answer"]) == (1, 1.0, "False")
    assert (second["correct"], second["answer"]) == (0, None)
    # Pulled by another device: the same exam and answers, and taken there too.
    with Store.open(tmp_path / "desktop.db") as desktop:
        desktop.append_events([from_event(event)], _no_replay)
        assert desktop.class_exams_taken() == {3}
        (summary,) = desktop.exam_history()
        assert [r.key for r in desktop.exam_answers(summary.id)] == list(QUESTIONS)


def _no_replay() -> tuple[Policy, datetime | None]:
    raise AssertionError("an exam event replays no prompt")


def test_a_self_test_event_has_no_class_exam(
    store: Store, deck: Deck, quizzer: Quizzer, clock: FakeClock
) -> None:
    from studyapp.core.study.exam import ExamRun
    from studyapp.core.study.session import prompts_of

    run = ExamRun(ExamSpec(deck_ids=("pharm",)), prompts_of(deck)[:2], quizzer, clock)
    store.save_exam(run.submit())
    ((_, source, row),) = store.unpushed()
    event = to_event(source, row)
    assert event is not None and "class_exam" not in event.payload
    assert store.class_exams_taken() == set()


def test_the_commands_say_in_one_line_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert cli.main([*data, "class", "exams"]) == 1
    assert capsys.readouterr().err.startswith("studyapp: no class server: put `[sync] url = ")
    assert cli.main([*data, "exam", "--class", "4"]) == 1
    assert capsys.readouterr().err == (
        "studyapp: no class exam 4 is known on this device: `studyapp sync` reads the open ones"
        " from the class server (`studyapp class exams` lists them)\n"
    )
    with Store.open(tmp_path / "studyapp.db") as store:
        data_now = {"read_at": T0.isoformat(), "sittings": []}
        exam = midterm(opens_at=datetime.now(UTC), closes_at=datetime.now(UTC) + timedelta(hours=1))
        store.set_meta(EXAMS_KEY, json.dumps(data_now | {"exams": [exam.to_json()]}))
    assert cli.main([*data, "exam", "--class", "3"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("studyapp: the class exam 'Midterm' needs the deck 'pharm', which is not")
