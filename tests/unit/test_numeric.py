"""The numeric kind: checking decks, asking (fixed and generated), grading, the syringe."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from random import Random
from textwrap import dedent, indent
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.core.deck.model import Card, Face, Severity
from studyapp.core.deck.text import Span, plain
from studyapp.core.kinds import KINDS, get_kind
from studyapp.core.kinds import numeric as kind
from studyapp.core.kinds.base import CardKind
from studyapp.core.kinds.grading import (
    DeckContext,
    Grade,
    Interaction,
    ObjectiveKind,
    Question,
    Verdict,
    interaction_of,
)
from studyapp.core.kinds.numeric import syringe_fill, syringe_lines
from studyapp.core.library.loader import load_deck_bytes

HEADER = "deck: d\ntitle: T\ncards:\n  - id: c\n    topic: {topic}\n    kind: numeric\n"
FIRST_FIELD_LINE = 7
"""The line of the first field given to :func:`load` (the card's mapping is at 4:5)."""

RECON = """\
question: "A vial holds {vial_mg} mg of Selank, reconstituted with {water_ml} mL of \\
  bacteriostatic water. What volume holds a {dose_mcg} mcg dose?"
params:
  vial_mg: {min: 5, max: 10, step: 5}
  water_ml: {min: 1, max: 3, step: 0.5}
  dose_mcg: {min: 100, max: 600, step: 50}
formula: dose_mcg / (vial_mg * 1000 / water_ml)
unit: mL
tolerance: 1%
decimals: 3
solution:
  - "Concentration = {vial_mg} mg x 1000 / {water_ml} mL"
  - "Volume = {dose_mcg} mcg / concentration = {answer} mL"
syringe: u100
"""

CONTEXT = DeckContext("d")


def load(body: str, topic: str = "dosing") -> tuple[Card | None, list[tuple[int, int, str]]]:
    """Load one numeric card; its diagnostics as ``(line, col, rule)``."""
    text = HEADER.format(topic=topic) + indent(dedent(body), "    ")
    result = load_deck_bytes(text.encode(), "d.yaml")
    diagnostics = [(d.line, d.col, d.rule) for d in result.diagnostics]
    return (result.deck.cards[0] if result.deck else None), diagnostics


def card(body: str, topic: str = "dosing") -> Card:
    loaded, diagnostics = load(body, topic)
    assert diagnostics == []
    assert loaded is not None
    return loaded


def messages(body: str) -> list[str]:
    text = HEADER.format(topic="dosing") + indent(dedent(body), "    ")
    return [d.message for d in load_deck_bytes(text.encode(), "d.yaml").diagnostics]


def ask(c: Card, seed: int = 0) -> Question:
    return kind.ask(c, "main", Random(seed), CONTEXT)


def grade(c: Card, response: str, question: Question | None = None) -> Grade:
    return kind.grade(c, question or ask(c), response, CONTEXT)


def fixed(answer: str, unit: str | None = "mg", extra: str = "") -> Card:
    unit_line = f"unit: {unit}\n" if unit else ""
    return card(f"question: How much?\nanswer: {answer}\n{unit_line}{extra}")


def recon_question(vial_mg: float, water_ml: float, dose_mcg: float) -> Question:
    """The reconstitution question with chosen values (as if drawn)."""
    drawn = ask(card(RECON))
    values = {"vial_mg": vial_mg, "water_ml": water_ml, "dose_mcg": dose_mcg}
    return replace(drawn, values=values)


# ------------------------------------------------------------------ the kind


def test_numeric_is_a_registered_objective_kind() -> None:
    assert get_kind("numeric") is cast(CardKind, kind)
    assert "numeric" in KINDS
    assert interaction_of(kind) is Interaction.NUMERIC
    objective: ObjectiveKind = kind  # the module satisfies the protocol
    assert objective.interaction is Interaction.NUMERIC
    assert [s.name for s in kind.fields if s.required] == ["question"]
    assert all(spec.doc for spec in kind.fields)


def test_card_data_is_json_ready() -> None:
    c = card(RECON)
    assert json.loads(json.dumps(dict(c.data))) == c.data
    assert c.data["params"] == [
        ["vial_mg", "5", "10", "5"],
        ["water_ml", "1", "3", "0.5"],
        ["dose_mcg", "100", "600", "50"],
    ]
    assert c.data["tolerance"] == ["rel", "1"]
    assert c.siblings == ("main",)


def test_a_card_read_back_from_json_still_grades() -> None:
    c = card(RECON)
    copy = replace(c, data=json.loads(json.dumps(dict(c.data))))
    question = recon_question(5, 2, 250)
    assert grade(copy, "0.1", question).verdict is Verdict.CORRECT


def test_render_and_answer_text() -> None:
    spray = fixed("0.15", '"%"')
    assert kind.render(spray, "main") == Face((Span("How much?"),), (Span("0.15 %"),))
    assert kind.answer_text(spray) == ["0.15"]
    assert kind.answer_text(fixed("1.50")) == ["1.5"]
    recon = card(RECON)
    face = kind.render(recon, "main")
    assert "{vial_mg} mg" in plain(list(face.front))
    assert plain(list(face.back)) == "= dose_mcg / (vial_mg * 1000 / water_ml), in mL"
    assert Span("dose_mcg / (vial_mg * 1000 / water_ml)", frozenset({"code"})) in face.back
    assert kind.answer_text(recon) == []
    assert kind.siblings(recon) == ("main",)


def test_a_unitless_card() -> None:
    c = fixed("3", unit=None)
    assert ask(c).unit is None
    assert grade(c, "3").correct
    unit_given = grade(c, "3 mg")
    assert unit_given.verdict is Verdict.UNREADABLE  # asked again, never wrong
    assert unit_given.feedback == (
        "This question has no unit, so 'mg' is not read.",
        "Type the number only.",
    )
    assert plain(list(kind.render(c, "main").back)) == "3"


# ------------------------------------------------------------------ asking


def test_a_fixed_card_asks_its_question_without_a_caveat_of_its_own() -> None:
    """A caveat ("not medical advice") is deck data, added by the Quizzer (test_caveat.py)."""
    spray = card(
        'question: Strength of the nasal spray, in percent?\nanswer: 0.15\nunit: "%"\n'
        "tolerance: 0\n"
    )
    question = ask(spray)
    assert question == Question(
        Interaction.NUMERIC,
        (Span("Strength of the nasal spray, in percent?"),),
        unit="%",
        values={},
    )


def test_a_generated_variant_is_deterministic_for_a_seeded_rng() -> None:
    c = card(RECON)
    first, again = ask(c, seed=7), ask(c, seed=7)
    assert first == again
    assert dict(first.values) == {"vial_mg": 10.0, "water_ml": 1.5, "dose_mcg": 400.0}
    assert plain(list(first.prompt)) == (
        "A vial holds 10 mg of Selank, reconstituted with 1.5 mL of bacteriostatic water. "
        "What volume holds a 400 mcg dose?"
    )
    assert first.unit == "mL"
    assert first.hint is None
    assert grade(c, "0.06", first).verdict is Verdict.CORRECT  # 400 / (10000 / 1.5)
    assert grade(c, "0.06", first).expected == "0.06 mL"


def test_draws_cover_the_grid_and_only_the_grid() -> None:
    c = card(RECON)
    rng = Random(1)
    seen: dict[str, set[float]] = {"vial_mg": set(), "water_ml": set(), "dose_mcg": set()}
    for _ in range(400):
        for key, value in kind.ask(c, "main", rng, CONTEXT).values.items():
            seen[key].add(value)
    assert seen["vial_mg"] == {5.0, 10.0}
    assert seen["water_ml"] == {1.0, 1.5, 2.0, 2.5, 3.0}
    assert seen["dose_mcg"] == {float(x) for x in range(100, 601, 50)}


def test_placeholders_show_numbers_without_trailing_zeros() -> None:
    c = card(
        "question: '{a} and {b}, {c} {unknown-looking}'\n"
        "params:\n  a: {min: 0.5, max: 0.5}\n  b: {min: 2.0, max: 2.0}\n"
        "  c: {min: 0.1, max: 0.3, step: 0.1}\n"
        "formula: a + b + c\n"
    )
    question = ask(c, seed=3)
    text = plain(list(question.prompt))
    assert text.startswith("0.5 and 2, ")
    assert text.split(", ")[1].split()[0] in ("0.1", "0.2", "0.3")
    assert text.endswith("{unknown-looking}")  # not a placeholder: left as written


def test_a_grid_whose_max_is_off_step_stops_below_it() -> None:
    c = card("question: '{a}?'\nparams:\n  a: {min: 1, max: 2, step: 0.3}\nformula: a\n")
    values = {kind.ask(c, "main", Random(i), CONTEXT).values["a"] for i in range(100)}
    assert values == {1.0, 1.3, 1.6, 1.9}


def test_draws_avoid_values_where_the_formula_fails_inside_the_grid() -> None:
    c = card("question: '{a}?'\nparams:\n  a: {min: 1, max: 3}\nformula: 1 / (a - 2)\n")
    for seed in range(30):
        question = ask(c, seed)
        assert question.values["a"] != 2.0
        assert grade(c, "0", question).expected in ("-1", "1")


# ------------------------------------------------------------------ grading: fixed


def test_exact_answer_with_default_zero_tolerance() -> None:
    c = fixed("0.25")
    right = grade(c, "0.25")
    assert right == Grade(Verdict.CORRECT, 1.0, "0.25", "0.25 mg")
    wrong = grade(c, "0.26")
    assert wrong.verdict is Verdict.WRONG and wrong.score == 0.0
    assert wrong.expected == "0.25 mg" and wrong.feedback == ()


@pytest.mark.parametrize(
    "response", ["0.25", ".25", "0,25", ",25", " 0.25 mg ", "0.25mg", "0.25 MG", "0.250"]
)
def test_spellings_of_a_right_answer(response: str) -> None:
    assert grade(fixed("0.25"), response).correct


@pytest.mark.parametrize(
    ("response", "note"),
    [
        ("250 mcg", "250 mcg = 0.25 mg"),
        ("250 µg", "250 mcg = 0.25 mg"),
        ("250 μg", "250 mcg = 0.25 mg"),
        ("250ug", "250 mcg = 0.25 mg"),
        ("0.00025 g", "0.00025 g = 0.25 mg"),
    ],
)
def test_other_mass_units_are_converted(response: str, note: str) -> None:
    result = grade(fixed("0.25"), response)
    assert result.correct
    assert result.feedback == (note,)


def test_absolute_tolerance() -> None:
    c = fixed("0.25", extra="tolerance: 0.01\n")
    assert grade(c, "0.26").correct
    assert grade(c, "0.24").correct
    assert grade(c, "260 mcg").correct
    assert not grade(c, "0.261").correct
    assert not grade(c, "0.239").correct


def test_relative_tolerance() -> None:
    c = fixed("0.4", "mL", "tolerance: 2%\n")
    assert grade(c, "0.408").correct
    assert grade(c, "0.392").correct
    assert grade(c, "40.8 units").correct
    assert not grade(c, "0.41").correct
    assert not grade(c, "0.39").correct


def test_an_answer_rounding_to_the_shown_expected_value_is_right() -> None:
    c = card("question: '{a}?'\nparams:\n  a: {min: 3, max: 3}\nformula: 1 / a\ndecimals: 3\n")
    question = ask(c)
    assert grade(c, "0.333", question).expected == "0.333"
    assert grade(c, "0.333", question).correct
    assert grade(c, "0.3333", question).correct
    assert not grade(c, "0.334", question).correct
    assert not grade(c, "0.33", question).correct


def test_x1000_slips_are_named_both_ways() -> None:
    c = fixed("0.25")
    too_large = grade(c, "250")
    assert too_large.verdict is Verdict.WRONG
    assert too_large.feedback == ("Check mg vs mcg: your answer is 1000x too large.",)
    too_small = grade(c, "0.00025")
    assert too_small.feedback == ("Check mg vs mcg: your answer is 1000x too small.",)
    in_mcg_unit = grade(c, "0.25 mcg")  # right number, wrong unit
    assert in_mcg_unit.feedback == (
        "0.25 mcg = 0.00025 mg",
        "Check mg vs mcg: your answer is 1000x too small.",
    )


def test_a_slip_within_tolerance_is_still_named() -> None:
    c = fixed("0.25", extra="tolerance: 2%\n")
    assert grade(c, "252").feedback == ("Check mg vs mcg: your answer is 1000x too large.",)
    assert grade(c, "270").feedback == ()


def test_ml_vs_units_slips_on_volume_cards() -> None:
    ml = fixed("0.4", "mL")
    assert grade(ml, "40 units").correct
    assert grade(ml, "40 u").correct
    assert grade(ml, "40").feedback == (
        "Check mL vs units on a U-100 syringe: your answer is 100x too large.",
    )
    in_units = fixed("40", "units")
    assert grade(in_units, "0.4 mL").correct
    assert grade(in_units, "0.4").feedback == (
        "Check mL vs units on a U-100 syringe: your answer is 100x too small.",
    )
    mass = fixed("40", "mg")
    assert grade(mass, "0.4").feedback == ()  # no mL/units advice on a mass card


def test_percent_cards_name_a_fraction_slip_not_mg() -> None:
    spray = fixed("0.15", '"%"')
    assert grade(spray, "0.0015").feedback == (
        "Check percent vs fraction: your answer is 100x too small.",
    )
    assert grade(spray, "150").feedback == ()
    assert grade(spray, "0.15%").correct


@pytest.mark.parametrize(
    ("unit", "response", "feedback"),
    [
        ("mL", "5 mg", "Expected a volume in mL, not mg."),
        ("units", "5 mcg", "Expected a volume in units, not mcg."),
        ("mg", "1 mL", "Expected a mass in mg, not mL."),
        ("mcg", "10 units", "Expected a mass in mcg, not units."),
        ('"%"', "1 mg", "Expected a percentage (%), not mg."),
        ("mg", "1 %", "Expected a mass in mg, not %."),
    ],
)
def test_an_incompatible_unit_is_wrong_with_feedback(
    unit: str, response: str, feedback: str
) -> None:
    result = grade(fixed("1", unit), response)
    assert result.verdict is Verdict.WRONG
    assert result.feedback == (feedback,)


@pytest.mark.parametrize(
    ("response", "feedback"),
    [
        ("abc", "Could not read the answer: 'abc' does not start with a number."),
        ("1/4", "Could not read the answer: could not read '1/4': write a number, then a unit."),
        ("5 lbz", "Could not read the answer: unknown unit 'lbz' (known: kg, g, mg, mcg, L, mL"),
        ("1,500 mcg", "Could not read the answer: '1,500' is ambiguous: write 1500 or 1.5."),
        ("5 mEq", "Could not convert: mEq and mg convert only with"),
        ("< 5 mg", "Could not read the answer: '< 5 mg' does not start with a number."),
    ],
)
def test_unreadable_answers_are_asked_again_saying_what_can_be_read(
    response: str, feedback: str
) -> None:
    result = grade(fixed("0.25"), response)
    assert result.verdict is Verdict.UNREADABLE
    assert not result.correct and result.score == 0.0
    assert result.feedback[0].startswith(feedback)
    assert result.feedback[1] == "Type a number in mg (or mcg, g)."


@pytest.mark.parametrize(
    ("response", "feedback"),
    [
        ("", "no answer given"),
        ("   ", "no answer given"),
        ("5" * 101, "too long: over 100 characters"),
    ],
)
def test_empty_and_overlong_answers_are_wrong(response: str, feedback: str) -> None:
    result = grade(fixed("0.25"), response)
    assert (result.verdict, result.score, result.feedback) == (Verdict.WRONG, 0.0, (feedback,))


def test_the_answer_is_logged_as_typed_without_control_characters() -> None:
    assert grade(fixed("0.25"), "  0.25\x1b[2J  mg ").answer == "0.25[2J mg"


def test_aliases_count_for_fixed_cards_only() -> None:
    c = fixed("0.25")
    context = DeckContext("d", aliases={"c": ("a quarter",)})
    assert kind.grade(c, ask(c), "A quarter", context).correct
    recon = card(RECON)
    context = DeckContext("d", aliases={"c": ("0.5",)})
    assert not kind.grade(recon, recon_question(5, 2, 250), "0.5", context).correct


# ------------------------------------------------------------------ reconstitution


def test_reconstitution_answered_right() -> None:
    c = card(RECON)
    question = recon_question(5, 2, 250)  # 5 mg in 2 mL = 2500 mcg/mL; 250 mcg = 0.1 mL
    result = grade(c, "0.1 mL", question)
    assert result.verdict is Verdict.CORRECT
    assert result.expected == "0.1 mL"
    assert result.solution == (
        "Concentration = 5 mg x 1000 / 2 mL",
        "Volume = 250 mcg / concentration = 0.1 mL",
        "On a U-100 syringe: draw to the 10-unit mark (0.1 mL).",
    )
    assert grade(c, "10 units", question).correct
    assert grade(c, "0.101", question).correct  # within 1%
    assert grade(c, "100 mcg", question).feedback == ("Expected a volume in mL, not mcg.",)


@pytest.mark.parametrize(
    ("response", "feedback"),
    [
        ("100", "Check mg vs mcg: your answer is 1000x too large."),  # 250 / (5 / 2)
        ("0.0001", "Check mg vs mcg: your answer is 1000x too small."),
        ("10", "Check mL vs units on a U-100 syringe: your answer is 100x too large."),
        ("0.2", None),
    ],
)
def test_reconstitution_answered_wrong(response: str, feedback: str | None) -> None:
    c = card(RECON)
    result = grade(c, response, recon_question(5, 2, 250))
    assert result.verdict is Verdict.WRONG
    assert result.expected == "0.1 mL"
    assert result.feedback == ((feedback,) if feedback else ())
    assert result.solution[-1] == "On a U-100 syringe: draw to the 10-unit mark (0.1 mL)."


def test_grading_is_pure_it_recomputes_from_the_question_values() -> None:
    c = card(RECON)
    question = recon_question(10, 1, 600)  # 10,000 mcg/mL: 0.06 mL
    assert grade(c, "0.06", question).correct
    assert grade(c, "0.06", question) == grade(c, "0.06", question)
    assert grade(c, "0.06", replace(question, values={})).feedback == (
        "this card's formula cannot be computed: no value for 'dose_mcg'",
    )


def test_a_default_solution_shows_the_drawn_values_and_the_formula() -> None:
    body = RECON.split("solution:")[0] + "syringe: u100\n"
    c = card(body)
    result = grade(c, "0.1", recon_question(5, 2, 250))
    assert result.solution == (
        "vial_mg = 5, water_ml = 2, dose_mcg = 250",
        "dose_mcg / (vial_mg * 1000 / water_ml) = 0.1 mL",
        "On a U-100 syringe: draw to the 10-unit mark (0.1 mL).",
    )


def test_a_dose_over_the_syringe_capacity_is_said_so() -> None:
    c = card("question: Volume?\nanswer: 1.3\nunit: mL\nsyringe: u100\n")
    assert grade(c, "1.3").solution == (
        "That is 130 units (1.3 mL): more than a U-100 syringe holds (100 units).",
    )


def test_a_syringe_card_in_units() -> None:
    c = card("question: Units?\nanswer: 25\nunit: units\nsyringe: u100\n")
    assert grade(c, "0.25 mL").solution == (
        "On a U-100 syringe: draw to the 25-unit mark (0.25 mL).",
    )
    assert syringe_lines(c, ask(c)) == syringe_fill(25)


@given(st.integers(min_value=0, max_value=10_000))
def test_the_expected_answer_as_shown_is_always_right(seed: int) -> None:
    c = card(RECON)
    question = kind.ask(c, "main", Random(seed), CONTEXT)
    expected = grade(c, "0", question).expected
    assert grade(c, expected, question).correct
    assert grade(c, expected.replace(" mL", ""), question).correct


# ------------------------------------------------------------------ the syringe


def test_syringe_fill_empty() -> None:
    assert syringe_fill(0) == [
        "      0    10   20   30   40   50   60   70   80   90   100",
        "      |....|....|....|....|....|....|....|....|....|....|",
        "-----[                                                  ]==||",
        "      ^ 0 units (0 mL)",
    ]


def test_syringe_fill_25_units() -> None:
    assert syringe_fill(25) == [
        "      0    10   20   30   40   50   60   70   80   90   100",
        "      |....|....|....|....|....|....|....|....|....|....|",
        "-----[████████████▌                                     ]==||",
        "                  ^ 25 units (0.25 mL)",
    ]


def test_syringe_fill_full() -> None:
    assert syringe_fill(100) == [
        "      0    10   20   30   40   50   60   70   80   90   100",
        "      |....|....|....|....|....|....|....|....|....|....|",
        "-----[██████████████████████████████████████████████████]==||",
        "                                       100 units (1 mL) ^",
    ]


def test_syringe_fill_over_capacity() -> None:
    assert syringe_fill(130) == [
        "      0    10   20   30   40   50   60   70   80   90   100",
        "      |....|....|....|....|....|....|....|....|....|....|",
        "-----[██████████████████████████████████████████████████]==||",
        "      OVER CAPACITY: 130 units (1.3 mL) > 100 units",
    ]


@pytest.mark.parametrize("amount", [0, 0.4, 1, 25, 33.3, 49.5, 99, 100, 130, 1e9])
def test_syringe_art_fits_70_columns_and_marks_the_fill(amount: float) -> None:
    lines = syringe_fill(amount)
    assert len(lines) == 4
    assert all(len(line) <= 70 for line in lines)
    labels, ruler, barrel, _ = lines
    for mark in range(0, 101, 10):
        column = 6 + mark // 2
        assert labels[column : column + len(str(mark))] == str(mark)
        assert ruler[column] == "|"
    filled = barrel.count("█") * 2 + barrel.count("▌")
    assert filled == round(min(amount, 100))


def test_syringe_fill_refuses_impossible_amounts() -> None:
    for amount in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="cannot draw"):
            syringe_fill(amount)


