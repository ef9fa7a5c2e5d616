"""GIFT export, checked by a small GIFT parser written from Moodle's grammar.

The parser follows Moodle's ``qformat_gift``: questions are separated by blank
lines, ``//`` lines are comments, ``$CATEGORY:`` sets the category, escapes
(``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``) are replaced by placeholders before
parsing, a question is ``::title::[format]text{answers}``, the answer block
decides the type (``#`` numeric, ``T``/``F`` true-false, ``=a -> b`` matching,
only ``=`` short answer, ``=`` and ``~`` single choice, only ``~`` multiple
answer), ``####`` starts the general feedback and ``#`` an answer's feedback.
Every kind's expected output is written out by hand below.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from studyapp.core.deck.model import Deck
from studyapp.core.library.loader import load_deck_file
from studyapp.interchange.gift import MOODLE_GRADES, export_gift, gift_escape

DATA = Path(__file__).parent / "data"

_ESCAPES = {"\\\\": "\ue000", "\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003",
            "\\{": "\ue004", "\\}": "\ue005", "\\~": "\ue006", "\\n": "\n"}  # fmt: skip
_RESTORE = {"\ue000": "\\", "\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{",
            "\ue005": "}", "\ue006": "~"}  # fmt: skip


def _pre(text: str) -> str:
    for escape, placeholder in _ESCAPES.items():
        text = text.replace(escape, placeholder)
    return text


def _post(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text.strip()


def _answer(piece: str) -> dict[str, Any]:
    """One ``=...`` or ``~...`` answer: mark, weight, text, feedback (or a pair)."""
    mark, body = piece[0], piece[1:].strip()
    weight = None
    match = re.match(r"%(-?[\d.]+)%", body)
    if match:
        weight, body = match.group(1), body[match.end() :]
    body, _, feedback = body.partition("#")
    out: dict[str, Any] = {"mark": mark, "text": _post(body)}
    if weight is not None:
        out["weight"] = weight
    if feedback:
        out["feedback"] = _post(feedback)
    return out


def parse_question(body: str) -> dict[str, Any]:
    assert body.startswith("::"), body
    end = body.index("::", 2)
    question: dict[str, Any] = {"title": _post(body[2:end])}
    rest = body[end + 2 :]
    fmt = re.match(r"\[(\w+)\]", rest)
    if fmt:
        question["format"] = fmt.group(1)
        rest = rest[fmt.end() :]
    start = rest.index("{")
    close = rest.index("}", start)
    assert "{" not in rest[start + 1 :] or rest.index("{", start + 1) > close
    assert "{" not in rest[close + 1 :] and "}" not in rest[close + 1 :], "one block only"
    question["text"] = _post(rest[:start])
    after = _post(rest[close + 1 :])
    if after:
        question["after"] = after  # a missing-word question: the blank is in the text
    block = rest[start + 1 : close].strip()
    if "####" in block:
        block, _, general = block.partition("####")
        question["general"] = _post(general)
        block = block.strip()
    if block.startswith("#"):
        value, _, tolerance = block[1:].partition(":")
        question.update(type="numerical", value=value.strip(), tolerance=tolerance.strip())
    elif re.fullmatch(r"(T|F|TRUE|FALSE)(#.*)?", block, re.S):
        letter, *feedback = block.split("#")
        question.update(type="truefalse", answer=letter in ("T", "TRUE"))
        if feedback:
            question["wrong_feedback"] = _post(feedback[0])
            question["right_feedback"] = _post(feedback[1]) if len(feedback) > 1 else ""
    else:
        pieces = [p for p in re.split(r"(?=[=~])", block) if p.strip()]
        answers = [_answer(p.strip()) for p in pieces]
        marks = {a["mark"] for a in answers}
        if marks == {"="} and all("->" in a["text"] for a in answers):
            question["type"] = "matching"
            question["pairs"] = sorted(
                tuple(side.strip() for side in a["text"].split("->", 1)) for a in answers
            )
            return question
        if marks == {"="}:
            question["type"] = "shortanswer"
        elif "=" in marks:
            question["type"] = "multichoice-single"
        else:
            question["type"] = "multichoice-multiple"
        question["answers"] = sorted(answers, key=lambda a: a["text"])
    return question


def parse_gift(text: str) -> list[dict[str, Any]]:
    questions = []
    category = None
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line for line in block.split("\n") if not line.strip().startswith("//")]
        body = _pre("\n".join(lines).strip())
        if not body:
            continue
        if body.startswith("$CATEGORY:"):
            category = body.split(":", 1)[1].strip()
            continue
        question = parse_question(body)
        question["category"] = category
        questions.append(question)
    return questions


@pytest.fixture
def deck() -> Deck:
    result = load_deck_file(DATA / "every_kind.yaml")
    assert result.deck is not None, result.diagnostics
    return result.deck


CATEGORY = "$course$/gift-demo"
EXPECTED = {
    "gift-demo/enzyme": {
        "format": "html",
        "text": "Which enzyme: GABA-T or {GAD}?",
        "type": "multichoice-single",
        "answers": [
            {"mark": "~", "text": "<i>GAD</i>", "feedback": "It makes GABA #1"},
            {
                "mark": "=",
                "text": "GABA transaminase",
                "feedback": "It breaks GABA down = less GABA",
            },
        ],
        "general": "Less <b>breakdown</b> ~ more GABA.",
    },
    "gift-demo/cytokines": {
        "format": "html",
        "text": "Select all",
        "type": "multichoice-multiple",
        "answers": [
            {"mark": "~", "weight": "-100", "text": "IL-10", "feedback": "Raised, not lowered"},
            {"mark": "~", "weight": "50", "text": "IL-6"},
            {"mark": "~", "weight": "50", "text": "TNF-alpha"},
        ],
        "general": "Pro-inflammatory ones.",
    },
    "gift-demo/compare": {
        "format": "html",
        "text": "A &lt; B &amp; C",
        "type": "truefalse",
        "answer": False,
        "wrong_feedback": "No: it is not.",
        "right_feedback": "No: it is not.",
    },
    "gift-demo/receptor": {
        "format": "html",
        "text": "Receptor?",
        "type": "shortanswer",
        # Moodle's short answer reads * as a wildcard: a literal one is \*.
        "answers": [
            {"mark": "=", "text": "NTRK2"},
            {"mark": "=", "text": "TrkB"},
            {"mark": "=", "text": "a\\*b"},
        ],
    },
    "gift-demo/strength": {
        "format": "html",
        "text": "What strength? (answer in %)",  # the deck has no caveat: none is added
        "type": "numerical",
        "value": "0.15",
        "tolerance": "0.003",  # 2% of 0.15
    },
    "gift-demo/pairs": {
        "format": "html",
        "text": "Match",
        "type": "matching",
        "pairs": [("GABA-A", "Cl- channel"), ("TrkB", "BDNF: receptor")],
    },
    "gift-demo/cascade/c1": {
        "format": "html",
        "text": "BDNF binds",
        "after": "[a kinase] then Ras.",
        "type": "shortanswer",
        "answers": [{"mark": "=", "text": "TrkB"}],
    },
    "gift-demo/cascade/c2": {
        "format": "html",
        "text": "BDNF binds TrkB then",
        "after": ".",
        "type": "shortanswer",
        "answers": [{"mark": "=", "text": "Ras"}],
    },
    "gift-demo/shared/c2": {
        "format": "html",
        "text": "a and b and",
        "type": "shortanswer",
        "answers": [{"mark": "=", "text": "c"}],
    },
}


def test_every_kind_parses_to_the_hand_checked_questions(deck: Deck) -> None:
    text, _ = export_gift([deck])
    parsed = {q.pop("title"): q for q in parse_gift(text)}
    assert all(q.pop("category") == CATEGORY for q in parsed.values())
    assert parsed == EXPECTED


def test_kinds_gift_cannot_express_are_reported_not_dropped(deck: Deck) -> None:
    _, report = export_gift([deck])
    assert dict(report.written) == {
        "choice": 1,
        "select": 1,
        "truefalse": 1,
        "typed": 1,
        "numeric": 1,
        "matching": 1,
        "cloze": 2,
    }
    skipped = {kind: count for (kind, _), count in report.skipped.items()}
    assert skipped == {"basic": 1, "reversible": 1, "ordering": 1, "cloze deletion": 1}
    lines = report.skipped_lines()
    assert any(line.startswith("1 ordering: GIFT has no ordering question") for line in lines)
    # Every card is either written or reported.
    assert report.total + 3 == len(deck.cards)


def test_every_bundled_question_parses(deck: Deck) -> None:
    bundled = load_deck_file(Path(__file__).resolve().parents[2] / "decks" / "selank.yaml").deck
    assert bundled is not None
    text, report = export_gift([bundled])
    questions = parse_gift(text)
    # One question per card written, plus one per extra cloze deletion.
    assert len(questions) >= report.total > 0
    assert report.total + sum(report.skipped.values()) >= len(bundled.cards)
    assert {q["type"] for q in questions} == {
        "multichoice-single",
        "multichoice-multiple",
        "truefalse",
        "shortanswer",
        "numerical",
        "matching",
    }
    for question in questions:
        if question["type"] == "multichoice-multiple":
            weights = [float(a["weight"]) for a in question["answers"]]
            assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=0.001)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a:b", "a\\:b"),
        ("x = y # z", "x \\= y \\# z"),
        ("{~}", "\\{\\~\\}"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
    ],
)
def test_gift_escape(text: str, escaped: str) -> None:
    assert gift_escape(text) == escaped
    assert _post(_pre(escaped)) == text.strip()


def test_moodle_grades_split_100() -> None:
    for count, grade in MOODLE_GRADES.items():
        assert float(grade) * count == pytest.approx(100, abs=0.001)


EDGE_DECK = """\
deck: edge
title: Edge
cards:
  - id: lonely
    kind: choice
    topic: alone
    question: Nothing to draw from?
    answer: Only me
    distractors: auto
    explain: x
  - id: many
    kind: select
    topic: t
    question: All of them?
    choices: [{text: o1, correct: true}, {text: o2, correct: true}, {text: o3, correct: true},
              {text: o4, correct: true}, {text: o5, correct: true}, {text: o6, correct: true},
              {text: o7, correct: true}, {text: o8, correct: true}, {text: o9, correct: true},
              {text: o10, correct: true}, {text: o11, correct: true}, {text: w, correct: false}]
    explain: x
  - id: arrow
    kind: matching
    topic: t
    question: Arrows
    pairs: [[a, "b -> c"], [d, e]]
  - id: generated
    kind: numeric
    topic: dosing
    question: "{mg} mg in {ml} mL: mg per mL?"
    params: {mg: {min: 1, max: 9}, ml: {min: 1, max: 3}}
    formula: mg / ml
    unit: mg
    tolerance: 1%
    decimals: 2
"""


def test_edge_cases_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(EDGE_DECK, encoding="utf-8")
    result = load_deck_file(path)
    assert result.deck is not None, result.diagnostics
    text, report = export_gift([result.deck])
    reasons = {kind: reason for (kind, reason) in report.skipped}
    assert reasons == {
        "choice": "its topic has no other answer to draw a wrong option from",
        "select": "Moodle grades cannot split 100% among more than 10 options",
        "matching": "an item contains '->', which GIFT reads as a pair's arrow",
    }
    (question,) = parse_gift(text)
    assert question["type"] == "numerical"
    assert report.note_lines() == ["1 numeric card: exported with one set of numbers"]
    # One variant, always the same; the tolerance is at least half the last decimal shown.
    assert parse_gift(export_gift([result.deck])[0]) == [question]
    assert float(question["tolerance"]) >= 0.005
    assert "mg / ml = " in question["general"]  # the worked solution for those numbers
