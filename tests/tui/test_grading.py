"""Grading in the screens, driven with Pilot at 80x24: an answer the app cannot
read is asked again (review, exam, cram), the numeric placeholder and hint
come from the card's unit, and "I was right" says what it does and offers
"accept this time" or "always accept this spelling" (asking first for an
opposite)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from studyapp.core.kinds.grading import Verdict
from studyapp.core.study.exam import ExamMode, ExamSpec
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.exam import ExamScreen
from studyapp.tui.screens.exam_dialogs import ChoiceDialog
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.widgets.answers.text_entry import TextAnswer

SIZE = (80, 24)
DECK = """\
deck: grading
title: Grading
cards:
  - {id: tuftsin, kind: typed, topic: t, question: "Which tetrapeptide is Selank built on?",
     answer: Tuftsin}
  - {id: potassium, kind: typed, topic: t, question: "High serum potassium is called?",
     answer: hyperkalaemia}
  - {id: concentration, kind: numeric, topic: t, question: "Concentration, in mcg per mL?",
     answer: 2500}
  - {id: freezer, kind: numeric, topic: t, question: "Freezer temperature?", answer: -20,
     unit: "°C"}
  - {id: dose, kind: numeric, topic: t, question: "The dose?", answer: 0.25, unit: mg}
"""


@pytest.fixture
def folder(deck_dir: Path) -> Path:
    path = Path("grading")
    path.mkdir()
    (path / "grading.yaml").write_text(DECK, encoding="utf-8")
    return path


@pytest.fixture
def grading_app(folder: Path, make_app: Callable[..., StudyApp]) -> StudyApp:
    return make_app(folder)


def text(app: StudyApp, selector: str) -> str:
    content = app.screen.query_one(selector, Static).render()
    return str(getattr(content, "plain", content))


def logged(store: Store, card_id: str) -> list[tuple[object, ...]]:
    rows = store.history(("grading", card_id, "main"))
    return [(r["rating"], r["answer"]) for r in rows if r["rating"]]


async def open_card(pilot: Pilot[int], app: StudyApp, card_id: str) -> ReviewScreen:
    await pilot.press("enter")
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    while screen.session.current is not None and screen.session.current.card.id != card_id:
        screen.action_suspend()
        await pilot.pause()
    assert screen.session.current is not None, card_id
    app.clear_notifications()
    await pilot.pause()
    return screen


async def type_answer(pilot: Pilot[int], screen: ReviewScreen | ExamScreen, value: str) -> None:
    widget = next(w for w in screen.query(TextAnswer) if w.display)
    widget.query_one(Input).value = value
    widget.query_one(Input).focus()
    await pilot.press("enter")
    await pilot.pause()


# ------------------------------------------------------ asked again, never wrong


async def test_an_unreadable_answer_is_asked_again_and_nothing_is_committed(
    grading_app: StudyApp, store: Store
) -> None:
    async with grading_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, grading_app, "concentration")
        await type_answer(pilot, screen, "2500 mcg/mL")
        assert screen.grade is None  # not graded: no verdict, no proposed Again
        entry = screen.query_one(Input)
        assert entry.value == "2500 mcg/mL" and not entry.disabled and entry.has_focus
        notice = text(grading_app, "#unreadable")
        assert "This question has no unit, so 'mcg/mL' is not read." in notice
        assert "Type the number only." in notice
        assert "Again" not in text(grading_app, "#answer-bar")
        await pilot.press("1")  # typed into the field, never a rating
        assert logged(store, "concentration") == []
        entry.value = "2500"
        await pilot.press("enter")
        assert screen.grade is not None and screen.grade.correct
        assert not screen.query_one("#unreadable").display
        await pilot.press("enter")
        assert logged(store, "concentration") == [(3, "2500")]


async def test_a_label_unit_is_read_on_a_card_in_that_unit(
    grading_app: StudyApp, store: Store
) -> None:
    async with grading_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, grading_app, "freezer")
        await type_answer(pilot, screen, "-20 °C")
        assert screen.grade is not None and screen.grade.correct


@pytest.mark.parametrize(
    ("card_id", "placeholder", "hint"),
    [
        ("concentration", "type the number only", "Answer with the number only."),
        ("freezer", "type a number in °C (or the number only)", "°C (or the number only)."),
        ("dose", "type a number in mg (or mcg, g)", "Answer with a number in mg (or mcg, g)."),
    ],
)
async def test_placeholder_and_hint_come_from_the_cards_unit(
    grading_app: StudyApp, card_id: str, placeholder: str, hint: str
) -> None:
    async with grading_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, grading_app, card_id)
        assert screen.query_one(Input).placeholder == placeholder
        assert text(grading_app, "#unit-hint").endswith(hint)
        assert "units like" not in placeholder


@pytest.mark.parametrize("mode", ["timed", "tutor", "cram"])
async def test_an_exam_or_cram_asks_again_for_an_unreadable_answer(
    grading_app: StudyApp, mode: str
) -> None:
    app = grading_app
    if mode != "cram":  # `studyapp exam`
        app.start_exam = ExamSpec(deck_ids=("grading",), count=5, mode=ExamMode(mode))
    async with app.run_test(size=SIZE) as pilot:
        if mode == "cram":
            cram = app.new_cram(app.library.decks[0], ())
            assert cram is not None
            app.push_screen(ExamScreen(cram, cram=True))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        while screen.exam.current.prompt.card.id != "concentration":
            screen.exam.next()
            screen.show_item()
        await pilot.pause()
        await type_answer(pilot, screen, "2500 mcg/mL")
        item = screen.exam.current
        assert not item.answered and item.grade is None
        widget = next(w for w in screen.query(TextAnswer) if w.display)
        notice = widget.query_one("#unreadable", Static).render()
        assert "Type the number only." in str(getattr(notice, "plain", notice))
        assert widget.query_one(Input).value == "2500 mcg/mL"
        await type_answer(pilot, screen, "2500")
        assert item.answered
        if mode != "timed":  # graded at once
            assert item.grade is not None and item.grade.verdict is Verdict.CORRECT


# ---------------------------------------------------------------- I was right


async def test_i_was_right_this_time_rates_right_and_keeps_nothing(
    grading_app: StudyApp, store: Store
) -> None:
    async with grading_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, grading_app, "tuftsin")
        await type_answer(pilot, screen, "tufstin")
        assert screen.grade is not None and screen.grade.verdict is Verdict.ALMOST
        await pilot.press("r")
        dialog = grading_app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert "accept it this time only (the spelling is not kept)" in dialog.message
        assert "always accept this spelling for this card" in dialog.message
        await pilot.press("t")
        assert grading_app.screen is screen
        assert screen.grade.correct and screen.grade.rule == "accepted"
        assert store.aliases("grading") == {}
        assert "Good*" in text(grading_app, "#answer-bar")
        await pilot.press("enter")
        assert logged(store, "tuftsin") == [(3, "tufstin")]


async def test_i_was_right_can_be_cancelled(grading_app: StudyApp, store: Store) -> None:
    async with grading_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, grading_app, "tuftsin")
        await type_answer(pilot, screen, "tufstin")
        await pilot.press("r", "escape")
        assert grading_app.screen is screen
        assert screen.grade is not None and not screen.grade.correct
        assert store.aliases("grading") == {}


async def test_i_was_right_on_an_opposite_asks_for_confirmation_first(
    grading_app: StudyApp, store: Store
) -> None:
    async with grading_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, grading_app, "potassium")
        await type_answer(pilot, screen, "hypokalaemia")
        assert screen.grade is not None and screen.grade.verdict is Verdict.WRONG
        assert "opposite: hypo- vs hyper-" in text(grading_app, "#back")
        await pilot.press("r")
        confirm = grading_app.screen
        assert isinstance(confirm, ChoiceDialog)
        assert "opposite meaning" in confirm.message and "Are you sure" in confirm.message
        await pilot.press("n")  # not sure: nothing changes
        assert grading_app.screen is screen and not screen.grade.correct
        await pilot.press("r", "y")
        keep = grading_app.screen
        assert isinstance(keep, ChoiceDialog) and "always accept" in keep.message
        await pilot.press("a")
        assert screen.grade.correct
        assert store.aliases("grading") == {"potassium": ("hypokalaemia",)}
        await pilot.press("enter")
        assert logged(store, "potassium") == [(3, "hypokalaemia")]
