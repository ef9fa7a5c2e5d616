"""Keys that never lie or collide: digits pick options everywhere (so the letters
of a screen's keys always do what the key bar says), text fields never swallow
the keys the bar shows, ``?`` opens each screen's own help, and escape leaves a
field before it leaves a screen."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from studyapp.core.study.exam import ExamSpec
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.browse import BrowseScreen
from studyapp.tui.screens.exam import ExamScreen
from studyapp.tui.screens.exam_dialogs import GoToDialog
from studyapp.tui.screens.help import HelpScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.widgets.answers.text_entry import TextAnswer
from studyapp.tui.widgets.virtual_table import VirtualTable
from tests.conftest import FakeClock
from tests.tui.test_app import study_first_deck

SIZE = (80, 24)


def words(app: StudyApp, selector: str) -> str:
    """What a ``Static`` shows, as plain words (runs of spaces as one)."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector, Static).content)
    return " ".join(console.export_text().split())


def screen_words(app: StudyApp) -> str:
    strips = app.screen._compositor.render_strips()
    return " ".join(" ".join("".join(s.text for s in strip) for strip in strips).split())


def exam_spec(**changes: object) -> ExamSpec:
    return ExamSpec(deck_ids=("answers",), count=5, time_limit=timedelta(minutes=10), **changes)  # type: ignore[arg-type]


async def go_to_card(pilot: Pilot[int], app: StudyApp, card_id: str) -> ExamScreen:
    screen = app.screen
    assert isinstance(screen, ExamScreen)
    position = next(i.position for i in screen.exam.items if i.prompt.card.id == card_id)
    await pilot.press("g")
    assert isinstance(app.screen, GoToDialog)
    app.screen.query_one(Input).value = str(position + 1)
    await pilot.press("enter")
    await pilot.pause()
    assert screen.exam.current.prompt.card.id == card_id
    return screen


# -- option keys ----------------------------------------------------------------------


async def test_letters_of_exam_keys_never_pick_an_option(
    make_answers: Callable[..., StudyApp],
) -> None:
    app = make_answers(exam_spec())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await go_to_card(pilot, app, "receptor")  # seven options: 1-7
        item = screen.exam.current
        assert words(app, "#exam-keys").startswith("1-7 Choose n/p Next/Prev f Flag g Go to")
        await pilot.press("f")  # flags, as the key bar says: never option 6
        assert item.flagged and item.response is None
        await pilot.press("g")
        assert isinstance(app.screen, GoToDialog)
        await pilot.press("escape")
        assert item.response is None
        await pilot.press("7")  # digits pick
        assert item.response == 6
        await go_to_card(pilot, app, "raised")
        select = screen.exam.current
        await pilot.press("1", "2", "f", "p")
        assert select.flagged and screen.exam.current is not select


async def test_paging_a_cram_never_types_into_a_typed_answer(
    make_answers: Callable[..., StudyApp],
) -> None:
    app = make_answers()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        deck = app.library.decks[0]
        cram = app.new_cram(deck, ())
        assert cram is not None
        app.push_screen(ExamScreen(cram, cram=True))
        await pilot.pause()
        seen = [cram.index]
        for _ in range(len(cram.items) - 1):
            await pilot.press("n")
            seen.append(cram.index)
        for _ in range(len(cram.items) - 1):
            await pilot.press("p")
        assert seen == list(range(len(cram.items))) and cram.index == 0
        assert [w.query_one(Input).value for w in app.screen.query(TextAnswer)] == [""]
        assert not any(item.answered for item in cram.items)


async def test_review_keys_stay_true_on_a_question_with_many_options(
    make_answers: Callable[..., StudyApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    edited: list[str] = []
    monkeypatch.setattr(
        "studyapp.tui.live.edit_card", lambda app, deck, card: edited.append(card.id)
    )
    app = make_answers()
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        assert screen.session.current is not None
        assert screen.session.current.card.id == "receptor"
        assert words(app, "#keys").startswith("1-7 Choose u Undo s Suspend e Edit ? Keys")
        await pilot.press("e", "u")  # option 5 and "U" are not options: the keys act
        assert edited == ["receptor"] and screen.grade is None
        assert "Nothing to undo" in [n.message for n in app._notifications][-1]
        await pilot.press("1")
        assert screen.grade is not None and screen.grade.correct == (
            screen.question is not None and screen.question.options[0] == "TrkB"
        )


async def test_escape_leaves_a_typed_answer_field_before_the_session(
    make_answers: Callable[..., StudyApp], store: Store
) -> None:
    for card in ("receptor", "raised", "cascade", "pairs"):  # the typed card comes first
        store.set_suspended(("answers", card, "main"), True, FakeClock()())
    app = make_answers()
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        assert isinstance(app.focused, Input)
        assert words(app, "#keys") == "enter Submit esc Leave the field"
        await pilot.press("s", "e")  # letters of the answer
        assert app.focused.value == "se"
        await pilot.press("escape")
        assert app.screen is screen and not isinstance(app.focused, Input)
        assert words(app, "#keys").startswith("enter Type answer u Undo s Suspend e Edit")
        await pilot.press("enter")
        assert isinstance(app.focused, Input) and app.focused.value == "se"


# -- help everywhere ------------------------------------------------------------------


async def test_question_mark_opens_each_screens_own_help(
    make_answers: Callable[..., StudyApp],
) -> None:
    app = make_answers()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        async def help_shows(*phrases: str) -> None:
            before = app.screen
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen), before
            shown = screen_words(app)
            await pilot.press("end")  # a long help scrolls
            shown += screen_words(app)
            for phrase in phrases:
                assert phrase in shown, (before, phrase)
            await pilot.press("escape")
            assert app.screen is before

        await help_shows("study the selected deck", "the keys of this screen")
        await pilot.press("t")
        await help_shows("cram the selected topic", "scroll down")
        await pilot.press("escape", "b")
        await help_shows("search as you type", "suspend or unsuspend")
        await pilot.press("escape", "x")
        await pilot.pause()
        await help_shows("tick a deck or a topic", "start")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen)
        await help_shows("flag or unflag", "go to a question", "choose option 1-9")
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        await help_shows("review my misses", "exam history")
        await pilot.press("h")
        await pilot.pause()
        await help_shows("choose an exam")
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("c")
        await help_shows("start the cram")
        await pilot.press("enter")  # cram every topic
        await pilot.pause()
        assert isinstance(app.screen, ExamScreen) and app.screen.cram
        await help_shows("flag or unflag", "k / j")


# -- escape in browse -----------------------------------------------------------------


async def test_escape_in_the_browse_search_leaves_the_field_then_browse(
    make_answers: Callable[..., StudyApp],
) -> None:
    app = make_answers()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b", "slash", "t", "r", "k")
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        assert isinstance(app.focused, Input) and app.focused.value == "trk"
        await pilot.press("escape")
        assert app.screen is screen and isinstance(app.focused, VirtualTable)
        assert [card.id for card in screen.shown] == ["receptor", "cascade", "pairs", "kinase"]
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
