"""`studyapp suspend` / `unsuspend`: by hand, logged, and listing leeches."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.app.config import resolve_paths
from studyapp.cli import main
from studyapp.store import Store

DECK = """\
deck: tiny
title: Tiny
cards:
  - id: one
    topic: history
    question: Q1
    answer: A1
  - id: both
    kind: reversible
    topic: history
    front: F
    back: B
"""


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(DECK, encoding="utf-8")
    return folder


def states(isolated_home: Path) -> dict[tuple[str, str, str], bool]:
    with Store.open(resolve_paths().database) as store:
        return {k: s.suspended for k, s in store.card_states(["tiny"]).items()}


def test_suspend_then_unsuspend_every_sibling(
    deck_dir: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suspend", "tiny", "both", "--decks", str(deck_dir)]) == 0
    assert "suspended 2 prompts" in capsys.readouterr().out
    assert states(isolated_home) == {
        ("tiny", "both", "forward"): True,
        ("tiny", "both", "reverse"): True,
    }
    assert main(["unsuspend", "tiny", "--decks", str(deck_dir)]) == 0
    listed = capsys.readouterr().out
    assert "both  (forward)" in listed and "both  (reverse)" in listed
    assert main(["unsuspend", "tiny", "--all", "--decks", str(deck_dir)]) == 0
    assert "unsuspended 2 prompts" in capsys.readouterr().out
    assert not any(states(isolated_home).values())
    with Store.open(resolve_paths().database) as store:
        actions = [row["action"] for row in store.history(("tiny", "both", "forward"))]
    assert actions == ["suspend", "unsuspend"]


def test_unknown_card_is_a_clear_error(deck_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suspend", "tiny", "nope", "--decks", str(deck_dir)]) == 1
    assert "no card nope in deck 'tiny'" in capsys.readouterr().err


def test_nothing_suspended(deck_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["unsuspend", "tiny", "--decks", str(deck_dir)]) == 0
    assert "no suspended cards" in capsys.readouterr().out
