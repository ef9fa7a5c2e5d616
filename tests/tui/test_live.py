"""Live reload of saved deck files, and ``e`` to edit a card in ``$EDITOR``."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.widgets import Static

from studyapp.tui.app import StudyApp
from studyapp.tui.screens.browse import BrowseScreen
from studyapp.tui.screens.help import HelpScreen
from studyapp.tui.screens.home import HomeScreen
from studyapp.tui.screens.review import ReviewScreen
from studyapp.tui.widgets.virtual_table import VirtualTable
from tests.tui.test_app import advance, notifications, table_rows

SIZE = (100, 30)


def save(path: Path, text: str) -> None:
    """Write like an editor would; the modification time moves on by a second
    so the change is seen even on a file system with coarse timestamps."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def front(app: StudyApp) -> str:
    return str(app.screen.query_one("#front", Static).render())


def counts(app: StudyApp) -> str:
    return str(app.screen.query_one("#counts", Static).render())


@contextmanager
def no_suspend(app: StudyApp) -> Iterator[None]:
    """The headless test driver cannot suspend; the editor runs without a terminal."""
    yield


async def test_saving_the_deck_updates_the_current_card_and_keeps_the_session(
    app: StudyApp, deck_dir: Path
) -> None:
    tiny = deck_dir / "tiny.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await advance(pilot, 3)  # agonist answered: the cloze card is current
        session = screen.session
        assert session.current is not None and session.current.key == ("tiny", "half-life", "c1")
        assert counts(app) == "New 3  Learn 1  Due 0"
        text = tiny.read_text(encoding="utf-8")
        edited = text.replace("After {{one}} half-life", "After {{one}} elimination half-life")
        save(tiny, edited)
        assert app.poll_decks() == [str(tiny)]
        await pilot.pause()
        assert app.screen is screen and screen.session is session
        assert "elimination half-life" in front(app)
        assert counts(app) == "New 3  Learn 1  Due 0"
        assert session.summary.studied == 1
        assert "Reloaded tiny.yaml" in notifications(app)
        # Nothing changed: nothing reloads.
        assert app.poll_decks() == []


async def test_a_save_with_lint_warnings_says_so(app: StudyApp, deck_dir: Path) -> None:
    tiny = deck_dir / "tiny.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = tiny.read_text(encoding="utf-8")
        leaky = "What is an **agonist**? (A drug that binds a receptor and activates it)"
        save(tiny, text.replace("What is an **agonist**?", leaky))
        assert app.poll_decks() == [str(tiny)]
        await pilot.pause()
        shown = notifications(app)[-1]
        assert "answer-in-question" in shown, shown
        assert shown.startswith("decks/tiny.yaml:") or f"{tiny}:" in shown
        assert "Reloaded tiny.yaml: 1 warning" in [n.title for n in app._notifications]
        # The deck did reload: warnings never keep a save out.
        deck = app.library.deck("tiny")
        assert deck is not None and deck.cards[0].data["question"] == leaky


async def test_a_change_under_the_help_shows_when_it_closes(app: StudyApp, deck_dir: Path) -> None:
    tiny = deck_dir / "tiny.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        save(tiny, tiny.read_text(encoding="utf-8").replace("What is an", "Define an"))
        app.poll_decks()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert front(app) == "Define an agonist?"


async def test_a_deleted_card_is_skipped(app: StudyApp, deck_dir: Path) -> None:
    tiny = deck_dir / "tiny.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.session.current is not None
        assert screen.session.current.card.id == "agonist"
        text = tiny.read_text(encoding="utf-8")
        start = text.index("  - id: agonist")
        save(tiny, text[:start] + text[text.index("  - id: half-life") :])
        app.poll_decks()
        await pilot.pause()
        assert screen.session.current is not None
        assert screen.session.current.card.id == "half-life"
        assert "After [...] half-life" in front(app)
        assert counts(app) == "New 3  Learn 0  Due 0"


async def test_a_broken_save_shows_the_error_and_keeps_the_last_good_cards(
    app: StudyApp, deck_dir: Path
) -> None:
    tiny = deck_dir / "tiny.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        good = tiny.read_text(encoding="utf-8")
        save(tiny, good.replace("    kind: cloze\n", "    kind: clozz\n"))
        app.poll_decks()
        await pilot.pause()
        error = notifications(app)[-1]
        assert error.startswith("decks/tiny.yaml:22:11: error: unknown card kind 'clozz'")
        assert "last good version stays in use" in error
        # The session goes on with the last good deck.
        assert "What is an agonist?" in front(app)
        await advance(pilot, 3)
        assert screen.session.current is not None
        assert screen.session.current.card.id == "half-life"
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert table_rows(app)[0] == ["decks/tiny.yaml", "-", "-", "-", "error"]
        # Fixing the file brings the deck back.
        save(tiny, good)
        app.poll_decks()
        await pilot.pause()
        assert table_rows(app)[0][0] == "Tiny pharmacology"


