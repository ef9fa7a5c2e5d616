"""docs/deck-format.md, "How answers are graded": every documented rule is run.

The table is parsed, and each row's answer is graded for its card exactly as
the app grades it; the verdict and the first feedback line must be what the
row says. So the documentation and the code cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.grading_cases import grade_answer

DOC = Path(__file__).resolve().parents[2] / "docs" / "deck-format.md"
VERDICTS = {"correct": "correct", "almost": "almost", "wrong": "wrong", "not read": "unreadable"}


def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split("\n## How answers are graded\n", 1)[1].split("\n## ", 1)[0]


def rows() -> list[list[str]]:
    found = []
    for line in section().splitlines():
        if re.match(r"\| \d+ \|", line):
            cells = [cell.strip() for cell in line.strip()[1:-1].split("|")]
            assert len(cells) == 7, line
            found.append(cells)
    return found


def code(cell: str) -> str:
    assert cell.startswith("`") and cell.endswith("`"), cell
    return cell[1:-1]


def answer_of(cell: str, kind: str) -> Any:
    text = code(cell)
    if text == "(nothing)":
        return [] if kind in ("select", "ordering", "matching") else ""
    return re.sub(r"␣×(\d+)", lambda m: " " * int(m.group(1)), text)


def context_of(cell: str) -> tuple[list[str], list[str]]:
    others: list[str] = []
    kept: list[str] = []
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        name, _, value = part.partition(": ")
        {"other": others, "kept": kept}[name].append(value)
    return others, kept


ROWS = rows()


def test_the_table_lists_the_rules_in_order() -> None:
    assert [int(row[0]) for row in ROWS] == list(range(1, len(ROWS) + 1))
    assert len(ROWS) >= 60


@pytest.mark.parametrize("row", ROWS, ids=[f"rule-{row[0]}" for row in ROWS])
def test_every_documented_rule(row: list[str]) -> None:
    _number, _rule, card_cell, context_cell, answer_cell, verdict, line = row
    card = yaml.safe_load(code(card_cell))
    others, kept = context_of(context_cell)
    grade = grade_answer(card, answer_of(answer_cell, card["kind"]), others=others, kept=kept)
    assert grade.verdict.value == VERDICTS[verdict], grade
    if not line:
        assert grade.feedback == ()
    elif line.endswith("…"):
        assert grade.feedback[0].startswith(line[:-1]), grade.feedback
    else:
        assert grade.feedback[0] == line, grade.feedback
    if verdict != "correct":
        assert grade.score == 0.0
