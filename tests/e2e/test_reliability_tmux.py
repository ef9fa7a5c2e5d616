"""End to end (the installed app in tmux): one writer per data folder, and
answers that survive SIGKILL.

* A second studyapp on the same data folder refuses with one line and exit 1
  while the first studies; no card is studied twice as new.
* The app is killed (SIGKILL) at seeded random points while answering: every
  answer seen committed before the kill is still there, the database passes
  its integrity check, and the next start works.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.test_tmux import STUDYAPP, open_selank, tmux, wait_for

pytestmark = pytest.mark.e2e
__all__ = ["tmux"]  # the fixture


def _start(tmux: Callable[..., str], name: str, home: Path, window: bool = False) -> None:
    command = (
        f"env STUDYAPP_HOME={home} TEXTUAL_ANIMATIONS=none TERM=xterm-256color "
        f"{STUDYAPP}; echo EXITED:$?; sleep 60"
    )
    if window:
        tmux("new-window", "-d", "-n", name, "-t", "e2e", command)
    else:
        tmux("new-session", "-d", "-s", "e2e", "-n", name, "-x", "100", "-y", "30", command)


def _screen(tmux: Callable[..., str], name: str) -> Callable[[], str]:
    return lambda: tmux("capture-pane", "-p", "-t", f"e2e:{name}")


def _flashcards_only(home: Path, decks: Path) -> None:
    """A deck of 40 plain flashcards (space shows the answer, 1-4 rate), alone."""
    decks.mkdir()
    cards = "".join(
        f"  - id: c{n}\n    topic: t\n    question: Question {n}?\n    answer: Answer {n}\n"
        for n in range(40)
    )
    (decks / "flash.yaml").write_text(f"deck: flash\ntitle: Flashcards\ncards:\n{cards}")
    home.mkdir()
    (home / "config.toml").write_text(
        f"include_bundled_decks = false\ndecks = [{str(decks)!r}]\n"
        "[scheduling]\nnew_per_day = 100\n"
    )


def _reviews(database: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(database)
    try:
        return conn.execute(
            "SELECT card_id, sibling, state_before FROM review_log "
            "WHERE action = 'review' AND undone_at IS NULL ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _wait_count(database: Path, at_least: int, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if database.exists() and (n := len(_reviews(database))) >= at_least:
            return n
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} reviews after {timeout} s")


def test_a_second_app_refuses_and_nothing_is_studied_twice(
    tmux: Callable[..., str], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    database = home / "studyapp.db"
    _start(tmux, "first", home)
    first = _screen(tmux, "first")
    wait_for(first, "Selank")
    holder = json.loads((home / "studyapp.lock.json").read_text())["pid"]
    _start(tmux, "second", home, window=True)
    second = wait_for(_screen(tmux, "second"), "EXITED:1")
    assert f"studyapp is already open in another terminal (pid {holder})" in second
    assert "Traceback" not in second
    open_selank(tmux, "e2e:first", first)  # flashcards first
    for n in range(1, 4):
        wait_for(first, "show answer")
        tmux("send-keys", "-t", "e2e:first", "Space")
        wait_for(first, "Again")
        tmux("send-keys", "-t", "e2e:first", "3")
        _wait_count(database, n)
    rows = _reviews(database)
    news = [(card, sibling) for card, sibling, before in rows if before == "new"]
    assert len(news) == len(set(news)) == 3, rows
    tmux("send-keys", "-t", "e2e:first", "q")
    wait_for(first, "Cards studied")
    tmux("send-keys", "-t", "e2e:first", "C-q")
    wait_for(first, "EXITED:0")
    # Closed: the next one opens.
    _start(tmux, "third", home, window=True)
    wait_for(_screen(tmux, "third"), "Selank")


def test_sigkill_while_answering_loses_no_committed_answer(
    tmux: Callable[..., str], tmp_path: Path
) -> None:
    rng = random.Random(13)
    home = tmp_path / "home"
    database = home / "studyapp.db"
    _flashcards_only(home, tmp_path / "decks")
    committed = 0
    kill_points = 6
    for round_ in range(kill_points):
        name = f"r{round_}"
        _start(tmux, name, home, window=round_ > 0)
        screen = _screen(tmux, name)
        wait_for(screen, "Flashcards")
        pid = json.loads((home / "studyapp.lock.json").read_text())["pid"]
        tmux("send-keys", "-t", f"e2e:{name}", "Enter")
        for _ in range(rng.randint(1, 3)):  # answers seen committed
            wait_for(screen, "show answer")
            tmux("send-keys", "-t", f"e2e:{name}", "Space")
            wait_for(screen, "Again")
            tmux("send-keys", "-t", f"e2e:{name}", str(rng.randint(1, 4)))
            committed = _wait_count(database, committed + 1)
        # Keys in flight, then the kill at a random moment among them.
        tmux("send-keys", "-t", f"e2e:{name}", "Space", "3", "Space", "2")
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(pid, signal.SIGKILL)
        wait_for(screen, "EXITED:137")
        conn = sqlite3.connect(database)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
        after = len(_reviews(database))
        assert after >= committed, (round_, after, committed)
        committed = after
    print(f"\n{kill_points} kill points while answering, {committed} answers kept, 0 lost")
