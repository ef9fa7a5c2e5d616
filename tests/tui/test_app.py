"""Pilot tests: drive the app with keys and check the screens, the session and the store."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Static

from studyapp.app.services import DeckRow
from studyapp.core.study.scheduling import CardState, State
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store
from studyapp.tui.app import StudyApp
from studyapp.tui.screens.help import HelpScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.screens.summary import SummaryScreen
from tests.conftest import FakeClock

SIZE = (100, 30)
AGONIST = ("tiny", "agonist", "main")
HALF_LIFE = ("tiny", "half-life", "c1")
BETA_FORWARD = ("tiny", "beta-blocker", "forward")
MARKUP = ("tiny", "markup", "main")


# -- helpers --------------------------------------------------------------
def text(widget: Widget) -> str:
    """The plain text a Static shows (its content, not any markup)."""
    return str(widget.render())


def static(app: StudyApp, selector: str) -> str:
    return text(app.screen.query_one(selector, Static))


def screen_text(app: StudyApp) -> str:
    """Every character on the screen as it would be drawn, line by line."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def table_rows(app: StudyApp) -> list[list[str]]:
    table = app.screen.query_one("#decks", DataTable)
    return [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]


def notifications(app: StudyApp) -> list[str]:
    return [n.message for n in app._notifications]


def current_key(app: StudyApp) -> tuple[str, str, str] | None:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    prompt = screen.session.current
    return None if prompt is None else prompt.key


async def study_first_deck(pilot: Pilot[int]) -> ReviewScreen:
    await pilot.pause()
    await pilot.press("enter")
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def answer(pilot: Pilot[int], rating: str = "3") -> None:
    """Reveal and rate with the keys."""
    await pilot.press("space", rating)


async def advance(pilot: Pilot[int], *ratings: int) -> None:
    """Reveal and rate by calling the screen's actions (much faster than key
    presses; for getting to the state a test is about)."""
    for rating in ratings:
        screen = pilot.app.screen
        assert isinstance(screen, ReviewScreen)
        screen.action_reveal_or_good()
        screen.action_rate(rating)
    await pilot.pause()


def seed_history(store: Store, clock: FakeClock) -> None:
    """``agonist`` in learning (studied 5 minutes ago), ``half-life`` c1 a
    review leech due an hour ago (last studied three days ago)."""
    now = clock()
    store.record_review(
        ReviewRecord(
            key=AGONIST,
            kind="basic",
            reviewed_at=now - timedelta(minutes=5),
            rating=3,
            duration_ms=4000,
            before=CardState(),
            after=CardState(
                state=State.LEARNING,
                step=1,
                stability=2.3,
                difficulty=5.0,
                due=now + timedelta(minutes=5),
                last_review=now - timedelta(minutes=5),
                reps=1,
            ),
        )
    )
    store.record_review(
        ReviewRecord(
            key=HALF_LIFE,
            kind="cloze",
            reviewed_at=now - timedelta(days=3),
            rating=1,
            duration_ms=4000,
            before=CardState(state=State.REVIEW, due=now - timedelta(days=3), lapses=7, reps=12),
            after=CardState(
                state=State.REVIEW,
                stability=3.0,
                difficulty=8.0,
                due=now - timedelta(hours=1),
                last_review=now - timedelta(days=3),
                lapses=8,
                reps=13,
                leech=True,
            ),
        )
    )


