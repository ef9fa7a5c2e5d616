"""``studyapp preview DECK``: every prompt's front and back, literally."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.core.deck.evidence import evidence_line
from studyapp.core.deck.text import plain
from studyapp.core.kinds import KINDS
from studyapp.core.library import load_library
from studyapp.core.study.search import faces_of
from tests.conftest import BUNDLED_DECKS

FIXTURES = Path(__file__).resolve().parent.parent / "tui" / "fixtures"
TINY = FIXTURES / "tiny.yaml"


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long lines stay on one line, so the output can be searched line by line."""
    monkeypatch.setenv("COLUMNS", "500")


@pytest.mark.parametrize("path", [TINY, FIXTURES / "objective.yaml", BUNDLED_DECKS / "selank.yaml"])
def test_every_prompt_front_and_back_is_printed(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", str(path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    deck = load_library([path]).decks[0]
    assert lines[0].startswith(f"{deck.title}  ({deck.id}, {len(deck.cards)} cards, ")
    for card in deck.cards:
        assert f"{path}:{card.line}" in out
        assert any(line.startswith(f"{card.id} · {card.kind} · {card.topic} ─") for line in lines)
        if card.explain:
            assert f"Why:   {card.explain.splitlines()[0]}" in lines
        if card.evidence:
            assert f"Evidence: {evidence_line(card.evidence)}" in lines
        for _sibling, face in faces_of(card):
            front = plain(list(face.front)).splitlines()[0]
            back = plain(list(face.back)).splitlines()[0]
            assert f"Front: {front}" in lines
            assert f"Back:  {back}" in lines


def test_the_evidence_level_follows_the_explain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "levels.yaml"
    deck.write_text(
        "deck: levels\ntitle: Levels\ncards:\n"
        "  - {id: a, topic: t, question: Q, answer: A, explain: Why not., evidence: in-vitro}\n",
        encoding="utf-8",
    )
    assert main(["preview", str(deck)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2:] == [
        "Why:   Why not.",
        "Evidence: in-vitro: work on cells, tissue or enzymes outside a living body",
    ]


def test_the_fixtures_cover_every_kind() -> None:
    decks = load_library([FIXTURES / "objective.yaml", TINY]).decks
    assert {card.kind for deck in decks for card in deck.cards} == set(KINDS)


def test_tiny_deck_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(TINY)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out  # not a terminal: no colour codes (and the deck's ESC is gone)
    expected = f"""\
half-life · cloze · kinetics ─
{TINY}:21
Source: Lecture notes § Basics
[c1]
Front: After [...] half-life, 50% of the drug is left.
Back:  After one half-life, 50% of the drug is left.
[c2]
Front: After one half-life, [a percentage] of the drug is left.
Back:  After one half-life, 50% of the drug is left.
Why:   Elimination is first-order for most drugs.
"""
    start = out.index("half-life · cloze")
    block = out[start : out.index("\n\n", start) + 1]
    assert block.splitlines()[0].startswith("half-life · cloze · kinetics ───")
    assert block.splitlines()[1:] == expected.splitlines()[1:]
    # Deck text that looks like Rich markup is printed as written.
    assert "Front: Literal [bold red]x[/] and an escape [2J here\n" in out
    assert "Back:  Still [bold red]x[/]\n" in out


def test_a_deck_id_from_the_configured_folders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--decks", str(FIXTURES), "tiny"]) == 0
    assert "Front: What is an agonist?" in capsys.readouterr().out


def test_an_unknown_deck(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--decks", str(FIXTURES), "nope"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("studyapp: no deck file or deck id 'nope' (decks: ")
    assert "tiny" in captured.err


def test_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: b\ntitle: B\ncolour: red\ncards: []\n", encoding="utf-8")
    assert main(["preview", str(broken)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[0].startswith(f"{broken}:3:1: error: ")
    assert captured.err.splitlines()[-1] == f"studyapp: {broken} has errors; fix them to preview it"


def test_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_preview_does_not_import_textual(tmp_path: Path) -> None:
    code = f"""
import io, json, sys
from contextlib import redirect_stdout
from studyapp.cli import main
with redirect_stdout(io.StringIO()):
    code = main(["preview", {str(TINY)!r}])
print(json.dumps({{"code": code, "textual": "textual" in sys.modules}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert json.loads(result.stdout.splitlines()[-1]) == {"code": 0, "textual": False}
