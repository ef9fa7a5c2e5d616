"""`studyapp plan`: create, list, remove; clear errors; `studyapp due` counts pulled reviews."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studyapp.app.config import resolve_paths
from studyapp.cli import main
from studyapp.core.study.planning import study_date
from studyapp.core.study.scheduling import CardState, State
from studyapp.core.study.session import ReviewRecord
from studyapp.store import Store

DECK = """\
deck: tiny
title: Tiny
cards:
  - id: one
    topic: history
    question: Q1
    answer: A1
  - id: two
    topic: dosing
    question: Q2
    answer: A2
  - id: three
    topic: dosing
    question: Q3
    answer: A3
"""


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(DECK, encoding="utf-8")
    return folder


def in_days(days: int) -> str:
    return (study_date(datetime.now(UTC)) + timedelta(days=days)).isoformat()


def plan(deck_dir: Path, *args: str) -> int:
    return main(["plan", *args, "--decks", str(deck_dir)])


def test_create_list_and_remove_a_plan(deck_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exam = in_days(20)
    assert plan(deck_dir, "--deck", "tiny", "--exam", exam, "--topic", "dosing") == 0
    out = capsys.readouterr().out
    assert f"plan 1: tiny (dosing) on {exam}, target 90%" in out
    assert "20 days left" in out
    assert "2 cards in scope (dosing), 2 never studied" in out
    assert "Predicted recall on the day if you stopped now: 0% (0 at or above 90%)" in out
    assert "Extra load today: 0 (0 reviews pulled in early)" in out
    assert "New cards: 1 a day needed to finish in time (your limit: 20)" in out
    assert "Too few reviews to know how sure this is (0 spaced reviews" in out
    assert plan(deck_dir, "--deck", "tiny", "--exam", in_days(5), "--retention", "0.95") == 0
    # A plan on the whole deck paces its new cards (3 over 2 of the 5 days).
    assert (
        "New cards: 2 a day needed to finish in time "
        "(the plan paces the deck: your limit of 20 is 2 until then)"
    ) in capsys.readouterr().out
    assert plan(deck_dir, "--list") == 0
    listed = capsys.readouterr().out
    assert listed.index("plan 2: tiny on") < listed.index("plan 1: tiny (dosing)")
    assert "target 95%" in listed and "5 days left" in listed
    assert plan(deck_dir, "--remove", "2") == 0
    assert "removed plan 2" in capsys.readouterr().out
    with Store.open(resolve_paths().database) as store:
        assert [p.id for p in store.exam_plans()] == [1]
        assert store.review_count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--deck", "nope", "--exam", "2099-01-01"], "no deck nope (decks: "),
        (["--deck", "tiny", "--exam", "2020-01-01"], "is not after today"),
        (["--deck", "tiny", "--exam", "tomorrow"], "is not a date like 2026-12-15"),
        (["--deck", "tiny", "--exam", "2099-01-01", "--topic", "x"], "no topic x in deck tiny"),
        (["--deck", "tiny"], "a plan needs --deck DECK and --exam"),
        (["--remove", "9"], "no plan 9"),
        (["--list", "--deck", "tiny"], "--list and --remove take no --deck"),
    ],
)
def test_bad_input_is_one_clear_line(
    deck_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert plan(deck_dir, *args) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("studyapp: ") and message in captured.err
    assert captured.err.count("\n") == 1
    with Store.open(resolve_paths().database) as store:
        assert store.exam_plans() == []


def test_a_bad_retention_is_a_usage_error(
    deck_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        plan(deck_dir, "--deck", "tiny", "--exam", in_days(3), "--retention", "1.5")
    assert exit_info.value.code == 2
    assert "from 0.5 to 0.99" in capsys.readouterr().err


def test_no_plans_listed(deck_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert plan(deck_dir, "--list") == 0
    assert "no exam plans" in capsys.readouterr().out


def test_due_counts_the_reviews_a_plan_pulls_in(
    deck_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    # Learnt a month ago (stability 40 days): FSRS has it due in 30 days,
    # but on an exam tomorrow it would be below 0.95, so it is pulled in today.
    # (With the exam further off, a student without spaced reviews yet has it
    # planned for the day before the exam: see test_planning's calibration tests.)
    state = CardState(
        state=State.REVIEW,
        stability=40.0,
        difficulty=5.0,
        due=now + timedelta(days=30),
        last_review=now - timedelta(days=30),
        reps=3,
    )
    key = ("tiny", "two", "main")
    with Store.open(resolve_paths().database) as store:
        store.record_review(
            ReviewRecord(key, "basic", now - timedelta(days=30), 3, 1000, CardState(), state)
        )

    def due() -> dict[str, int]:
        assert main(["due", "--json", "--decks", str(deck_dir)]) == 0
        rows = json.loads(capsys.readouterr().out)
        row = next(row for row in rows if row["deck"] == "tiny")
        return {"new": row["new"], "review": row["review"]}

    assert due() == {"new": 2, "review": 0}
    assert plan(deck_dir, "--deck", "tiny", "--exam", in_days(1), "--retention", "0.95") == 0
    assert "Extra load today: 1 (1 review pulled in early)" in capsys.readouterr().out
    assert due() == {"new": 2, "review": 1}
    # A plan on some topics only (the deck is loaded for its topics).
    assert plan(deck_dir, "--remove", "1") == 0
    assert (
        plan(
            deck_dir,
            "--deck",
            "tiny",
            "--exam",
            in_days(20),
            "--retention",
            "0.95",
            "--topic",
            "history",
        )
        == 0
    )
    capsys.readouterr()
    assert due() == {"new": 2, "review": 0}


def test_the_plan_command_does_not_import_textual(tmp_path: Path) -> None:
    from tests.unit.test_import_hygiene import python

    exam = in_days(10)
    result = python(
        f"""
        import io, json, sys
        from contextlib import redirect_stdout
        from studyapp.cli import main
        out = io.StringIO()
        with redirect_stdout(out):
            codes = [main(["plan", "--deck", "selank", "--exam", "{exam}"]),
                     main(["plan", "--list"]), main(["due"])]
        print(json.dumps({{"codes": codes, "out": out.getvalue(),
                          "textual": sorted(m for m in sys.modules if m.startswith("textual"))}}))
        """,
        tmp_path,
    )
    assert result["codes"] == [0, 0, 0]
    assert f"plan 1: selank on {exam}" in str(result["out"])
    assert result["textual"] == []