# -- home -----------------------------------------------------------------
async def test_home_lists_every_deck_with_its_counts_or_error(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert table_rows(app) == [
            ["Tiny pharmacology", "4", "0", "0", "0"],
            ["decks/unknown-key.yaml", "-", "-", "-", "error"],
            ["Vitamins", "1", "0", "0", "0"],
        ]
        table = app.screen.query_one("#decks", DataTable)
        assert table.cursor_row == 0
        assert table.has_focus
        assert static(app, "#deck-name") == "Tiny pharmacology"
        assert static(app, "#deck-path") == "4 cards · decks/tiny.yaml"
        assert static(app, "#deck-about") == "Four cards for the TUI tests."
        shown = screen_text(app)
        for header in ("Deck", "New", "Learn", "Due", "Leeches"):
            assert header in shown
        assert "enter Study" in " ".join(shown.splitlines()[-1].split())  # enter is in the footer

        # The broken deck: its detail is the first error, and enter only notifies.
        await pilot.press("down")
        detail = static(app, "#deck-about")
        assert not app.screen.query_one("#deck-name").display
        assert "This deck could not be loaded" in detail
        assert "decks/unknown-key.yaml:3:1: error: unknown key 'colour' in the deck" in detail
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        messages = notifications(app)
        assert len(messages) == 1
        assert messages[0].startswith("decks/unknown-key.yaml:3:1: error:")
        assert app.is_running


async def test_home_counts_learning_due_and_leeches(
    make_app, store: Store, clock: FakeClock
) -> None:
    seed_history(store, clock)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # new: beta-blocker and markup (half-life c2 waits for its due sibling)
        assert table_rows(app)[0] == ["Tiny pharmacology", "2", "1", "1", "1"]


async def test_reload_picks_up_a_new_deck(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (app.settings.deck_dirs[0] / "zinc.yaml").write_text(
            "deck: zinc\ntitle: Zinc\ncards:\n"
            "  - {id: z, topic: minerals, question: 'Why zinc?', answer: Enzymes}\n",
            encoding="utf-8",
        )
        await pilot.press("r")
        assert [row[0] for row in table_rows(app)][-1] == "Zinc"
        assert "Decks reloaded." in notifications(app)


# -- review ---------------------------------------------------------------
async def test_review_shows_card_reveals_and_commits_before_next_card(
    app: StudyApp, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        assert static(app, "#deck-title") == "Tiny pharmacology"
        assert static(app, "#counts") == "New 4  Learn 0  Due 0"
        assert static(app, "#card-meta") == "basics  basic  ·  Lecture notes § Basics [1]"
        assert static(app, "#front") == "What is an agonist?"
        assert not screen.query_one("#back").display
        assert "show answer" in static(app, "#answer-bar")

        await pilot.press("space")
        assert screen.revealed
        assert screen.query_one("#back").display
        assert static(app, "#back") == "A drug that binds a receptor and activates it"
        assert static(app, "#explain") == "Why: Antagonists bind without activating."
        bar = static(app, "#answer-bar")
        for label in (" 1  Again 1m", " 2  Hard 6m", " 3  Good 10m", " 4  Easy 8d"):
            assert label in bar
        assert "Good 10m" in screen_text(app)

        # When the next card is put on screen, the answer must already be stored.
        seen: list[tuple[int, int]] = []
        show_current = screen.show_current

        def spy() -> None:
            seen.append((store.review_count(), len(store.history(AGONIST))))
            show_current()

        screen.show_current = spy  # type: ignore[method-assign]
        await pilot.press("3")
        assert seen == [(1, 1)]
        assert store.review_count() == 1
        [row] = store.history(AGONIST)
        assert row["rating"] == 3
        assert row["state_before"] == "new"
        assert row["state_after"] == "learning"
        assert row["duration_ms"] == 4000  # the fake monotonic clock's step
        assert store.card_state(AGONIST).state is State.LEARNING

        assert current_key(app) == HALF_LIFE
        assert not screen.revealed
        assert static(app, "#counts") == "New 3  Learn 1  Due 0"
        assert static(app, "#card-meta").startswith("kinetics  cloze")
        assert static(app, "#front") == "After [...] half-life, 50% of the drug is left."


async def test_enter_reveals_then_rates_good_and_cloze_is_marked(
    app: StudyApp, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        await pilot.press("3")  # rating before reveal does nothing
        assert store.review_count() == 0
        await pilot.press("enter")
        assert screen.revealed
        await pilot.press("enter")
        assert store.history(AGONIST)[0]["rating"] == 3
        assert current_key(app) == HALF_LIFE

        # The revealed cloze deletion is styled (underlined), the rest is not.
        await pilot.press("space")
        back = screen.query_one("#back", Static).render()
        assert str(back) == "After one half-life, 50% of the drug is left."
        styled = [str(back)[s.start : s.end] for s in back.spans if "underline" in str(s.style)]
        assert styled == ["one"]


async def test_deck_markup_and_escapes_are_shown_literally(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        await advance(pilot, 4, 4, 4)
        assert current_key(app) == MARKUP
        front = screen.query_one("#front", Static).render()
        assert str(front) == "Literal [bold red]x[/] and an escape [2J here"
        assert not front.spans  # no style was parsed out of the text
        await pilot.press("space")
        assert static(app, "#back") == "Still [bold red]x[/]"
        shown = screen_text(app)
        assert "Literal [bold red]x[/] and an escape [2J here" in shown
        assert "Still [bold red]x[/]" in shown
        assert "\x1b" not in shown
        assert "\x1b" not in str(front)


async def test_undo_restores_the_card_repeatedly(app: StudyApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        await advance(pilot, 3, 3)
        assert current_key(app) == BETA_FORWARD
        await answer(pilot)
        assert store.review_count() == 3

        await pilot.press("u")
        assert store.review_count() == 2
        assert current_key(app) == BETA_FORWARD
        assert static(app, "#front") == "Propranolol"
        assert not screen.revealed

        await pilot.press("u")
        assert store.review_count() == 1
        assert current_key(app) == HALF_LIFE
        await pilot.press("u")
        assert store.review_count() == 0
        assert current_key(app) == AGONIST
        assert static(app, "#counts") == "New 4  Learn 0  Due 0"
        assert store.card_state(AGONIST) == CardState()
        [row] = store.history(AGONIST)
        assert row["undone_at"] is not None

        await pilot.press("u")
        assert notifications(app)[-1] == "Nothing to undo in this session."
        assert current_key(app) == AGONIST

        # An undone card can be answered again.
        await answer(pilot, "4")
        assert store.review_count() == 1
        assert [r["rating"] for r in store.history(AGONIST)] == [3, 4]


async def test_suspend_hides_the_card(app: StudyApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await study_first_deck(pilot)
        await pilot.press("s")
        assert store.card_state(AGONIST).suspended
        assert current_key(app) == HALF_LIFE
        assert static(app, "#counts") == "New 3  Learn 0  Due 0"
        assert "Suspended the card 'agonist'" in notifications(app)[-1]
        assert store.review_count() == 0
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert table_rows(app)[0][1] == "3"


async def test_suspend_in_review_suspends_every_prompt_of_the_card_and_u_undoes_it(
    app: StudyApp, store: Store, clock: FakeClock
) -> None:
    half_life_c2 = ("tiny", "half-life", "c2")
    for key in (HALF_LIFE, half_life_c2):  # both deletions in learning: both due again today
        after = app.policy.review(CardState(), 1, clock())
        store.record_review(ReviewRecord(key, "cloze", clock(), 1, 1000, CardState(), after))
    clock.advance(minutes=5)
    async with app.run_test(size=SIZE) as pilot:
        await study_first_deck(pilot)
        assert current_key(app) == HALF_LIFE
        await pilot.press("s")
        assert store.card_state(HALF_LIFE).suspended and store.card_state(half_life_c2).suspended
        assert "Suspended the card 'half-life' (all 2 of its prompts)" in notifications(app)[-1]
        assert current_key(app) not in (HALF_LIFE, half_life_c2, None)
        await pilot.press("u")
        assert not store.card_state(HALF_LIFE).suspended
        assert not store.card_state(half_life_c2).suspended
        assert current_key(app) == HALF_LIFE
        assert notifications(app)[-1] == "Unsuspended the card 'half-life'."


async def test_help_modal_lists_keys_and_closes(app: StudyApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for words in ("Keys", "study the selected deck", "browse and search", "ctrl+q"):
            assert words in shown
        assert "rate Again" not in shown  # each screen lists its own keys
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for words in ("rate Again / Hard / Good / Easy", "undo the last", "edit this card"):
            assert words in shown
        # Every way of answering: option digits, select-all, ordering, matching, "I was right".
        for words in (
            "choose option 1-9",
            "↑↓ space",
            "ordering: move",
            "matching:",
            "I was right",
        ):
            assert words in shown
        assert "study the selected deck" not in shown
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
        # The help modal did not disturb the card.
        assert current_key(app) == AGONIST

        # Leaving a review without answering goes straight back home.
        await pilot.press("space", "escape")
        assert isinstance(app.screen, HomeScreen)
        assert store.review_count() == 0
        assert table_rows(app)[0] == ["Tiny pharmacology", "4", "0", "0", "0"]


async def test_leaving_after_answering_shows_summary_then_refreshed_home(
    app: StudyApp, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await study_first_deck(pilot)
        await answer(pilot, "1")
        await pilot.press("q")
        assert isinstance(app.screen, SummaryScreen)
        assert static(app, "#summary-title") == "Session paused"
        shown = screen_text(app)
        assert "Cards studied  1" in shown
        assert "Again          1 (100%)" in shown
        assert "Time spent     4s" in shown
        assert "Next card due  Mon 23 Nov 12:01" in shown
        assert "Left today     4" in shown
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        assert table_rows(app)[0] == ["Tiny pharmacology", "3", "1", "0", "0"]

        # escape leaves a review with answers through the summary, too
        await pilot.press("enter")
        assert current_key(app) == HALF_LIFE
        await advance(pilot, 3)
        await pilot.press("escape")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert store.review_count() == 2


async def test_study_all_takes_every_loaded_deck(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert [d.id for d in screen.session.decks] == ["tiny", "vitamins"]
        assert static(app, "#counts") == "New 5  Learn 0  Due 0"


async def test_finishing_every_card_shows_summary(
    app: StudyApp, store: Store, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await study_first_deck(pilot)
        await advance(pilot, 1, 4, 4, 4)
        # Only the card answered Again is left, shown early (within learn-ahead).
        assert current_key(app) == AGONIST
        assert static(app, "#counts") == "New 0  Learn 1  Due 0"
        await answer(pilot, "4")
        assert isinstance(app.screen, SummaryScreen)
        summary = screen.session.summary
        assert (summary.studied, summary.again) == (5, 1)
        assert static(app, "#summary-title") == "Session complete"
        shown = screen_text(app)
        assert "Cards studied  5" in shown
        assert "Again          1 (20%)" in shown
        assert "Time spent     20s" in shown
        next_due = screen.session.next_due()
        assert next_due is not None and next_due > clock()
        assert f"Next card due  {next_due:%a %d %b %H:%M}" in shown
        assert "Left today" not in shown
        assert store.review_count() == 5

        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        assert table_rows(app)[0] == ["Tiny pharmacology", "0", "0", "0", "0"]
        # Nothing left: studying the deck again only says when to come back.
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        assert notifications(app)[-1].startswith("Nothing due in Tiny pharmacology right now.")


async def test_no_decks_found(make_app, deck_dir) -> None:
    (deck_dir / "unknown-key.yaml").unlink()
    (deck_dir / "vitamins.yaml").unlink()
    (deck_dir / "tiny.yaml").unlink()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert table_rows(app) == []
        assert static(app, "#deck-about").startswith("No decks found.")
        await pilot.press("enter", "a")
        assert isinstance(app.screen, HomeScreen)


# -- terminal -------------------------------------------------------------
async def test_resizing_never_crashes(app: StudyApp) -> None:
    sizes = [(80, 24), (40, 12), (12, 4), (160, 50)]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for size in sizes:
            await pilot.resize_terminal(*size)
            screen_text(app)
        assert isinstance(app.screen, HomeScreen)
        assert "decks/tiny.yaml" in screen_text(app)

        await pilot.press("enter", "space")
        for size in sizes:
            await pilot.resize_terminal(*size)
            screen_text(app)
        assert isinstance(app.screen, ReviewScreen)
        assert "Good 10m" in screen_text(app)
        await pilot.press("question_mark")
        for size in sizes:
            await pilot.resize_terminal(*size)
        assert "Keys" in screen_text(app)
        assert app.is_running


async def test_ctrl_q_quits_from_review(app: StudyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await study_first_deck(pilot)
        await pilot.press("space")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_start_up_counts_the_decks_once_and_again_when_back(
    app: StudyApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The home screen counts every deck once at start-up (on a big library each count
    is a pass over it), and again when a screen on top of it closes."""
    calls: list[int] = []
    rows = StudyApp.deck_rows

    def counting(self: StudyApp) -> list[DeckRow]:
        calls.append(1)
        return rows(self)

    monkeypatch.setattr(StudyApp, "deck_rows", counting)
    sync_ended = threading.Event()  # with a sync set, its line shows and a sync is held
    app.syncer = lambda: None if sync_ended.wait(10) else "timed out"
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(calls) == 1  # the sync line showing does not count them again
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(calls) == 2
        sync_ended.set()  # a sync that ends may have pulled answers: counted again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(calls) == 3


async def test_home_reads_no_card_and_a_deck_is_loaded_when_studied(
    app: StudyApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Start-up lists the decks with their counts and the selected deck's description
    from the deck indexes alone; the cards of a deck are read when it is studied, and
    only that deck's (on a 10,000-card library, loading every deck was 0.3 s of it)."""
    from studyapp.core import library

    app.library.indexes  # noqa: B018  (the cache of a deck folder seen before)
    loaded: list[str] = []
    read = library._load_one

    def counting(path: Path, *rest: Any) -> object:
        loaded.append(str(path))
        return read(path, *rest)

    monkeypatch.setattr(library, "_load_one", counting)
    app.library = app._load_library()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        titles = [row[0] for row in table_rows(app)]
        assert titles == ["Tiny pharmacology", str(Path("decks") / "unknown-key.yaml"), "Vitamins"]
        assert static(app, "#deck-about") == "Four cards for the TUI tests."
        await app.workers.wait_for_complete()
        assert loaded == []
        await study_first_deck(pilot)
        assert loaded == [str(Path("decks") / "tiny.yaml")]
