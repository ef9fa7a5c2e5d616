"""End to end: the *installed* ``studyapp`` in a real terminal (tmux).

Starts the app on the bundled decks with a private tmux server (``-S``) and
no user tmux config (``-f /dev/null``), studies one card with real key
presses, quits, and finds the review in the database.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

STUDYAPP = Path(sys.executable).with_name("studyapp")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it)")
    if not STUDYAPP.exists():
        pytest.skip(f"studyapp is not installed next to {sys.executable}")
    socket = tmp_path / "tmux.sock"

    def run(*args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", str(socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
        return result.stdout

    yield run
    subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True, check=False)


def wait_for(capture: Callable[[], str], text: str, timeout: float = 20.0) -> str:
    """Poll the pane until ``text`` shows up; fail with the last screen."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture()
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; last screen:\n{screen}")


def open_selank(tmux: Callable[..., str], target: str, capture: Callable[[], str]) -> None:
    """Study the Selank deck from home: the bundled decks are listed in file order
    (pharmacy calculations first), so move down one row, wait until the detail
    pane shows the Selank file is selected (a key sent while home is still
    counting or refreshing its rows must not go unseen), then enter."""
    wait_for(capture, "Selank")
    tmux("send-keys", "-t", target, "Down")
    wait_for(capture, "selank.yaml")
    tmux("send-keys", "-t", target, "Enter")


def test_study_one_card_in_a_real_terminal(tmux: Callable[..., str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    command = (
        f"env STUDYAPP_HOME={home} TEXTUAL_ANIMATIONS=none TERM=xterm-256color "
        f"{STUDYAPP}; echo EXITED:$?; sleep 30"
    )
    tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", command)

    def capture() -> str:
        return tmux("capture-pane", "-p", "-t", "e2e")

    open_selank(tmux, "e2e", capture)  # a basic card first
    wait_for(capture, "show answer")
    tmux("send-keys", "-t", "e2e", "Space")
    wait_for(capture, "Again")
    tmux("send-keys", "-t", "e2e", "3")
    # The answer is committed before the next card is shown.
    wait_for(capture, "New 19")
    tmux("send-keys", "-t", "e2e", "q")
    wait_for(capture, "Cards studied")
    tmux("send-keys", "-t", "e2e", "C-q")
    wait_for(capture, "EXITED:0")

    with sqlite3.connect(home / "studyapp.db") as conn:
        rows = conn.execute("SELECT deck_id, rating, action, undone_at FROM review_log").fetchall()
    assert rows == [("selank", 3, "review", None)]