def test_syringe_lines_only_for_syringe_cards() -> None:
    recon = card(RECON)
    assert syringe_lines(recon, recon_question(5, 2, 250)) == syringe_fill(10)
    assert syringe_lines(fixed("1"), ask(fixed("1"))) == []


# ------------------------------------------------------------------ checking decks

L = FIRST_FIELD_LINE


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # answer / formula / params
        ("question: Q?\nunit: mg\n", [(4, 5, "missing-key")]),
        ("question: Q?\nanswer: 1\nformula: 2\n", [(L + 2, 14, "answer-and-formula")]),
        (
            "question: Q?\nanswer: 1\nparams:\n  a: {min: 1, max: 2}\n",
            [(L + 3, 7, "params-without-formula")],
        ),
        (
            "question: '{a}'\nparams: {a: {min: 1, max: 2}}\nformula: a * dose\n",
            [(L + 2, 14, "formula-unknown-name")],
        ),
        ("question: Q?\nformula: __import__('os')\n", [(L + 1, 14, "formula-syntax")]),
        ("question: Q?\nformula: (1 + 2\n", [(L + 1, 14, "formula-syntax")]),
        ("question: Q?\nformula: 2 ** 10000\n", [(L + 1, 14, "formula-error")]),
        (
            "question: '{a}'\nparams: {a: {min: 0, max: 2}}\nformula: 1 / a\n",
            [(L + 2, 14, "formula-error")],
        ),
        (
            "question: '{a}'\nparams: {a: {min: -4, max: 4, step: 2}}\nformula: 1 / a\n",
            [(L + 2, 14, "formula-error")],
        ),
        # params
        (
            "question: '{a}'\nparams:\n  a: {min: 5, max: 1}\nformula: a\n",
            [(L + 2, 16, "bad-param")],
        ),
        (
            "question: '{a}'\nparams:\n  a: {min: 1, max: 5, step: 0}\nformula: a\n",
            [(L + 2, 33, "bad-param")],
        ),
        (
            "question: '{a}'\nparams:\n  a: {min: 1, max: 5, step: -1}\nformula: a\n",
            [(L + 2, 33, "bad-param")],
        ),
        ("question: '{a}'\nparams:\n  a: {max: 5}\nformula: a\n", [(L + 2, 10, "bad-param")]),
        ("question: '{a}'\nparams:\n  a: {min: 5}\nformula: a\n", [(L + 2, 10, "bad-param")]),
        (
            "question: '{a}'\nparams:\n  a:\n    min: 1\n    max: x\nformula: a\n",
            [(L + 4, 14, "wrong-type")],
        ),
        (
            "question: '{a}'\nparams:\n  a: {min: 1, max: 2, stp: 1}\nformula: a\n",
            [(L + 2, 27, "unknown-key")],
        ),
        ("question: '{a}'\nparams:\n  a: 5\nformula: a\n", [(L + 2, 10, "bad-param")]),
        (
            "question: Q?\nparams:\n  2a: {min: 1, max: 2}\nformula: '1'\n",
            [(L + 2, 7, "bad-param")],
        ),
        (
            "question: Q?\nparams:\n  answer: {min: 1, max: 2}\nformula: answer\n",
            [(L + 2, 7, "bad-param"), (L + 3, 14, "formula-unknown-name")],
        ),
        (
            "question: '{a}'\nparams:\n  a: {min: 0, max: 1000000, step: 0.5}\nformula: a\n",
            [(L + 2, 39, "bad-param")],
        ),
        # placeholders
        (
            "question: 'Dose {dose} of {a}?'\nparams: {a: {min: 1, max: 2}}\nformula: a\n",
            [(L, 15, "unknown-placeholder")],
        ),
        ("question: 'Dose {dose}?'\nanswer: 1\n", [(L, 15, "unknown-placeholder")]),
        (
            "question: '{a}'\nparams: {a: {min: 1, max: 2}}\nformula: a\n"
            "solution:\n  - 'a is {a}'\n  - 'b is {b}'\n",
            [(L + 5, 9, "unknown-placeholder")],
        ),
        # unit, tolerance, decimals, syringe
        ("question: Q?\nanswer: 1\nunit: mgs\n", [(L + 2, 11, "unknown-unit")]),
        ("question: Q?\nanswer: 1\nunit: lbz\n", [(L + 2, 11, "unknown-unit")]),
        ("question: Q?\nanswer: 1\ntolerance: -1\n", [(L + 2, 16, "bad-tolerance")]),
        ("question: Q?\nanswer: 1\ntolerance: abc\n", [(L + 2, 16, "bad-tolerance")]),
        ("question: Q?\nanswer: 1\ntolerance: '2'\n", [(L + 2, 16, "bad-tolerance")]),
        ("question: Q?\nanswer: 1\ntolerance: -2%\n", [(L + 2, 16, "bad-tolerance")]),
        ("question: Q?\nanswer: 1\ntolerance: [1]\n", [(L + 2, 16, "wrong-type")]),
        ("question: Q?\nanswer: 1\ndecimals: -1\n", [(L + 2, 15, "bad-decimals")]),
        ("question: Q?\nanswer: 1\ndecimals: 2.5\n", [(L + 2, 15, "bad-decimals")]),
        ("question: Q?\nanswer: 1\ndecimals: 11\n", [(L + 2, 15, "bad-decimals")]),
        ("question: Q?\nanswer: 1\ndecimals: two\n", [(L + 2, 15, "wrong-type")]),
        ("question: Q?\nanswer: 1\nunit: mL\nsyringe: u200\n", [(L + 3, 14, "bad-syringe")]),
        ("question: Q?\nanswer: 1\nunit: mg\nsyringe: u100\n", [(L + 3, 14, "bad-syringe")]),
        ("question: Q?\nanswer: 1\nsyringe: u100\n", [(L + 2, 14, "bad-syringe")]),
        # answer
        ("question: Q?\nanswer: '1'\n", [(L + 1, 13, "wrong-type")]),
        ("question: Q?\nanswer: .inf\n", [(L + 1, 13, "bad-answer")]),
        ("question: Q?\nanswer: 1e16\n", [(L + 1, 13, "bad-answer")]),
        ("question: ''\nanswer: 1\n", [(L, 15, "empty-field")]),
    ],
)
def test_check_reports_each_problem_once_at_its_node(
    body: str, expected: list[tuple[int, int, str]]
) -> None:
    loaded, diagnostics = load(body)
    assert diagnostics == expected
    assert loaded is None


