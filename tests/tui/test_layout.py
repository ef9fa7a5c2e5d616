"""What a student must see is on screen, at 80x24: graded feedback scrolled into
view, a question map of at most two rows, the browse table's question column,
one-line texts cut with an ellipsis, dialogs that fit, toasts that go away, and
ticks shown by a glyph, not by colour alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.containers import VerticalScroll

from studyapp.core.exam import ExamRun, ExamSpec
from studyapp.core.model import Card, Deck
from studyapp.core.session import prompts_of
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.exam import ExamScreen
from studyapp.tui.screens.review import ReviewScreen
from tests.conftest import FakeClock
from tests.tui.test_app import screen_text, study_first_deck

SIZE = (80, 24)


async def test_graded_feedback_is_scrolled_into_view_and_the_keys_scroll(
    make_answers: Callable[..., StudyApp], store: Store, clock: FakeClock
) -> None:
    store.set_suspended(("answers", "receptor", "main"), True, clock())
    app = make_answers()
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        assert isinstance(screen, ReviewScreen) and screen.session.current is not None
        assert screen.session.current.card.id == "raised"  # seven options, six notes
        await pilot.press("3", "4", "enter")
        await pilot.pause()
        assert screen.grade is not None
        shown = screen_text(app)
        assert "Partly right" in shown and "Why: It raises anti-inflammatory" in shown
        card = screen.query_one("#card", VerticalScroll)
        assert card.scroll_y > 0 and "Which of these does the peptide raise?" not in shown
        await pilot.press("home")  # the keys scroll the card (no tab first)
        await pilot.pause()
        assert card.scroll_y == 0
        assert "Which of these does the peptide raise?" in screen_text(app)
        await pilot.press("pagedown")
        await pilot.pause()
        assert card.scroll_y > 0
        await pilot.press("3")  # the digits still rate
        await pilot.pause()
        assert screen.session.current is not None and screen.session.current.card.id != "raised"


def big_exam(app: StudyApp, questions: int) -> ExamRun:
    """A timed exam of ``questions`` basic cards (a deck built in memory)."""
    cards = tuple(
        Card(f"c{n}", "basic", "t", n + 1, {"question": f"Question text {n}?", "answer": "A"})
        for n in range(questions)
    )
    deck = Deck("big", "Big", "", "big.yaml", cards)
    spec = ExamSpec(deck_ids=("big",), count=questions, time_limit=timedelta(hours=3))
    return ExamRun(spec, prompts_of(deck), app.quizzer, app.clock)


@pytest.mark.parametrize("questions", [192, 10_000])
async def test_the_question_map_is_one_row_whatever_the_count(
    app: StudyApp, questions: int
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        exam = big_exam(app, questions)
        app.push_screen(ExamScreen(exam))
        await pilot.pause()
        exam.go_to(questions // 2)
        exam.toggle_flag()
        app.screen.show_item()  # type: ignore[attr-defined]
        await pilot.pause()
        assert app.screen.query_one("#exam-map").region.height == 1
        lines = screen_text(app).splitlines()
        assert f"Question {questions // 2 + 1} of {questions}" in lines[0]
        assert "0 answered · 1 flagged" in lines[0]
        assert f"{questions // 2 + 1} ⚑" in lines[1] and lines[1].rstrip().endswith("…")
        assert lines[1].lstrip().startswith("…")
        assert f"Question text {questions // 2}?" in "\n".join(lines[2:6])