async def test_the_timer_notices_a_save_within_seconds(app: StudyApp, deck_dir: Path) -> None:
    vitamins = deck_dir / "vitamins.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert table_rows(app)[2] == ["Vitamins", "1", "0", "0", "0"]
        text = vitamins.read_text(encoding="utf-8")
        save(
            vitamins, text + '  - id: k\n    topic: vitamins\n    question: "K?"\n    answer: "K"\n'
        )
        for _ in range(40):  # the app polls every 0.75 s
            await pilot.pause(0.1)
            if table_rows(app)[2][1] == "2":
                break
        assert table_rows(app)[2] == ["Vitamins", "2", "0", "0", "0"]


async def test_browse_follows_saves(app: StudyApp, deck_dir: Path) -> None:
    tiny = deck_dir / "tiny.yaml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        table = app.screen.query_one("#browse-table", VirtualTable)
        good = tiny.read_text(encoding="utf-8")
        save(tiny, good.replace("Propranolol", "Propranolol (Inderal)"))
        app.poll_decks()
        await pilot.pause()
        assert str(table.get_row_at(2)[-1]) == "Propranolol (Inderal)"
        save(tiny, good + "  - id: [broken\n")
        app.poll_decks()
        await pilot.pause()
        assert table.row_count == 4
        assert str(table.get_row_at(2)[-1]) == "Propranolol (Inderal)"
        assert notifications(app)[-1].startswith("decks/tiny.yaml:")


# -- e: edit in $EDITOR -------------------------------------------------------
FAKE_EDITOR = """\
import json, sys
from pathlib import Path
Path(sys.argv[1]).write_text(json.dumps(sys.argv[2:]), encoding="utf-8")
deck = Path(sys.argv[-1])
text = deck.read_text(encoding="utf-8")
deck.write_text(text.replace("What is an **agonist**?", "Define an **agonist**."), encoding="utf-8")
"""


@pytest.fixture
def fake_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$EDITOR`` is a script (with an argument, split like a shell would) that
    records its arguments and rewrites the agonist question."""
    script = tmp_path / "fake editor.py"
    script.write_text(f"#!{sys.executable}\n{FAKE_EDITOR}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "editor-args.json"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"'{script}' {log}")
    return log


async def test_e_on_review_opens_the_editor_at_the_card_line_and_reloads(
    app: StudyApp, fake_editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "suspend", lambda: no_suspend(app))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("e")
        await pilot.pause()
        assert json.loads(fake_editor.read_text(encoding="utf-8")) == [
            "+13",
            str(Path("decks") / "tiny.yaml"),
        ]
        assert front(app) == "Define an agonist."


async def test_e_in_browse_edits_the_selected_card(
    app: StudyApp, fake_editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "suspend", lambda: no_suspend(app))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("down", "down", "e")
        await pilot.pause()
        assert json.loads(fake_editor.read_text(encoding="utf-8")) == ["+28", "decks/tiny.yaml"]
        table = app.screen.query_one("#browse-table", VirtualTable)
        assert str(table.get_row_at(0)[-1]) == "Define an agonist."


async def test_an_editor_that_cannot_start_is_reported(
    app: StudyApp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(app, "suspend", lambda: no_suspend(app))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor") + " -w")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "e")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        message = notifications(app)[-1]
        assert message.startswith(f"Could not start the editor '{tmp_path / 'no-such-editor'}'")
        assert "Set $EDITOR" in message


async def test_without_a_terminal_to_suspend_the_editor_is_not_run(
    app: StudyApp, fake_editor: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "e")
        await pilot.pause()
        assert notifications(app)[-1] == "Cannot open an editor from this terminal."
        assert not fake_editor.exists()


async def test_a_second_file_with_the_deck_id_does_not_replace_the_studied_deck(
    app: StudyApp, deck_dir: Path
) -> None:
    """An impostor `a-copy.yaml` (sorting before `tiny.yaml`) claims the id `tiny`:
    it is the duplicate, an error on that file; the session keeps its deck."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        before = front(app)
        impostor = deck_dir / "a-copy.yaml"
        text = (deck_dir / "tiny.yaml").read_text(encoding="utf-8")
        impostor.write_text(text.replace("What is an agonist?", "IMPOSTOR"), encoding="utf-8")
        assert str(impostor) in app.poll_decks()
        await pilot.pause()
        assert app.screen is screen
        assert front(app) == before
        assert all(d.path.endswith("tiny.yaml") for d in screen.session.decks if d.id == "tiny")
        assert app.library.deck("tiny").path.endswith("tiny.yaml")
        [result] = [r for r in app.library.results if r.path == str(impostor)]
        assert result.deck is None
        assert "is already used by" in result.diagnostics[0].message
        assert any("already used by decks/tiny.yaml" in n for n in notifications(app))