def test_unknown_unit_suggests_a_spelling() -> None:
    assert messages("question: Q?\nanswer: 1\nunit: mgs\n") == [
        "unknown unit 'mgs' (known: kg, g, mg, mcg, L, mL, units, mmol, mEq, IU, gtt, %, °C, "
        "minutes, hours, days, weeks, months, years, cm, m, and any unit per others "
        "(mg/kg/day)); did you mean 'mg'?"
    ]


def test_check_messages_are_specific() -> None:
    assert messages("question: '{a}'\nparams: {a: {min: 1, max: 2}}\nformula: a * dose\n") == [
        "formula: unknown name 'dose' (declared: a) (at offset 4)"
    ]
    assert messages("question: '{a}'\nparams: {a: {min: 0, max: 2}}\nformula: 1 / a\n") == [
        "formula: division by zero when a=0"
    ]
    assert messages("question: Q?\nanswer: 1\nformula: 2\n") == [
        "give either 'answer' (a fixed number) or 'formula', not both"
    ]
    assert messages("question: '{a}'\nparams:\n  a: {min: 5, max: 1}\nformula: a\n") == [
        "param 'a': min 5 is greater than max 1"
    ]
    assert messages("question: 'Dose {dose}?'\nanswer: 1\n") == [
        "placeholder '{dose}' in the question is not a param (known: none: the card has no params)"
    ]


