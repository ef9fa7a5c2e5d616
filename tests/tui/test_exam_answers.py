"""What is on screen is the answer: ticks, an order, pairs and text typed without
enter are kept when the student leaves the question (n, p, the go-to dialog,
ctrl+n), submits, or the time runs out; an untouched question stays unanswered,
and the confirm dialog and the results say how many are unanswered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from studyapp.core.study.exam import ExamMode, ExamRun, ExamSpec
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.exam import ExamScreen
from studyapp.tui.screens.exam_dialogs import ChoiceDialog
from studyapp.tui.screens.exam_results import ExamResultsScreen
from tests.conftest import FakeClock
from tests.tui.test_exam import text_of, wait_for
from tests.tui.test_keys import go_to_card

SIZE = (80, 24)


async def tick(pilot: Pilot[int]) -> None:
    await pilot.press("1", "2", "3", "3")  # three ticks, the third taken back


async def reorder(pilot: Pilot[int]) -> None:
    await pilot.press("j", "j")  # the first item down two places


async def match(pilot: Pilot[int]) -> None:
    await pilot.press("3", "1")  # partners for the first two items


async def type_text(pilot: Pilot[int]) -> None:
    await pilot.press("enter", "t", "r", "k", "b")  # into the field; no enter after


KINDS: dict[str, tuple[str, Callable[[Pilot[int]], Awaitable[None]]]] = {
    "tick": ("raised", tick),
    "reorder": ("cascade", reorder),
    "match": ("pairs", match),
    "type": ("kinase", type_text),
}


EXPECTED: dict[str, object] = {
    "raised": frozenset({0, 1}),
    "cascade": (1, 2, 0, 3),
    "pairs": (2, 0, -1),
    "kinase": "trkb",
}
"""The response each card's answer on screen stands for, after its action."""


@pytest.fixture
def make(make_answers: Callable[..., StudyApp]) -> Callable[..., StudyApp]:
    """The app in a 10-minute exam on the five cards of ``answers.yaml``."""

    def build(mode: ExamMode = ExamMode.TIMED) -> StudyApp:
        spec = ExamSpec(deck_ids=("answers",), count=5, time_limit=timedelta(minutes=10), mode=mode)
        return make_answers(spec)

    return build


def exam_of(app: StudyApp) -> ExamRun:
    screen = app.screen
    assert isinstance(screen, ExamScreen)
    return screen.exam


async def leave(pilot: Pilot[int], exam: ExamRun, how: str) -> None:
    """Leave the current question with ``how``: ``n`` or ``p`` (the other one on the
    last or first question), ctrl+ the same from a text field, or the go-to dialog."""
    typing = isinstance(pilot.app.focused, Input)
    if how == "go to":
        if typing:
            await pilot.press("escape")
        await pilot.press("g")
        pilot.app.screen.query_one(Input).value = "1" if exam.index else "2"
        await pilot.press("enter")
    else:
        if exam.index == (len(exam.items) - 1 if how == "n" else 0):
            how = "p" if how == "n" else "n"
        await pilot.press(f"ctrl+{how}" if typing else how)
    await pilot.pause()


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("how", ["n", "p", "go to"])
async def test_leaving_a_question_keeps_the_answer_on_screen(
    make: Callable[..., StudyApp], kind: str, how: str
) -> None:
    card, act = KINDS[kind]
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = exam_of(app)
        await go_to_card(pilot, app, card)
        item = exam.current
        await act(pilot)
        assert not item.answered  # nothing submitted with enter
        # Counted as it stands (the title is redrawn every second).
        await wait_for(pilot, lambda: "1 answered" in text_of(app, "#exam-title"))
        await leave(pilot, exam, how)
        assert exam.current is not item
        assert item.response == EXPECTED[card]


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_submitting_scores_the_answer_on_screen(
    make: Callable[..., StudyApp], store: Store, kind: str
) -> None:
    card, act = KINDS[kind]
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to_card(pilot, app, card)
        await act(pilot)
        await pilot.press("ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert dialog.message == "Submit the exam now? (4 unanswered)"
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ExamResultsScreen)
        assert "4 unanswered" in text_of(app, "#results-score")
    (saved,) = store.exam_history()
    answers = {row.key[1]: row.answer for row in store.exam_answers(saved.id)}
    assert {key for key, answer in answers.items() if answer is None} == set(answers) - {card}


async def test_at_zero_every_answer_on_screen_counts(
    make: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = exam_of(app)
        for kind in ("tick", "reorder", "match", "type"):  # the typed one left in the field
            card, act = KINDS[kind]
            await go_to_card(pilot, app, card)
            await act(pilot)
        assert isinstance(app.focused, Input) and app.focused.value == "trkb"
        clock.advance(minutes=11)
        await wait_for(pilot, lambda: isinstance(app.screen, ExamResultsScreen))
        assert "Time ran out" in text_of(app, "#results-title")
        assert "1 unanswered" in text_of(app, "#results-score")
    assert exam.result is not None
    given = {item.key[1]: item.answer for item in exam.result.items}
    assert given["receptor"] is None  # never touched
    assert given["kinase"] == "trkb" and given["cascade"] is not None
    assert all(given[card] is not None for card in ("raised", "cascade", "pairs", "kinase"))


async def test_tutor_mode_grades_an_answer_left_on_screen(
    make: Callable[..., StudyApp],
) -> None:
    app = make(ExamMode.TUTOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = exam_of(app)
        await go_to_card(pilot, app, "raised")
        item = exam.current
        await tick(pilot)
        await leave(pilot, exam, "n")
        assert item.grade is not None and exam.locked(item)
        await go_to_card(pilot, app, "raised")
        assert "Partly right" in text_of(app, "#exam-back") or "Correct" in text_of(
            app, "#exam-back"
        )
