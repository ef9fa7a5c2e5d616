"""The exam and cram screens, driven with Pilot: a timed exam that submits itself
when the (fake) clock runs out, navigation and flags, submitting early, the
results, "review my misses", the history, the setup form, tutor mode, and cram
from the deck list. Exams never touch a schedule; cram saves nothing."""

from __future__ import annotations

import io
import itertools
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from random import Random

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static

from studyapp.app.config import Settings
from studyapp.core.deck.evidence import evidence_line
from studyapp.core.kinds.grading import Interaction
from studyapp.core.library import load_library
from studyapp.core.study.exam import ExamMode, ExamRun, ExamSpec
from studyapp.core.study.scheduling import Policy, SchedulerConfig
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.cram_setup import CramTopicScreen
from studyapp.tui.screens.exam import EXAM_NOTE, ExamScreen
from studyapp.tui.screens.exam_dialogs import ChoiceDialog, GoToDialog
from studyapp.tui.screens.exam_history import ExamHistoryScreen
from studyapp.tui.screens.exam_results import ExamResultsScreen
from studyapp.tui.screens.exam_setup import ExamSetupScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.screens.summary import SummaryScreen
from studyapp.tui.widgets.answers.text_entry import TextAnswer
from tests.conftest import FakeClock

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "exam.yaml"
SIZE = (100, 34)


def exam_app(
    store: Store,
    clock: FakeClock,
    spec: ExamSpec | None = None,
    seed: int = 7,
    fixture: Path = FIXTURE,
) -> StudyApp:
    """The app on ``exam-decks/exam.yaml`` (or ``fixture``; relative to the working
    directory), started in an exam on ``spec`` when one is given."""
    folder = Path(f"{fixture.stem}-decks")
    if not folder.exists():
        folder.mkdir()
        shutil.copy(fixture, folder / fixture.name)
    settings = Settings(deck_dirs=(folder,), include_bundled=False)
    return StudyApp(
        load_library=lambda: load_library([folder]),
        store=store,
        settings=settings,
        policy=Policy(SchedulerConfig(enable_fuzz=False)),
        clock=clock,
        rng=Random(seed),
        exam=spec,
    )


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def make(in_tmp: Path, store: Store, clock: FakeClock) -> Callable[..., StudyApp]:
    def build(spec: ExamSpec | None = None, seed: int = 7) -> StudyApp:
        return exam_app(store, clock, spec, seed)

    return build