def test_a_param_with_a_bad_grid_does_not_make_the_formula_unknown_name() -> None:
    _, diagnostics = load("question: '{a}'\nparams:\n  a: {min: 5, max: 1}\nformula: a * 2\n")
    assert [rule for _, _, rule in diagnostics] == ["bad-param"]


def test_every_problem_of_a_card_is_reported() -> None:
    body = "question: '{x}'\nanswer: 1\nunit: mgs\ntolerance: -1\ndecimals: 99\nsyringe: u5\n"
    _, diagnostics = load(body)
    assert [rule for _, _, rule in diagnostics] == [
        "unknown-placeholder",
        "unknown-unit",
        "bad-tolerance",
        "bad-decimals",
        "bad-syringe",
    ]


def test_an_unused_param_is_a_warning() -> None:
    text = HEADER.format(topic="dosing") + indent(
        "question: '{a}'\nparams:\n  a: {min: 1, max: 2}\n  b: {min: 1, max: 2}\nformula: a\n",
        "    ",
    )
    result = load_deck_bytes(text.encode(), "d.yaml")
    assert [(d.line, d.col, d.severity, d.rule) for d in result.diagnostics] == [
        (L + 3, 7, Severity.WARNING, "unused-param")
    ]
    assert result.deck is not None


def test_a_param_shown_only_in_the_question_is_not_unused() -> None:
    body = "question: '{a} {b}'\nparams:\n  a: {min: 1, max: 2}\n  b: {min: 1, max: 2}\n"
    assert load(body + "formula: a\n")[1] == []


