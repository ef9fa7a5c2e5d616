"""``studyapp try DECK CARD_ID ANSWER [--seed N] [--json]``: grade as the app does,
on every kind, in text and JSON, without ever writing the study database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from studyapp.app.config import resolve_paths
from studyapp.cli import main
from studyapp.store import Store
from tests.conftest import BUNDLED_DECKS

FIXTURES = Path(__file__).resolve().parent.parent / "tui" / "fixtures"
OBJECTIVE = str(FIXTURES / "objective.yaml")
TINY = str(FIXTURES / "tiny.yaml")


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["try", *args, "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def option(result: dict[str, Any], text: str, key: str = "options") -> str:
    """The label the question shows for the option ``text``."""
    return next(label for label, shown in result[key].items() if shown == text)


# ------------------------------------------------------------- every kind


def test_typed_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["try", OBJECTIVE, "trkb", "TrkB receptor"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "objective / trkb (typed, seed 0)",
        "Question: Which receptor tyrosine kinase does BDNF activate?",
        "Answer: TrkB receptor",
        "Verdict: correct (score 100%)",
        "Expected: TrkB",
        "Rule: exact",
        "Proposed rating: Good",
    ]


def test_typed_json_names_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, OBJECTIVE, "gaba-t", "GABA transaminse")
    assert {k: result[k] for k in ("verdict", "score", "rule", "proposed_rating")} == {
        "verdict": "almost",
        "score": 0.0,
        "rule": "typo",
        "proposed_rating": "again",
    }
    assert result["feedback"] == ["almost: check the spelling"]
    assert ["-", "a"] in result["diff"]
    other = run_json(capsys, OBJECTIVE, "trkb", "TrkA")
    assert (other["verdict"], other["feedback"]) == ("wrong", ["the final 'B' must match exactly"])


def test_choice_and_true_false(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, OBJECTIVE, "gaba-enzyme", "A")
    right = option(shown, "GABA transaminase")
    wrong = option(shown, "Monoamine oxidase A")
    assert run_json(capsys, OBJECTIVE, "gaba-enzyme", right.lower())["verdict"] == "correct"
    picked = run_json(capsys, OBJECTIVE, "gaba-enzyme", wrong)
    assert picked["verdict"] == "wrong" and picked["proposed_rating"] == "again"
    assert "Monoamine oxidase A: It breaks down monoamines, not GABA." in picked["feedback"]
    by_text = run_json(capsys, OBJECTIVE, "gaba-enzyme", "gaba transaminase")
    assert by_text["verdict"] == "correct"
    assert run_json(capsys, OBJECTIVE, "wada", "false")["verdict"] == "correct"
    assert run_json(capsys, OBJECTIVE, "wada", "A")["verdict"] == "wrong"


def test_select_all_including_the_empty_answer(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, OBJECTIVE, "cytokines-down", "")
    assert (shown["verdict"], shown["score"], shown["rule"]) == ("wrong", 0.0, "empty")
    both = option(shown, "TNF-alpha") + ", " + option(shown, "IL-6")
    assert run_json(capsys, OBJECTIVE, "cytokines-down", both)["verdict"] == "correct"
    one = run_json(capsys, OBJECTIVE, "cytokines-down", option(shown, "IL-6"))
    assert (one["verdict"], round(one["score"], 2)) == ("partial", 0.67)


def test_ordering(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, OBJECTIVE, "cascade", "ABCD")
    order = "".join(option(shown, item) for item in ["BDNF", "TrkB", "Ras", "MAPK/ERK"])
    right = run_json(capsys, OBJECTIVE, "cascade", order)
    assert (right["verdict"], right["score"]) == ("correct", 1.0)
    assert main(["try", OBJECTIVE, "cascade", "AB"]) == 1
    assert "give every one of A, B, C, D once" in capsys.readouterr().err


def test_a_negative_number_is_an_answer_not_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "selank", "powder-freezer-numeric", "-20")
    assert (result["answer"], result["verdict"]) == ("-20", "correct")
    flipped = run_json(capsys, "selank", "powder-freezer-numeric", "20")
    assert flipped["feedback"] == ["The sign must match: +20 vs −20."]


def test_matching_text(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, OBJECTIVE, "pairs", ".-.")
    assert (shown["verdict"], shown["score"]) == ("wrong", 0.0)  # nothing matched
    partner = {
        "Chloride pathway": "GABA-A receptor",
        "Plasticity pathway": "TrkB",
        "Immune pathway": "STAT3",
    }
    answer = "".join(option(shown, partner[left], "targets") for left in shown["options"].values())
    assert main(["try", OBJECTIVE, "pairs", answer]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  match each with one of:" in out
    assert "Verdict: correct (score 100%)" in out
    assert [line for line in out if line.startswith("  1. ")] == [f"  1. {shown['options']['1']}"]


def test_generated_numeric_draws_its_numbers_with_the_seed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    deck = str(BUNDLED_DECKS / "selank.yaml")
    drawn = {}
    for seed in range(6):
        result = run_json(capsys, deck, "concentration-numeric", "1", "--seed", str(seed))
        values = result["values"]
        assert f"{values['vial_mg']} mg of Selank" in result["question"]
        assert f"{values['water_ml']} mL" in result["question"]
        drawn[seed] = (values["vial_mg"], values["water_ml"], result["expected"])
    assert len(set(drawn.values())) > 1  # the seed draws the numbers...
    again = run_json(capsys, deck, "concentration-numeric", "1", "--seed", "3")
    assert (again["values"]["vial_mg"], again["values"]["water_ml"], again["expected"]) == drawn[3]
    right = run_json(capsys, deck, "concentration-numeric", drawn[3][2], "--seed", "3")
    assert right["verdict"] == "correct"  # ...and the same seed grades the same question
    assert main(["try", deck, "concentration-numeric", drawn[3][2], "--seed", "3"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[1] == f"Numbers drawn: vial_mg = {drawn[3][0]}, water_ml = {drawn[3][1]}"
    assert text[2].startswith("Question: ") and f"{drawn[3][0]} mg of Selank" in text[2]


def test_an_unreadable_numeric_answer_is_asked_again_not_rated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    deck = str(BUNDLED_DECKS / "selank.yaml")
    result = run_json(capsys, deck, "concentration-numeric", "2.5 mg/lbz")
    assert (result["verdict"], result["proposed_rating"]) == ("unreadable", None)
    assert result["feedback"][-1] == "Type a number in mcg/mL (or an equal unit)."
    assert main(["try", deck, "concentration-numeric", "2.5 mg/lbz"]) == 0
    out = capsys.readouterr().out
    assert "Verdict: not read - the app asks again; nothing is graded or rated" in out
    assert "Proposed rating: none" in out


def test_the_deck_may_be_given_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "selank", "tuftsin-typed", "tufstin")
    assert (result["deck"], result["verdict"]) == ("selank", "almost")


EVERY_KIND = [
    ("gaba-enzyme", "choice", "A"),
    ("cytokines-down", "select", "AB"),
    ("wada", "truefalse", "B"),
    ("cascade", "ordering", "ABCD"),
    ("pairs", "matching", "ABC"),
    ("recon", "numeric", "0.1 mL"),
    ("trkb", "typed", "TrkB"),
]


@pytest.mark.parametrize(("card", "kind", "answer"), EVERY_KIND)
def test_every_kind_in_text_and_json(
    card: str, kind: str, answer: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_json(capsys, OBJECTIVE, card, answer)
    assert (result["card"], result["kind"]) == (card, kind)
    assert result["verdict"] in ("correct", "partial", "wrong", "almost")
    assert result["proposed_rating"] == ("good" if result["verdict"] == "correct" else "again")
    assert main(["try", OBJECTIVE, card, answer]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"objective / {card} ({kind}, seed 0)"
    assert f"Verdict: {result['verdict']} (score {result['score']:.0%})" in lines
    assert f"Expected: {result['expected']}" in lines
    assert lines[-1] == f"Proposed rating: {result['proposed_rating'].title()}"


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nope", "x", "y"],
            "studyapp: no deck file or deck id 'nope' (decks: pharm-calculations, selank)",
        ),
        (
            [OBJECTIVE, "trbk", "TrkB"],
            "studyapp: no card 'trbk' in deck 'objective'; did you mean 'trkb'?",
        ),
        (
            [TINY, "half-life", "x"],
            "studyapp: card 'half-life' is a cloze card: it is not graded. The student reveals "
            "the answer and rates their own recall (1 Again, 2 Hard, 3 Good, 4 Easy)",
        ),
        (
            [OBJECTIVE, "wada", "maybe"],
            "studyapp: cannot read the answer 'maybe' for card 'wada': answer with one of "
            "A, B (or an option's text)",
        ),
        (
            [OBJECTIVE, "cytokines-down", "AZ"],
            "studyapp: cannot read the answer 'AZ' for card 'cytokines-down': unknown option "
            "'z': the options are A, B, C",
        ),
    ],
)
def test_errors_are_one_line_and_a_non_zero_exit(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["try", *args]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [message]


# ------------------------------------------------------ the database is untouched


def test_try_never_creates_the_study_database(capsys: pytest.CaptureFixture[str]) -> None:
    database = resolve_paths(None).database
    assert not database.exists()
    for answer in ("TrkB", "TrkA", "GABA-A receptor"):
        assert main(["try", OBJECTIVE, "trkb", answer]) == 0
    assert main(["try", str(BUNDLED_DECKS / "selank.yaml"), "recon-volume-numeric", "1"]) in (0, 1)
    capsys.readouterr()
    assert not database.exists()


def test_try_leaves_an_existing_database_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    database = resolve_paths(None).database
    database.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(database) as store:
        store.conn.execute("SELECT 1")
    before = database.read_bytes()
    assert main(["try", OBJECTIVE, "gaba-t", "GABA transaminse"]) == 0
    assert main(["try", "selank", "tuftsin-typed", "tufstin"]) == 0
    capsys.readouterr()
    assert database.read_bytes() == before
    assert sorted(p.name for p in database.parent.iterdir() if p.name.startswith("study")) == [
        database.name
    ]


def test_the_readme_example_is_what_try_prints(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```console\n$ studyapp try ", 1)[1].split("```", 1)[0]
    command, *expected = block.splitlines()
    deck, card, answer = command.split()
    assert main(["try", deck, card, answer]) == 0
    assert capsys.readouterr().out.splitlines() == expected


@pytest.mark.parametrize(
    ("card", "answer"),
    [
        ("powder-freezer-numeric", "-20 °C"),
        ("powder-freezer-numeric", "−20"),
        ("powder-fridge-months-numeric", "6 months"),
        ("reconstituted-days-numeric", "21 days"),
        ("intranasal-low-numeric", "0.1 mg/day"),
        ("intranasal-low-numeric", "100 mcg a day"),
        ("intranasal-low-numeric", "100"),
        ("intranasal-high-numeric", "25 mcg/h"),
    ],
)
def test_the_bundled_cards_read_answers_in_their_own_unit(
    card: str, answer: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_json(capsys, "selank", card, answer)["verdict"] == "correct"