def text_of(app: StudyApp, selector: str) -> str:
    """The text a ``Static`` shows (Text, Table or Group), as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector, Static).content)
    return console.export_text()


def words_of(app: StudyApp, selector: str) -> str:
    """``text_of`` with runs of spaces as one (the key bar packs itself when narrow)."""
    return " ".join(text_of(app, selector).split())


def exam_screen(app: StudyApp) -> ExamScreen:
    assert isinstance(app.screen, ExamScreen), app.screen
    return app.screen


def rows(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def wait_for(pilot: Pilot[int], done: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run (its 1 s countdown timer too) until ``done()``.

    The timeout is generous: it only ends a hung test, and returns as soon as
    ``done()`` holds, so a busy machine slows the test down instead of failing it.
    """
    for _ in range(int(timeout / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting")


async def answer(pilot: Pilot[int], app: StudyApp, right: bool) -> None:
    """Answer the current question right or wrong with the keyboard."""
    exam = exam_screen(app).exam
    item = exam.current
    if item.question is None:
        await pilot.press("space", "r" if right else "w")
        return
    grade = app.quizzer.grade
    question = item.question
    if item.interaction in (Interaction.CHOICE, Interaction.TRUE_FALSE):
        index = next(
            i
            for i in range(len(question.options))
            if grade(item.prompt, question, i).correct == right
        )
        await pilot.press("123456789"[index])
    elif item.interaction is Interaction.TYPED:
        await pilot.press("enter")  # into the text field
        widget = next(w for w in exam_screen(app).query(TextAnswer) if w.display)
        entry = widget.query_one(Input)
        assert app.focused is entry
        entry.value = grade(item.prompt, question, "").expected if right else "no idea"
        await pilot.press("enter")
    else:
        raise AssertionError(f"the exam deck has no {item.interaction} card")
    await pilot.pause()


def spec(**changes: object) -> ExamSpec:
    """A timed exam of four questions on the exam deck, with ``changes``."""
    return replace(ExamSpec(deck_ids=("exam",), count=4), **changes)  # type: ignore[arg-type]


# -- a whole timed exam ---------------------------------------------------------------


async def test_a_timed_exam_counts_down_and_submits_itself_at_zero(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    app = make(spec(time_limit=timedelta(minutes=2)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        assert "Time left 02:00" in text_of(app, "#exam-clock")
        assert EXAM_NOTE in text_of(app, "#exam-note")
        assert "Question 1 of 4" in text_of(app, "#exam-title")
        await answer(pilot, app, right=True)
        assert screen.exam.items[0].answered and screen.exam.items[0].grade is None
        assert "Answer saved" in text_of(app, "#exam-hint") or screen.exam.items[0].is_flip
        await pilot.press("ctrl+n")
        clock.advance(seconds=61)  # the countdown reads the app's clock every second
        await wait_for(pilot, lambda: "Time left 00:59" in text_of(app, "#exam-clock"))
        clock.advance(seconds=60)
        await wait_for(pilot, lambda: isinstance(app.screen, ExamResultsScreen))
        assert "Time ran out: the exam submitted itself." in text_of(app, "#results-title")
    (exam,) = store.exam_history()
    assert exam.total == 4 and exam.score == 1.0
    answers = store.exam_answers(exam.id)
    assert [row.correct for row in answers] == [True, False, False, False]
    assert [row.answer is None for row in answers] == [False, True, True, True]
    assert [row.time_ms for row in answers] == [0, 120_000, 0, 0]  # nothing after zero
    assert rows(store, "review_log") == rows(store, "card_state") == 0


async def test_time_running_out_under_a_dialog_still_shows_the_results(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    app = make(spec(time_limit=timedelta(seconds=30)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ChoiceDialog)
        clock.advance(seconds=31)
        await wait_for(pilot, lambda: isinstance(app.screen, ExamResultsScreen))
        assert len(app.screen_stack) == 3  # the default screen, home, results
    assert len(store.exam_history()) == 1


# -- navigation, flags, typing --------------------------------------------------------


async def test_navigation_flags_and_go_to(make: Callable[..., StudyApp]) -> None:
    # Topics without typed cards: no text field takes the letters.
    app = make(spec(topics=("receptors", "regulatory")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = exam_screen(app).exam
        assert len(exam.items) == 4
        for key, index in (("n", 1), ("right", 2), ("p", 1), ("left", 0), ("left", 0)):
            await pilot.press(key)
            assert exam.index == index, key
        await pilot.press("f")
        assert exam.items[0].flagged
        assert "⚑ flagged" in text_of(app, "#exam-meta")
        assert "1 ⚑" in text_of(app, "#exam-map")
        await pilot.press("f")
        assert not exam.items[0].flagged
        await pilot.press("g")
        assert isinstance(app.screen, GoToDialog)
        await pilot.press("9", "enter")  # out of range: asked again
        assert isinstance(app.screen, GoToDialog)
        app.screen.query_one(Input).value = "3"
        await pilot.press("enter")
        await pilot.pause()
        assert exam.index == 2 and isinstance(app.screen, ExamScreen)
        await pilot.press("g", "escape")
        assert exam.index == 2 and isinstance(app.screen, ExamScreen)


async def test_typing_keeps_letters_and_control_keys_move_on(
    make: Callable[..., StudyApp],
) -> None:
    app = make(spec(count=8))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        exam = screen.exam
        typed = next(i for i in exam.items if i.interaction is Interaction.TYPED)
        exam.go_to(typed.position)
        screen.show_item()
        await pilot.pause()
        assert not isinstance(app.focused, Input)  # the field waits for enter: n, p move
        assert "enter: type your answer" in text_of(app, "#exam-hint")
        assert "enter Type answer n/p Next/Prev" in words_of(app, "#exam-keys")
        await pilot.press("enter")
        assert isinstance(app.focused, Input)
        assert "esc leaves the field" in text_of(app, "#exam-hint")
        assert "ctrl+n/p Next/Prev" in words_of(app, "#exam-keys")
        await pilot.press("n", "p", "f")  # letters of the answer, not keys
        assert exam.index == typed.position and not typed.flagged
        assert app.focused.value == "npf"
        await pilot.press("ctrl+f")
        assert typed.flagged
        await pilot.press("ctrl+n")  # leaving a typed answer saves it (timed mode)
        assert exam.index == typed.position + 1 and typed.response == "npf"
        await pilot.press("ctrl+p")
        assert exam.index == typed.position and not isinstance(app.focused, Input)
        await pilot.press("enter", "escape")
        assert not isinstance(app.focused, Input)
        await pilot.press("enter")  # back into the answer, to change it
        assert isinstance(app.focused, Input)
        app.focused.value = "TrkB"
        await pilot.press("enter")
        assert typed.response == "TrkB" and not isinstance(app.focused, Input)


async def test_submitting_early_asks_first(make: Callable[..., StudyApp], store: Store) -> None:
    app = make(spec(count=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer(pilot, app, right=False)
        await pilot.press("ctrl+f", "ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert dialog.message == "Submit the exam now? (2 unanswered, 1 flagged)"
        await pilot.press("n")
        assert isinstance(app.screen, ExamScreen)
        assert store.exam_history() == []
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultsScreen)
    (exam,) = store.exam_history()
    assert [row.flagged for row in store.exam_answers(exam.id)] == [True, False, False]


async def test_leaving_can_discard_the_exam(make: Callable[..., StudyApp], store: Store) -> None:
    app = make(spec(count=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.set_focus(None)
        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")  # keep going
        assert isinstance(app.screen, ExamScreen)
        app.set_focus(None)
        await pilot.press("escape", "d")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert store.exam_history() == []


# -- results, review my misses, history -----------------------------------------------


async def finish(pilot: Pilot[int], app: StudyApp, verdicts: list[bool]) -> ExamRun:
    """Answer each question as ``verdicts`` says (10 s each), then submit."""
    screen = exam_screen(app)
    for verdict in verdicts:
        await answer(pilot, app, right=verdict)
        app.clock.advance(seconds=10)  # type: ignore[attr-defined]
        await pilot.press("ctrl+n")
    await pilot.press("ctrl+s", "y")
    await pilot.pause()
    assert isinstance(app.screen, ExamResultsScreen)
    return screen.exam


async def test_results_show_score_topics_times_answers_and_explanations(
    make: Callable[..., StudyApp],
) -> None:
    app = make(spec(count=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = await finish(pilot, app, [True, False, True])
        assert exam.result is not None
        score = text_of(app, "#results-score")
        assert "Score 2 / 3  (67%)" in score and "2 of 3 fully right" in score
        assert "Time 30s  (10s a question)" in score
        assert EXAM_NOTE in text_of(app, "#results-note")
        topics = text_of(app, "#results-topics")
        for topic in exam.result.by_topic():
            assert topic.topic in topics
        review = text_of(app, "#results-review")
        wrong = exam.result.items[1]
        assert "✗ 2." in review and "· 10s" in review
        assert f"Correct answer: {wrong.expected}" in review
        assert review.count("Your answer:") == 3
        assert f"Why: {wrong.explanation}" in review
        for item in exam.result.items:  # the level, on its own line under the explanation
            if item.evidence:
                assert f"\n   Evidence: {evidence_line(item.evidence)}" in review
        assert any(item.evidence for item in exam.result.items)


async def test_review_my_misses_studies_the_missed_cards_and_changes_their_schedule(
    make: Callable[..., StudyApp], store: Store
) -> None:
    app = make(spec(count=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = await finish(pilot, app, [False, True, False])
        assert exam.result is not None
        missed = exam.result.missed
        assert len(missed) == 2 and rows(store, "review_log") == 0
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.session.focus == tuple(missed)
        studied = []
        while isinstance(app.screen, ReviewScreen):
            current = app.screen.session.current
            assert current is not None
            studied.append(current.key)
            question = app.screen.question
            if question is None:
                await pilot.press("space")
            elif question.options:  # choice or true/false
                await pilot.press("1")
            else:
                app.screen.query_one(Input).value = "no idea"
                await pilot.press("enter")
            await pilot.press("1")  # Again
            await pilot.pause()
        assert studied == missed
        assert isinstance(app.screen, SummaryScreen)
        assert "enter Back to decks" in words_of(app, "KeyBar")
        await pilot.press("enter")  # "Back to decks": the deck list, not the results
        assert isinstance(app.screen, HomeScreen)
    logged = store.conn.execute("SELECT deck_id, card_id, sibling, rating FROM review_log")
    assert [(row[:3], row[3]) for row in logged] == [(key, 1) for key in missed]
    assert rows(store, "card_state") == 2


async def test_history_lists_past_exams_and_their_answers(
    make: Callable[..., StudyApp], store: Store
) -> None:
    app = make(spec(count=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = await finish(pilot, app, [True, False])
        await pilot.press("h")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ExamHistoryScreen) and "✓" in text_of(app, "#history-detail")
            ),
        )
        table = app.screen.query_one("#history-table")
        assert table.row_count == 1  # type: ignore[attr-defined]
        detail = text_of(app, "#history-detail")
        assert "✓" in detail and "✗" in detail and "(not answered)" not in detail
        assert exam.items[0].prompt.card.topic in detail
        await pilot.press("escape")
        assert isinstance(app.screen, ExamResultsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


# -- setup, tutor mode, cram ------------------------------------------------------------


async def open_setup(pilot: Pilot[int], app: StudyApp) -> ExamSetupScreen:
    """``x`` on the deck list, once the setup has counted the questions available."""
    await pilot.pause()
    await pilot.press("x")
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, ExamSetupScreen) and "available" in text_of(app, "#setup-status")
        ),
    )
    screen = app.screen
    assert isinstance(screen, ExamSetupScreen)
    return screen


async def test_exam_setup_from_the_deck_list(make: Callable[..., StudyApp]) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot, app)
        assert EXAM_NOTE in text_of(app, "#setup-note")
        assert "8 questions available" in text_of(app, "#setup-status")
        topics = screen.query_one("#setup-topics", SelectionList)
        topics.focus()
        await pilot.press("space")  # tick the first topic: kinetics
        assert topics.selected == ["kinetics"]
        assert "2 questions available" in text_of(app, "#setup-status")
        screen.query_one("#setup-time", Input).value = "15"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ExamSetupScreen)  # not a duration: said so
        screen.query_one("#setup-time", Input).value = "90s"
        screen.query_one("#setup-count", Input).value = "1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        exam = exam_screen(app).exam
        assert exam.spec == ExamSpec(
            deck_ids=("exam",),
            topics=("kinetics",),
            count=1,
            time_limit=timedelta(seconds=90),
            mode=ExamMode.TIMED,
        )
        assert len(exam.items) == 1 and exam.current.prompt.card.topic == "kinetics"


async def test_exam_setup_selects_by_evidence_level_and_fits_80x24(
    make: Callable[..., StudyApp],
) -> None:
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_setup(pilot, app)
        levels = screen.query_one("#setup-evidence", SelectionList)
        # only the levels the deck's cards use, in the documented order
        assert [levels.get_option_at_index(i).value for i in range(levels.option_count)] == [
            "animal",
            "in-vitro",
            "regulatory",
        ]
        # every field is on screen and none overlaps the next
        ids = ["#setup-decks", "#setup-topics", "#setup-evidence-label", "#setup-evidence"]
        regions = [screen.query_one(name).region for name in ids]
        assert all(r.height > 0 and r.bottom <= 23 for r in regions), regions
        assert all(a.bottom <= b.y for a, b in itertools.pairwise(regions))
        assert screen.query_one("#setup-topics").region.height >= 3
        assert screen.query_one("#setup-start").region.bottom <= 23
        levels.focus()
        await pilot.press("down", "space")  # in-vitro
        assert levels.selected == ["in-vitro"]
        assert "1 question available" in text_of(app, "#setup-status")
        await pilot.press("down", "space")  # and regulatory
        assert "3 questions available" in text_of(app, "#setup-status")
        await pilot.press("ctrl+s")
        await pilot.pause()
        exam = exam_screen(app).exam
        assert exam.spec.evidence == ("in-vitro", "regulatory")
        assert {item.prompt.card.id for item in exam.items} == {"gaba-enzyme", "wada", "schedule"}


async def test_exam_setup_hides_the_evidence_list_when_no_card_has_a_level(
    make: Callable[..., StudyApp],
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot, app)
        assert screen.query_one("#setup-evidence").display
        decks = screen.query_one("#setup-decks", SelectionList)
        decks.deselect_all()  # no deck ticked: no card, no level
        await pilot.pause()
        assert not screen.query_one("#setup-evidence").display
        assert not screen.query_one("#setup-evidence-label").display


async def test_tutor_mode_grades_and_explains_each_answer_and_locks_it(
    make: Callable[..., StudyApp], store: Store
) -> None:
    app = make(spec(count=8, mode=ExamMode.TUTOR))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = exam_screen(app)
        exam = screen.exam
        choice = next(i for i in exam.items if i.prompt.card.id == "gaba-enzyme")
        exam.go_to(choice.position)
        screen.show_item()
        await pilot.pause()
        await answer(pilot, app, right=False)
        assert choice.grade is not None and not choice.grade.correct
        back = text_of(app, "#exam-back")
        assert "Wrong" in back and "Expected: GABA transaminase" in back
        assert "Why: Less breakdown" in text_of(app, "#exam-explain")
        assert "✗" in text_of(app, "#exam-map") and "Graded." in text_of(app, "#exam-hint")
        right = "123"[choice.question.options.index("GABA transaminase")]  # type: ignore[union-attr]
        await pilot.press(right)  # locked: no change
        assert choice.response != choice.question.options.index("GABA transaminase")  # type: ignore[union-attr]
        assert rows(store, "review_log") == 0


async def test_cram_from_the_deck_list_saves_nothing(
    make: Callable[..., StudyApp], store: Store
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.screen, CramTopicScreen)
        await pilot.press("down", "enter")  # the first topic: kinetics (2 cards)
        await pilot.pause()
        screen = exam_screen(app)
        assert screen.cram and screen.exam.tutor and len(screen.exam.items) == 2
        assert "Cram" in text_of(app, "#exam-title")
        assert "does not change your review schedule" in text_of(app, "#exam-note")
        await answer(pilot, app, right=False)
        assert screen.exam.current.grade is not None  # graded at once
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultsScreen)
        assert "Cram results" in text_of(app, "#results-title")
        await pilot.press("m")  # no "review my misses" after cram
        assert isinstance(app.screen, ExamResultsScreen)
    assert store.exam_history() == []
    assert rows(store, "review_log") == rows(store, "card_state") == 0


async def test_the_exam_command_with_nothing_to_ask_stays_home(
    make: Callable[..., StudyApp],
) -> None:
    app = make(spec(topics=("nothing",)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_cram_every_topic_asks_every_prompt(make: Callable[..., StudyApp]) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c", "enter")  # "All topics"
        await pilot.pause()
        exam = exam_screen(app).exam
        # Eight cards, the reversible one both ways.
        assert len(exam.items) == 9
        assert {i.prompt.key[2] for i in exam.items if i.prompt.card.id == "propranolol"} == {
            "forward",
            "reverse",
        }
        await pilot.press("escape")  # from an answer widget or not: a dialog either way
        if isinstance(app.screen, ExamScreen):
            await pilot.press("escape")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