def test_accepted_field_forms() -> None:
    c = card(
        "question: Q?\nanswer: 1.50\nunit: µg\ntolerance: ' 2.5 % '\ndecimals: 0\n"
        "solution: The answer is {answer}.\n"
    )
    assert c.data["unit"] == "mcg"
    assert c.data["answer"] == "1.50"
    assert c.data["tolerance"] == ["rel", "2.5"]
    assert c.data["solution"] == ["The answer is {answer}."]
    assert grade(c, "1.5").solution == ("The answer is 2.",)  # decimals: 0 rounds half up
    assert card("question: Q?\nformula: 2 * 3\n").data["params"] == []
    assert card("question: Q?\nanswer: 1\nunit: ML\n").data["unit"] == "mL"
    assert card("question: Q?\nanswer: 1\nunit: mL\nsyringe: U100\n").data["syringe"] == "u100"


def test_a_formula_with_no_params_is_a_computed_constant() -> None:
    c = card("question: How many mcg in 0.25 mg?\nformula: 0.25 * 1000\nunit: mcg\n")
    question = ask(c)
    assert question.values == {}
    assert grade(c, "250", question).correct
    assert grade(c, "0.25 mg", question).correct


# ------------------------------------------------------------------ the documentation


def test_the_documented_numeric_examples_load_and_work() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "deck-format.md"
    section = docs.read_text(encoding="utf-8").split("### Numeric answers (`numeric`)", 1)[1]
    (example,) = re.findall(r"```yml\n(.*?)```", section, re.DOTALL)[:1]
    text = "deck: d\ntitle: T\ncards:\n" + indent(example, "  ")
    result = load_deck_bytes(text.encode(), "d.yaml")
    assert [d.format() for d in result.diagnostics] == []
    assert result.deck is not None
    spray, recon = result.deck.cards
    assert grade(spray, "0.15 %").correct
    question = kind.ask(recon, "main", Random(7), CONTEXT)
    assert "bacteriostatic water. What volume" in plain(list(question.prompt))
    assert grade(recon, "0.06 mL", question).correct
    assert grade(recon, "6 units", question).correct


def test_a_syringe_card_grade_carries_the_drawing() -> None:
    """The review screen prints ``Grade.drawing`` under the solution."""
    c = card(RECON)
    question = recon_question(5, 2, 250)  # 2.5 mg/mL: 250 mcg is 0.1 mL, 10 units
    result = grade(c, "0.1 mL", question)
    assert result.correct
    assert result.drawing == tuple(syringe_fill(10))
    assert any("10 units" in line for line in result.drawing)
