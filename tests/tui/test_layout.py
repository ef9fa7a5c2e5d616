"""What a student must see is on screen, at 80x24: graded feedback scrolled into
view, a question map of at most two rows, the browse table's question column,
one-line texts cut with an ellipsis, dialogs that fit, toasts that go away, and
ticks shown by a glyph, not by colour alone."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.containers import VerticalScroll

from studyapp.core.deck.model import Card, Deck
from studyapp.core.study.exam import ExamRun, ExamSpec
from studyapp.core.study.planning import ExamPlan
from studyapp.core.study.session import prompts_of
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.browse import CELL_PADDING, COLUMNS, FRONT_SHARE, column_widths
from studyapp.tui.screens.exam import ExamScreen
from studyapp.tui.screens.review import ReviewScreen
from tests.conftest import BUNDLED_DECKS, FakeClock
from tests.tui.test_app import screen_text, study_first_deck
from tests.tui.test_live import save

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


# -- the browse table -------------------------------------------------------------------


@pytest.mark.parametrize("width", [40, 60, 76, 96, 116, 136, 176, 236])
def test_the_front_gets_the_room_and_other_columns_never_go_below_their_least(
    width: int,
) -> None:
    widths = column_widths(width)
    assert widths["front"] >= int(width * FRONT_SHARE) or width < 60
    least = {key: column[4] for column in COLUMNS for key in [column[0]]}
    for key, size in widths.items():
        assert size == 0 or key == "front" or size >= least[key], (key, size)
    shown = [size for size in widths.values() if size]
    assert sum(shown) + CELL_PADDING * len(shown) <= max(width, 60)


# -- one-line texts cut with an ellipsis; the description cut to its room ---------------


def deep_copy_of_selank(tmp_path: Path) -> Path:
    """The bundled deck in a folder whose path is far wider than 80 columns."""
    folder = tmp_path / ("a-folder-with-a-very-long-name-" * 3) / "pharmacology-decks"
    folder.mkdir(parents=True)
    shutil.copy(BUNDLED_DECKS / "selank.yaml", folder / "selank.yaml")
    return folder


def decks_of(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "more-decks"
    folder.mkdir()
    for n in range(count):
        (folder / f"d{n}.yaml").write_text(
            f"deck: d{n}\ntitle: Deck {n}\ncards:\n  - id: c\n    topic: t\n"
            f"    question: Q{n}?\n    answer: A{n}\n",
            encoding="utf-8",
        )
    return folder


async def test_home_cuts_the_path_and_the_description_with_an_ellipsis(
    make_app: Callable[..., StudyApp], tmp_path: Path, store: Store, clock: FakeClock
) -> None:
    store.add_plan(ExamPlan("selank", date(2026, 12, 15)), clock())
    app = make_app(deep_copy_of_selank(tmp_path), decks_of(tmp_path, 8))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        lines = screen_text(app).rstrip().splitlines()
        (path,) = [line for line in lines if "cards · " in line]
        selank = app.library.deck("selank")
        assert selank is not None
        cards = len(selank.cards)
        assert path.rstrip().endswith("…/selank.yaml")
        assert path.strip().startswith(f"{cards} cards")
        # The plan's two rows (recall on the day; cards on target, how sure), then the text.
        about = [line.rstrip() for line in lines[lines.index(path) + 3 : -1] if line.strip()]
        assert about[0].strip().startswith("Flashcards on Selank")
        assert about[-1].endswith("…")  # cut where the room ends, and says so
        assert "Exam in 22 d" in lines[lines.index(path) + 1]


async def test_the_citation_keeps_its_section_and_cuts_the_title(
    make_app: Callable[..., StudyApp], tmp_path: Path
) -> None:
    app = make_app(deep_copy_of_selank(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await study_first_deck(pilot)
        meta = screen_text(app).splitlines()[1].rstrip()
        assert meta.endswith("§ Introduction") and "…" in meta
        assert meta.lstrip().startswith("history  basic  ·  Selank Ultimate")


async def test_the_browse_title_keeps_the_file_name(
    make_app: Callable[..., StudyApp], tmp_path: Path
) -> None:
    app = make_app(deep_copy_of_selank(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        title = screen_text(app).splitlines()[0].rstrip()
        assert title.lstrip().startswith("Selank") and title.endswith("…/selank.yaml")


# -- dialogs and forms that fit; ticks by glyph -----------------------------------------


async def test_the_plan_dialog_fits_80_columns(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        form = app.screen.query_one("#plan-form")
        assert form.region.x >= 0 and form.region.right <= SIZE[0]
        assert "Until the exam, cards come early" in screen_text(app)


async def test_exam_setup_shows_ticks_by_glyph_and_labels_whole(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        shown = screen_text(app)  # characters only: no colour
        assert "[x] Tiny pharmacology" in shown and "[ ] Vitamins" in shown
        assert "[ ] basics" in shown
        assert "(•) All cards" in shown and "( ) Unseen (never reviewed)" in shown
        assert "(•) Timed: feedback at the end" in shown
        assert "…" not in shown  # every label whole at 80 columns
        assert "Time limit" in shown
        await pilot.press("space")  # untick the highlighted deck
        await pilot.pause()
        assert "[ ] Tiny pharmacology" in screen_text(app)


# -- notices ------------------------------------------------------------------------------


async def test_notices_are_short_and_never_cover_the_rating_bar(app: StudyApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await study_first_deck(pilot)
        await pilot.press("space", "u")  # "Nothing to undo in this session."
        await pilot.pause()
        (notice,) = app._notifications
        assert notice.timeout <= 3
        lines = screen_text(app).splitlines()
        assert "Nothing to undo in this session." in lines[-4]  # right above the two bars
        assert "1  Again 1m    2  Hard 6m    3  Good 10m    4  Easy 8d" in lines[-2]
        assert "Rate" in lines[-1] and "Undo" in lines[-1]


async def test_a_fixed_warning_takes_its_notice_away(app: StudyApp, deck_dir: Path) -> None:
    tiny = deck_dir / "tiny.yaml"
    good = tiny.read_text(encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        leaky = "What is an **agonist**? (A drug that binds a receptor and activates it)"
        save(tiny, good.replace("What is an **agonist**?", leaky))
        app.poll_decks()
        await pilot.pause()
        assert [n.title for n in app._notifications] == ["Reloaded tiny.yaml: 1 warning"]
        save(tiny, good)
        app.poll_decks()
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Reloaded tiny.yaml"]
