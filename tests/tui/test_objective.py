"""Objective questions in the review screen: answer, see the grade, accept or
override the proposed rating; the answer given is logged."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from studyapp.core.kinds.grading import Interaction
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.exam_dialogs import ChoiceDialog
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.widgets.answers import AnswerWidget

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "objective.yaml"
SIZE = (100, 40)


@pytest.fixture
def objective_app(tmp_path: Path, make_app: Callable[..., StudyApp]) -> StudyApp:
    folder = tmp_path / "objective"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "objective.yaml")
    return make_app(folder)


def review(app: StudyApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def plain(app: StudyApp, selector: str) -> str:
    content = app.screen.query_one(selector, Static).render()
    return str(getattr(content, "plain", content))


async def open_card(pilot: Pilot[int], app: StudyApp, card_id: str) -> ReviewScreen:
    """Study the deck and skip (suspending) cards until ``card_id`` is current."""
    await pilot.press("enter")
    screen = review(app)
    while screen.session.current is not None and screen.session.current.card.id != card_id:
        screen.action_suspend()
        await pilot.pause()
    assert screen.session.current is not None, card_id
    await pilot.pause()
    return screen


def logged(store: Store, card_id: str, sibling: str = "main") -> list[tuple[object, ...]]:
    rows = store.history(("objective", card_id, sibling))
    return [(r["rating"], r["kind"], r["answer"], r["picked"]) for r in rows if r["rating"]]


async def test_choice_right_answer_proposes_good_and_enter_commits(
    objective_app: StudyApp, store: Store
) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "gaba-enzyme")
        assert screen.question is not None
        assert screen.question.interaction is Interaction.CHOICE
        right = screen.question.options.index("GABA transaminase")
        await pilot.press("123456789"[right])
        assert screen.grade is not None and screen.grade.correct
        assert "Correct" in plain(objective_app, "#back")
        assert "Good*" in plain(objective_app, "#answer-bar")
        assert logged(store, "gaba-enzyme") == []  # nothing committed before the rating
        await pilot.press("enter")
        assert logged(store, "gaba-enzyme") == [(3, "choice", "GABA transaminase", None)]


async def test_choice_wrong_answer_logs_the_option_picked_and_can_be_overridden(
    objective_app: StudyApp, store: Store
) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "gaba-enzyme")
        assert screen.question is not None
        wrong = screen.question.options.index("Monoamine oxidase A")
        await pilot.press("123456789"[wrong])
        back = plain(objective_app, "#back")
        assert "Wrong" in back and "Expected: GABA transaminase" in back
        assert "not GABA" in back  # the picked option's "why"
        assert "Again*" in plain(objective_app, "#answer-bar")
        await pilot.press("2")  # override the proposed Again with Hard
        assert logged(store, "gaba-enzyme") == [
            (2, "choice", "Monoamine oxidase A", "Monoamine oxidase A")
        ]


async def test_select_all_partial_answer_shows_a_breakdown(
    objective_app: StudyApp, store: Store
) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "cytokines-down")
        assert screen.question is not None
        digit = "123456789"[screen.question.options.index("TNF-alpha")]
        await pilot.press(digit, "enter")
        assert screen.grade is not None and not screen.grade.correct
        assert "Partly right" in plain(objective_app, "#back")
        assert "Again*" in plain(objective_app, "#answer-bar")
        await pilot.press("enter")
        (row,) = logged(store, "cytokines-down")
        assert row[0] == 1 and row[1] == "select"


async def test_true_false(objective_app: StudyApp, store: Store) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "wada")
        assert screen.question is not None and screen.question.options == ("True", "False")
        await pilot.press("2")
        assert screen.grade is not None and screen.grade.correct
        await pilot.press("enter")
        assert logged(store, "wada")[0][:2] == (3, "truefalse")


async def test_ordering_with_the_keyboard(objective_app: StudyApp, store: Store) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "cascade")
        question = screen.question
        assert question is not None
        widget = screen.query_one(AnswerWidget)
        correct = ["BDNF", "TrkB", "Ras", "MAPK/ERK"]
        # Selection sort with the keyboard: bring each item up to its place.
        for position, wanted in enumerate(correct):
            order = [question.options[i] for i in widget.order]  # type: ignore[attr-defined]
            current = order.index(wanted)
            widget.cursor = current  # type: ignore[attr-defined]
            for _ in range(current - position):
                await pilot.press("k")
        await pilot.press("enter")
        assert screen.grade is not None and screen.grade.correct
        await pilot.press("enter")
        assert logged(store, "cascade")[0][:2] == (3, "ordering")


async def test_matching_with_digits(objective_app: StudyApp, store: Store) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "pairs")
        question = screen.question
        assert question is not None
        partner = {
            "Chloride pathway": "GABA-A receptor",
            "Plasticity pathway": "TrkB",
            "Immune pathway": "STAT3",
        }
        for left in question.options:
            await pilot.press("123456789"[question.targets.index(partner[left])])
        await pilot.press("enter")
        assert screen.grade is not None and screen.grade.correct, screen.grade
        await pilot.press("enter")
        assert logged(store, "pairs")[0][:2] == (3, "matching")


async def test_numeric_reconstitution_shows_the_syringe(
    objective_app: StudyApp, store: Store
) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "recon")
        # The deck's caveat, once, under the question of its dosing card.
        assert plain(objective_app, "#front").count("not medical advice") == 1
        entry = screen.query_one(Input)
        entry.value = "100 mcg"  # a unit of the wrong kind
        await pilot.press("enter")
        assert screen.grade is not None and not screen.grade.correct
        back = plain(objective_app, "#back")
        assert "Expected: 0.1 mL" in back
        assert "100" in back and "^ 10 units" in back  # the syringe drawing
        await pilot.press("enter")
        assert logged(store, "recon")[0][:3] == (1, "numeric", "100 mcg")


async def test_typed_near_miss_shows_a_diff_and_i_was_right_keeps_an_alias(
    objective_app: StudyApp, store: Store
) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "gaba-t")
        entry = screen.query_one(Input)
        entry.value = "GABA transaminse"
        await pilot.press("enter")
        assert screen.grade is not None and not screen.grade.correct
        back = plain(objective_app, "#back")
        assert "Almost" in back and "Your answer:" in back
        assert "I was right" in plain(objective_app, "#answer-bar")
        await pilot.press("r")
        assert isinstance(objective_app.screen, ChoiceDialog)  # it says what each choice does
        await pilot.press("a")  # always accept this spelling
        assert objective_app.screen is screen
        assert screen.grade.correct
        assert store.aliases("objective") == {"gaba-t": ("GABA transaminse",)}
        assert "Good*" in plain(objective_app, "#answer-bar")
        await pilot.press("enter")
        assert logged(store, "gaba-t") == [(3, "typed", "GABA transaminse", None)]


async def test_typed_other_cards_term_is_wrong(objective_app: StudyApp, store: Store) -> None:
    async with objective_app.run_test(size=SIZE) as pilot:
        screen = await open_card(pilot, objective_app, "trkb")
        screen.query_one(Input).value = "TrkA"
        await pilot.press("enter")
        assert screen.grade is not None and not screen.grade.correct
        assert "Wrong" in plain(objective_app, "#back")
        screen.query_one(Input).value = "ignored once graded"
        await pilot.press("enter")  # accepts the proposed Again
        assert logged(store, "trkb") == [(1, "typed", "TrkA", None)]


async def test_a_session_with_numeric_cards_warms_the_units_after_the_first_paint(
    objective_app: StudyApp,
) -> None:
    from unittest import mock

    from studyapp.tui.app import WARM_UNITS_AFTER_S

    with mock.patch("studyapp.tui.app.warm_units_for") as warm:
        async with objective_app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")  # the study session opens on its first card
            await pilot.pause()
            assert isinstance(pilot.app.screen, ReviewScreen)
            warm.assert_not_called()  # not while the first card is drawn...
            await pilot.pause(WARM_UNITS_AFTER_S + 0.5)
            warm.assert_called_once()  # ...but while the student reads it
            (decks,) = warm.call_args.args
            assert [deck.id for deck in decks] == ["objective"]
