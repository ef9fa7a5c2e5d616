"""End to end: a short tutor-mode exam in the *installed* ``studyapp``, in tmux.

``studyapp exam --deck selank -n 2 --tutor`` on the bundled deck: both
questions are answered with real key presses (whatever kinds were drawn), the
exam is submitted, the score shown, the app quit; the exam is in the database
and the review log is still empty (exams never change a schedule).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.test_tmux import STUDYAPP, tmux, wait_for

__all__ = ["tmux"]  # the fixture, shared with test_tmux.py

pytestmark = pytest.mark.e2e

KIND_RE = re.compile(
    r"\b(basic|reversible|cloze|choice|select|truefalse|typed|ordering|matching|numeric)"
    r"\s+·\s+Selank"
)

KEYS_BY_KIND = {
    "basic": ["Space", "r"],  # reveal, then "I was right"
    "reversible": ["Space", "r"],
    "cloze": ["Space", "r"],
    "choice": ["1"],
    "truefalse": ["1"],
    "select": ["1", "Enter"],
    "typed": ["Enter", "x", "Enter"],  # enter goes into the text field
    "numeric": ["Enter", "1", "Enter"],  # a number: an unreadable answer is not kept
    "ordering": ["Enter"],
    "matching": ["Enter"],
}
TYPED_KINDS = {"typed", "numeric"}
TYPING = "Typing: ctrl+n"
"""The hint once the text field has focus: keys sent before it are not typed."""


def test_a_short_exam_in_a_real_terminal(tmux: Callable[..., str], tmp_path: Path) -> None:
    home = tmp_path / "home"
    command = (
        f"env STUDYAPP_HOME={home} TEXTUAL_ANIMATIONS=none TERM=xterm-256color "
        f"{STUDYAPP} exam --deck selank -n 2 --tutor; echo EXITED:$?; sleep 30"
    )
    tmux("new-session", "-d", "-s", "exam", "-x", "100", "-y", "30", command)

    def capture() -> str:
        return tmux("capture-pane", "-p", "-t", "exam")

    for number in (1, 2):
        screen = wait_for(capture, f"Question {number} of 2")
        match = KIND_RE.search(screen)
        assert match, screen
        for n, key in enumerate(KEYS_BY_KIND[match.group(1)]):
            tmux("send-keys", "-t", "exam", key)
            if n == 0 and match.group(1) in TYPED_KINDS:
                wait_for(capture, TYPING)  # a key sent before the field has focus is lost
        # Tutor mode: graded (or marked) at once.
        screen = wait_for(capture, f"{number} answered")
        assert "Exam answers do not change your review schedule." in screen
        if number == 1:
            tmux("send-keys", "-t", "exam", "C-n")
    tmux("send-keys", "-t", "exam", "C-s")
    wait_for(capture, "Submit the exam now?")
    tmux("send-keys", "-t", "exam", "y")
    screen = wait_for(capture, "Exam results")
    assert re.search(r"Score \d+(\.\d)? / 2", screen), screen
    tmux("send-keys", "-t", "exam", "C-q")
    wait_for(capture, "EXITED:0")

    with sqlite3.connect(home / "studyapp.db") as conn:
        exams = conn.execute("SELECT mode, total, spec FROM exam").fetchall()
        answers = conn.execute("SELECT position, deck_id FROM exam_answer ORDER BY 1").fetchall()
        logged = conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
        states = conn.execute("SELECT count(*) FROM card_state").fetchone()[0]
    assert [(mode, total) for mode, total, _ in exams] == [("tutor", 2)]
    assert '"decks": ["selank"]' in exams[0][2]
    assert answers == [(0, "selank"), (1, "selank")]
    assert logged == 0 and states == 0


CLOCK_DECK = """\
deck: clock
title: Clock test
cards:
  - id: raised
    kind: select
    topic: immunity
    question: Which of these does the peptide raise?
    choices:
      - {text: IL-10, correct: true}
      - {text: BDNF, correct: true}
      - {text: TNF-alpha}
      - {text: IL-6}
    explain: Anti-inflammatory signals and BDNF go up.
  - id: kinase
    kind: typed
    topic: pathway
    question: Which kinase does BDNF activate?
    answer: TrkB
    explain: TrkB is a receptor tyrosine kinase.
"""


def test_answers_on_screen_count_when_the_clock_runs_out(
    tmux: Callable[..., str], tmp_path: Path
) -> None:
    """Ticks and text typed without enter, on screen at zero, are scored as answered."""
    home, decks = tmp_path / "home", tmp_path / "decks"
    decks.mkdir()
    (decks / "clock.yaml").write_text(CLOCK_DECK, encoding="utf-8")
    command = (
        f"env STUDYAPP_HOME={home} TEXTUAL_ANIMATIONS=none TERM=xterm-256color "
        f"{STUDYAPP} exam --decks {decks} --deck clock -n 2 --time 15s; echo EXITED:$?; sleep 60"
    )
    tmux("new-session", "-d", "-s", "clock", "-x", "80", "-y", "24", command)

    def capture() -> str:
        return tmux("capture-pane", "-p", "-t", "clock")

    def keys(*names: str) -> None:
        for name in names:
            tmux("send-keys", "-t", "clock", name)

    for number in (1, 2):
        screen = wait_for(capture, f"Question {number} of 2")
        typed = "typed" in screen
        if typed:
            keys("Enter")  # into the field
            wait_for(capture, TYPING)
            keys("T", "r", "k", "B")  # never submitted with enter
            wait_for(capture, "TrkB")
        else:
            keys("1", "2")  # two ticks, never submitted with enter
            wait_for(capture, "[x]")
        if number == 1:
            keys("C-n" if typed else "n")
    screen = wait_for(capture, "Time ran out", timeout=40)
    assert "(not answered)" not in screen
    keys("C-q")
    wait_for(capture, "EXITED:0")

    with sqlite3.connect(home / "studyapp.db") as conn:
        answers = dict(conn.execute("SELECT card_id, answer FROM exam_answer").fetchall())
    assert answers["kinase"] == "TrkB"
    assert answers["raised"] is not None and answers["raised"].count("; ") == 1  # two ticked
