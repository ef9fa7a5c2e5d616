"""Clinical calculation templates (issue 17): what `check` proves over every case of a
generated card, the worked solutions, and `studyapp try` on every template."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from studyapp.app.services import warm_units_for
from studyapp.cli import main
from studyapp.core.kinds._templates import TEMPLATES
from studyapp.core.library import Library
from studyapp.core.library.lint import lint_library
from studyapp.core.library.loader import load_deck_bytes
from tests.conftest import BUNDLED_DECKS

CALCULATIONS = str(BUNDLED_DECKS / "pharm-calculations.yaml")


def check(card: str) -> list[tuple[str, str, str]]:
    """``(severity, rule, message)`` of every diagnostic of a deck of one numeric card."""
    text = (
        "deck: demo\ntitle: Demo\ncards:\n  - id: c\n    kind: numeric\n    topic: dosing\n"
        + textwrap.indent(textwrap.dedent(card), "    ")
    )
    result = load_deck_bytes(text.encode(), "demo.yaml")
    library = lint_library(Library((result,)))
    return [
        (d.severity.value, d.rule, d.message)
        for d in library.results[0].diagnostics
        if d.rule != "missing-source"
    ]


def rules(card: str) -> set[str]:
    return {rule for _, rule, _ in check(card)}


# ------------------------------------------------------------------ impossible cases


def test_a_clearance_that_can_go_negative_is_rejected() -> None:
    found = check(
        """\
        question: "Age {age}, {weight} kg, SCr {scr}: CrCl?"
        template: cockcroft-gault
        params:
          age: {min: 60, max: 150, step: 10}
          weight: {min: 72, max: 72}
          scr: {min: 1, max: 1}
          female: {min: 0, max: 0}
        """
    )
    assert ("error", "impossible-case") in {(s, r) for s, r, _ in found}
    messages = [m for _, r, m in found if r == "impossible-case"]
    assert any(m.startswith("age must be under 140") and "age=140" in m for m in messages)
    assert any(
        "a negative mL/min (-10) when age=150" in m and "(1 of 10 cases)" in m for m in messages
    )


def test_a_dilution_that_would_concentrate_is_rejected() -> None:
    found = check(
        """\
        question: "{c1} % to {c2} %, {v2} mL?"
        template: dilution
        params:
          c1: {min: 5, max: 10, step: 5}
          c2: {min: 5, max: 5}
          v2: {min: 100, max: 100}
        """
    )
    assert [m for _, r, m in found if r == "impossible-case"] == [
        "the stock (c1) must be stronger than the dilution (c2) when c1=5, c2=5, v2=100"
        " (1 of 2 cases)"
    ]


def test_a_dose_larger_than_the_vial_is_rejected() -> None:
    assert "impossible-case" in rules(
        """\
        question: "{vial_mg} mg in {diluent_ml} mL; {dose_mg} mg?"
        template: reconstitution
        params:
          vial_mg: {min: 500, max: 500}
          diluent_ml: {min: 5, max: 5}
          dose_mg: {min: 250, max: 750, step: 250}
        """
    )


def test_division_by_zero_inside_the_grid_is_found() -> None:
    # the loader probes the ends (0 and 10) and zero; the linter walks every case (a = 3)
    found = check(
        """\
        question: "{a}?"
        params: {a: {min: 0, max: 10}}
        formula: 1 / (a - 3)
        unit: mL
        """
    )
    assert ("error", "formula-error", "formula: division by zero when a=3 (1 of 11 cases)") in found


def test_a_negative_volume_is_impossible_but_a_negative_temperature_is_not() -> None:
    card = """\
        question: "{a}?"
        params: {a: {min: -5, max: 5}}
        formula: a
        unit: UNIT
        """
    assert "impossible-case" in rules(card.replace("UNIT", "mL"))
    assert "impossible-case" not in rules(card.replace("UNIT", "°C"))


def test_a_fill_no_syringe_holds_is_rejected() -> None:
    found = check(
        """\
        question: "{d} mg from 10 mg/mL?"
        params: {d: {min: 1, max: 12}}
        formula: d / 10
        unit: mL
        syringe: u100
        """
    )
    assert (
        "error",
        "impossible-case",
        "a fill of 110 units is more than a U-100 syringe holds when d=11 (2 of 12 cases)",
    ) in found


def test_a_fill_between_the_syringes_marks_is_a_warning() -> None:
    # the Selank reconstitution card before its grid was fixed: quarter units
    found = check(
        """\
        question: "{vial_mg} mg in {water_ml} mL; units for {dose_mcg} mcg?"
        params:
          vial_mg: {min: 5, max: 10, step: 5}
          water_ml: {min: 1, max: 3, step: 0.5}
          dose_mcg: {min: 100, max: 500, step: 50}
        formula: dose_mcg / (vial_mg * 1000 / water_ml) * 100
        unit: units
        syringe: u100
        """
    )
    marks = [(s, m) for s, r, m in found if r == "between-marks"]
    assert len(marks) == 1 and marks[0][0] == "warning"
    assert "falls between the 1-unit marks of the U-100 syringe shown" in marks[0][1]
    assert marks[0][1].endswith("of 90 cases)")


def test_whole_unit_fills_raise_no_warning() -> None:
    assert (
        check(
            """\
        question: "{vial_mg} mg in {water_ml} mL; units for {dose_mcg} mcg?"
        params:
          vial_mg: {min: 5, max: 10, step: 5}
          water_ml: {min: 2, max: 4, step: 2}
          dose_mcg: {min: 100, max: 500, step: 50}
        formula: dose_mcg / (vial_mg * 1000 / water_ml) * 100
        unit: units
        syringe: u100
        """
        )
        == []
    )


def test_a_huge_grid_is_checked_on_its_corners_and_a_seeded_sample() -> None:
    found = check(
        """\
        question: "{a} {b} {c}?"
        params:
          a: {min: 1, max: 1000}
          b: {min: 1, max: 1000}
          c: {min: -1, max: 1000}
        formula: a * b * c
        unit: mg
        """
    )
    assert any(r == "impossible-case" and "c=-1" in m for _, r, m in found)


# ------------------------------------------------------------------ the template field


def test_an_unknown_template_names_the_known_ones() -> None:
    found = check('question: "?"\ntemplate: cockroft-gault\n')
    assert found[0][1] == "unknown-template"
    assert "cockcroft-gault" in found[0][2]


def test_a_template_needs_its_params() -> None:
    found = check(
        """\
        question: "{weight}?"
        template: weight-dose
        params: {weight: {min: 10, max: 20}}
        """
    )
    assert [(r, m.split(" (it takes")[0]) for _, r, m in found] == [
        ("template-params", "template 'weight-dose' needs param(s) dose_per_kg, max_dose")
    ]


def test_a_template_and_a_formula_are_not_both_given() -> None:
    assert "answer-and-formula" in rules(
        """\
        question: "{a}?"
        template: drip-rate
        formula: a
        params:
          a: {min: 1, max: 2}
        """
    )


def test_a_bad_step_in_a_solution_is_reported() -> None:
    found = check(
        """\
        question: "{a}?"
        params: {a: {min: 1, max: 2}}
        formula: a
        solution: ["{=a * zz}"]
        """
    )
    assert found == [
        (
            "error",
            "formula-syntax",
            "'{=a * zz}' in 'solution': unknown name 'zz' (declared: a, answer)",
        )
    ]


def test_a_function_name_is_not_a_param_name() -> None:
    assert "bad-param" in rules('question: "{ln}?"\nparams: {ln: {min: 1, max: 2}}\nformula: ln\n')


# ------------------------------------------------------------------ `studyapp try`, every template


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["try", *args, "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def first_card_of(template: str) -> str:
    from studyapp.core.library.loader import load_deck_file

    deck = load_deck_file(CALCULATIONS).deck
    assert deck is not None
    return next(card.id for card in deck.cards if card.data["template"] == template)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_studyapp_try_on_every_template(template: str, capsys: pytest.CaptureFixture[str]) -> None:
    card = first_card_of(template)
    first = run_json(capsys, CALCULATIONS, card, "0", "--seed", "7")
    expected = first["expected"]
    assert first["verdict"] == "wrong"
    right = run_json(capsys, CALCULATIONS, card, expected, "--seed", "7")
    assert right["verdict"] == "correct", right
    assert right["solution"] and right["solution"][-1].count(expected.split()[0]) >= 1
    assert all("{" not in line for line in right["solution"])  # every step filled in
    assert expected.split()[-1] == TEMPLATES[template].unit


# ------------------------------------------------------------------ warming pint


def test_opening_numeric_decks_warms_the_unit_registry_in_the_background() -> None:
    from studyapp.core.library.loader import load_deck_file

    calculations = load_deck_file(CALCULATIONS).deck
    plain = load_deck_bytes(
        b"deck: p\ntitle: P\ncards:\n  - {id: a, topic: t, question: q, answer: a}\n", "p.yaml"
    ).deck
    assert calculations is not None and plain is not None
    with mock.patch("studyapp.core.kinds.units.warm_in_background") as warm:
        warm.return_value = object()  # a thread was started
        assert warm_units_for([plain, calculations]) is True
        warm.assert_called_once_with()
        warm.reset_mock()
        assert warm_units_for([plain]) is False
        warm.assert_not_called()


def test_the_registry_warms_once_and_off_the_calling_thread() -> None:
    from studyapp.core.kinds import _quantities

    thread = _quantities.warm_in_background()
    if thread is not None:
        thread.join(timeout=60)
    assert _quantities.is_warm()
    assert _quantities.warm_in_background() is None  # built: nothing more to do


def test_a_syringe_is_drawn_only_for_ml_or_units() -> None:
    # litres are a volume too, but the syringe drawing reads mL or units
    assert "bad-syringe" in rules('question: "Q?"\nanswer: 0.001\nunit: L\nsyringe: u100\n')
    assert "bad-syringe" not in rules('question: "Q?"\nanswer: 0.1\nunit: mL\nsyringe: u100\n')


def test_pint_keeps_its_parsed_definitions_in_the_apps_cache(tmp_path: Path) -> None:
    # in a fresh interpreter: the registry is built once per process
    home = tmp_path / "home"
    env = {**os.environ, "STUDYAPP_HOME": str(home)}
    command = [sys.executable, "-m", "studyapp", "try", CALCULATIONS, "cg-man", "4.8 L/h"]
    subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120)
    assert list((home / "cache" / "units").iterdir())  # pint's cache, in our data folder
