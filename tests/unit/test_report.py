"""``studyapp report``: the Markdown renderer and the command, and decks/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.core.deck.model import Deck
from studyapp.core.deck.report import GENERATED_NOTE, markdown_escape, render_report
from studyapp.core.library.loader import load_deck_bytes

REPO = Path(__file__).resolve().parents[2]

SMALL = """\
deck: small
title: Small *demo* deck
description: >-
  Two topics | three kinds.
sources:
  book:
    title: A book
    sections: [One, Two]
    references: {1: First}
  notes:
    title: Notes
cards:
  - {id: a, topic: zeta, source: {key: book, section: One}, question: q, answer: a}
  - {id: b, topic: alpha, kind: reversible, source: {key: book, section: Two}, front: f, back: b}
  - {id: c, topic: zeta, kind: cloze, source: {key: book, section: One}, text: "{{x}} and {{y}}"}
  - {id: d, topic: zeta, question: q2, answer: a2}
"""
LEVELS = "\n".join(
    [
        "  - {id: e, topic: t, question: q3, answer: a, evidence: animal}",
        "  - {id: f, topic: t, question: q4, answer: a, evidence: clinical}",
        "  - {id: g, topic: t, question: q5, answer: a, evidence: animal}",
        "",
    ]
)


def small_deck() -> Deck:
    result = load_deck_bytes(SMALL.encode(), "some/folder/small.yaml")
    assert result.deck is not None, [d.format() for d in result.diagnostics]
    return result.deck


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main(["report", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_renderer_summarises_a_small_deck() -> None:
    text = render_report([small_deck()])
    assert text.startswith(GENERATED_NOTE)
    assert "1 deck, 4 cards in all." in text
    assert "## Small \\*demo\\* deck" in text  # deck text is data, not Markdown
    assert "Deck `small` in `small.yaml`: 4 cards, 6 prompts to study" in text
    assert "Two topics \\| three kinds." in text
    assert "- **A book** (`book`): cited by 3 cards, 2 sections, 1 numbered reference" in text
    assert "- **Notes** (`notes`): cited by 0 cards" in text
    assert "- no source: 1 card" in text
    topics = text.split("### Cards per topic, in study order")[1].split("###")[0]
    # topics in the order the deck introduces them, not alphabetical
    assert topics.strip().splitlines()[2:] == ["| zeta | 3 | 75% |", "| alpha | 1 | 25% |"]
    kinds = text.split("### Cards per kind")[1]
    assert kinds.strip().splitlines()[2:] == [
        "| basic | 2 | 50% |",
        "| cloze | 1 | 25% |",
        "| reversible | 1 | 25% |",
    ]
    assert text.endswith("| reversible | 1 | 25% |\n")


def test_evidence_levels_are_counted_when_cards_give_them() -> None:
    assert "evidence level" not in render_report([small_deck()])
    result = load_deck_bytes((SMALL + LEVELS).encode(), "small.yaml")
    assert result.deck is not None
    levels = render_report([result.deck]).split("### Cards per evidence level")[1]
    assert levels.strip().splitlines()[4:] == [  # the documented order, then the rest
        "| clinical | 1 | 14% |",
        "| animal | 2 | 29% |",
        "| (none given) | 4 | 57% |",
    ]


def test_renderer_with_no_decks() -> None:
    assert render_report([]).endswith("# Decks\n\nNo decks.\n")


def test_markdown_escape() -> None:
    assert markdown_escape("a *b* `c` [d](e) <f> #g |h| \\") == (
        "a \\*b\\* \\`c\\` \\[d\\](e) \\<f\\> \\#g \\|h\\| \\\\"
    )
    assert markdown_escape("two\n  lines") == "two lines"


def test_bundled_readme_is_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, REPO / "decks")
    assert (code, err) == (0, "")
    readme = (REPO / "decks" / "README.md").read_text(encoding="utf-8")
    assert readme == out, (
        "decks/README.md is stale: studyapp report decks -o decks/README.md --force"
    )


def test_default_is_the_bundled_decks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    assert out == (REPO / "decks" / "README.md").read_text(encoding="utf-8")


def test_output_file_and_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "decks" / "small.yaml"
    deck.parent.mkdir()
    deck.write_text(SMALL, encoding="utf-8")
    target = tmp_path / "README.md"
    code, out, err = run(capsys, deck.parent, "--output", target)
    assert (code, err) == (0, "")
    assert out == f"wrote {target}: 1 deck, 4 cards\n"
    assert target.read_text(encoding="utf-8") == render_report([small_deck()]).replace(
        "some/folder/", ""
    )
    target.write_text("mine", encoding="utf-8")
    code, out, err = run(capsys, deck.parent, "--output", target)
    assert (code, out) == (1, "")
    assert err == f"studyapp: {target} already exists (use --force to overwrite it)\n"
    assert target.read_text(encoding="utf-8") == "mine"
    code, _, _ = run(capsys, deck.parent, "--output", target, "--force")
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith(GENERATED_NOTE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "decks"]  # no temp left


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "studyapp: no such file or folder: {tmp}/nope\n"),
        ("empty", "studyapp: no deck files (.yaml, .yml) in {tmp}\n"),
        ("folder-output", "studyapp: {tmp} is a folder; give a file name\n"),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str
) -> None:
    argv: list[str | Path] = [tmp_path / "nope"] if setup == "missing" else [tmp_path]
    if setup == "folder-output":
        (tmp_path / "d.yaml").write_text(SMALL, encoding="utf-8")
        argv += ["--output", tmp_path]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err == message.format(tmp=tmp_path)


def test_a_broken_deck_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.yaml").write_text(SMALL, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("deck: bad\ntitle: Bad\ncards: []\n", encoding="utf-8")
    target = tmp_path / "out.md"
    code, out, err = run(capsys, tmp_path, "--output", target)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'bad.yaml'}:") and "error" in lines[0]
    assert lines[1] == (
        "studyapp: 1 deck file with errors (`studyapp check` lists them all); nothing written"
    )
    assert not target.exists()
