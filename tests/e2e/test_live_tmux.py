"""End to end in a real terminal (tmux): ``e`` suspends the app for a real
``$EDITOR`` and the deck reloads after it; a save from outside reloads too."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.test_tmux import STUDYAPP, tmux, wait_for

__all__ = ["tmux"]  # the fixture, imported for this module

pytestmark = pytest.mark.e2e

TINY = Path(__file__).resolve().parent.parent / "tui" / "fixtures" / "tiny.yaml"

EDITOR = """\
#!/bin/sh
echo "$@" > "{log}"
sed -i 's/What is an \\*\\*agonist\\*\\*?/Define an **agonist**./' "$2"
"""


def test_edit_and_live_reload_in_a_real_terminal(tmux: Callable[..., str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("include_bundled_decks = false\n", encoding="utf-8")
    decks = tmp_path / "decks"
    decks.mkdir()
    deck = decks / "tiny.yaml"
    shutil.copy(TINY, deck)
    log = tmp_path / "editor.log"
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR.format(log=log), encoding="utf-8")
    editor.chmod(0o755)
    command = (
        f"env STUDYAPP_HOME={home} TEXTUAL_ANIMATIONS=none TERM=xterm-256color "
        f"EDITOR={editor} VISUAL= {STUDYAPP} --decks {decks}; echo EXITED:$?; sleep 30"
    )
    tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", command)

    def capture() -> str:
        return tmux("capture-pane", "-p", "-t", "e2e")

    wait_for(capture, "Tiny pharmacology")
    tmux("send-keys", "-t", "e2e", "Enter")
    wait_for(capture, "What is an agonist?")
    tmux("send-keys", "-t", "e2e", "e")
    wait_for(capture, "Define an agonist.")
    assert log.read_text(encoding="utf-8").split() == ["+13", str(deck)]
    # A save from another program: the running app picks it up by itself.
    deck.write_text(
        deck.read_text(encoding="utf-8").replace("Define an", "Describe an"), encoding="utf-8"
    )
    wait_for(capture, "Describe an agonist.", timeout=10)
    tmux("send-keys", "-t", "e2e", "q")
    tmux("send-keys", "-t", "e2e", "C-q")
    wait_for(capture, "EXITED:0")
