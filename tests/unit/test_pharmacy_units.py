"""Units through pint (issue 17): compound units, exact conversion, IU, mEq, drops, ratio
strength, temperature, and the properties every conversion keeps."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.core.deck.model import Card
from studyapp.core.kinds import KINDS, units
from studyapp.core.kinds._quantities import convert as pint_convert
from studyapp.core.kinds.grading import DeckContext, Grade, Question, Verdict
from studyapp.core.kinds.numeric import read_answer
from studyapp.core.kinds.units import (
    IU_NOTE,
    IncompatibleUnits,
    MissingFactor,
    convert,
    lookup_unit,
    parse_quantity,
)

NUMERIC = KINDS["numeric"]


def fixed_card(answer: str, unit: str | None, **extra: object) -> Card:
    data = {
        "question": "Q?",
        "unit": unit,
        "answer": answer,
        "formula": None,
        "params": [],
        "tolerance": ["abs", "0"],
        "decimals": None,
        "solution": [],
        "syringe": None,
        "template": None,
        "valence": None,
        "drop_factor": None,
        **extra,
    }
    return Card(id="c", kind="numeric", topic="dosing", line=1, data=data)


def grade(card: Card, answer: str) -> Grade:
    question = Question(NUMERIC.interaction, (), unit=card.data["unit"])
    return NUMERIC.grade(card, question, answer, DeckContext("d"))


# ------------------------------------------------------------------ the cases


@pytest.mark.parametrize(
    ("text", "unit", "value", "symbol"),
    [
        ("5 mg/mL", "mcg/mL", "5000", "mg/mL"),
        ("2 mg/kg", "mcg/kg", "2000", "mg/kg"),
        ("10 mL/h", "L/day", "0.24", "mL/h"),
        ("600 micrograms", "mg", "0.6", "mcg"),
        ("6e2 mcg", "mg", "0.6", "mcg"),
        ("3 mcg/kg/min", "mg/kg/h", "0.18", "mcg/kg/min"),
        ("40 mg/m²", "mg/m2", "40", "mg/m²"),
        ("2 mg/kg/day", "mg/kg/week", "14", "mg/kg/day"),
        ("100 mcg a day", "mcg/day", "100", "mcg/day"),
        ("1:1000", "mg/mL", "1", "g/mL"),
        ("1:1000", "%", "0.1", "g/mL"),  # w/v: 1 % is 1 g in 100 mL
        ("0.9 %", "mg/mL", "9", "%"),
        ("1 L", "mL", "1000", "L"),
        ("70 kg", "g", "70000", "kg"),
        ("-4 °F", "°C", "-20", "°F"),
    ],
)
def test_compound_and_pharmacy_units_convert_exactly(
    text: str, unit: str, value: str, symbol: str
) -> None:
    quantity = parse_quantity(text)
    assert quantity.unit is not None and quantity.unit.symbol == symbol
    target = lookup_unit(unit)
    assert target is not None
    assert convert(quantity.value, quantity.unit, target) == Decimal(value)


@pytest.mark.parametrize("text", ["-20 °C", "−20°C", "-20C", "-20 degrees Celsius", "-20 degC"])
def test_every_spelling_of_minus_twenty_celsius(text: str) -> None:
    assert parse_quantity(text) == units.Quantity(Decimal(-20), units.CELSIUS)
    assert grade(fixed_card("-20", "°C"), text).verdict is Verdict.CORRECT


def test_iu_is_never_a_mass_or_a_syringe_unit_and_says_why() -> None:
    with pytest.raises(IncompatibleUnits, match="IU are not syringe units"):
        convert(Decimal(9), units.IU, units.UNITS)
    with pytest.raises(IncompatibleUnits, match="an IU measures a drug's activity"):
        convert(Decimal(9), units.IU, units.MG)
    for unit in ("units", "mL", "mg", "mcg/kg"):
        result = grade(fixed_card("9", unit), "9 IU")
        assert result.verdict is Verdict.WRONG
        assert "activity" in result.feedback[0]
    assert grade(fixed_card("9", "units"), "9 IU").feedback == (f"{IU_NOTE}.",)
    assert grade(fixed_card("9", "IU"), "9 IU").verdict is Verdict.CORRECT
    assert grade(fixed_card("9", "IU/mL"), "9 IU per mL").verdict is Verdict.CORRECT


def test_pints_enzyme_unit_is_not_our_syringe_unit() -> None:
    # pint reads "U" as an enzyme unit (mol/min); ours is 0.01 mL, and IU is neither.
    assert lookup_unit("U") == units.UNITS
    assert convert(Decimal(40), units.UNITS, units.ML) == Decimal("0.4")


def test_meq_converts_to_mmol_only_with_the_cards_valence() -> None:
    assert convert(Decimal(10), units.MEQ, units.MMOL, valence=Decimal(2)) == 5
    meq_per_l, mmol_per_l = lookup_unit("mEq/L"), lookup_unit("mmol/L")
    assert meq_per_l is not None and mmol_per_l is not None
    assert convert(Decimal(140), meq_per_l, mmol_per_l, valence=Decimal(1)) == 140
    with pytest.raises(MissingFactor, match="valence"):
        convert(Decimal(10), units.MEQ, units.MMOL)
    assert grade(fixed_card("5", "mmol", valence="2"), "10 mEq").verdict is Verdict.CORRECT
    unread = grade(fixed_card("5", "mmol"), "10 mEq")
    assert unread.verdict is Verdict.UNREADABLE
    assert "valence" in unread.feedback[0]


def test_drops_convert_to_ml_only_with_the_cards_drop_factor() -> None:
    gtt_min, ml_h = lookup_unit("gtt/min"), lookup_unit("mL/h")
    assert gtt_min is not None and ml_h is not None
    assert convert(Decimal(50), gtt_min, ml_h, drop_factor=Decimal(60)) == 50
    assert convert(Decimal(25), gtt_min, ml_h, drop_factor=Decimal(20)) == 75
    with pytest.raises(MissingFactor, match="drop factor"):
        convert(Decimal(25), gtt_min, ml_h)
    card = fixed_card("75", "mL/h", drop_factor="20")
    assert grade(card, "25 gtt/min").verdict is Verdict.CORRECT


def test_a_quantity_of_another_kind_is_wrong_and_named() -> None:
    reading = read_answer("mg/mL", "5 mg")
    assert reading.verdict is Verdict.WRONG
    assert reading.notes == ("Expected a quantity in mg/mL, not mg.",)


def test_reading_a_unit_never_imports_pint() -> None:
    # check and start-up read units without building the registry.
    code = (
        "import sys\n"
        "from studyapp.core.kinds import units\n"
        "for t in ('5 mg/mL', '3 mcg/kg/min', '-20C', '1:1000', '40 mg/m2', '9 IU'):\n"
        "    units.parse_quantity(t)\n"
        "print('pint' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_spelling_outside_our_table_is_read_by_pint() -> None:
    assert lookup_unit("µL") == lookup_unit("microlitres") == units.MICROLITRE
    assert convert(Decimal(500), units.MICROLITRE, units.ML) == Decimal("0.5")
    nanolitre = lookup_unit("nanoliter")  # not in our table: pint's name
    assert nanolitre is not None and nanolitre.symbol == "nanoliter"
    assert convert(Decimal(500), nanolitre, units.MICROLITRE) == Decimal("0.5")
    assert lookup_unit("furlongz") is None


def test_per_minute_vs_per_hour_slip_is_named() -> None:
    result = grade(fixed_card("12", "mL/h"), "720")
    assert result.verdict is Verdict.WRONG
    assert result.feedback == ("Check per minute vs per hour: your answer is 60x too large.",)


# ------------------------------------------------------------------ properties

COMPATIBLE = [
    ["mcg", "mg", "g", "kg", "ng"],
    ["mL", "L", "dL", "units"],
    ["mg/mL", "mcg/mL", "g/L", "mg/L", "g/mL"],
    ["mcg/kg/min", "mg/kg/h", "mcg/kg/h", "mg/kg/day"],
    ["mL/h", "L/day", "mL/min"],
    ["mg/m2", "mcg/cm2", "g/m²"],
    ["mmol", "mol"],
    ["minutes", "hours", "days", "weeks"],
]
values = st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=4)


@settings(derandomize=True, max_examples=200)
@given(values, st.sampled_from(COMPATIBLE), st.data())
def test_every_conversion_round_trips_exactly(
    value: Decimal, group: list[str], data: st.DataObject
) -> None:
    source = lookup_unit(data.draw(st.sampled_from(group)))
    target = lookup_unit(data.draw(st.sampled_from(group)))
    assert source is not None and target is not None
    there = convert(value, source, target)
    exact = pint_convert(Fraction(value), source.expression(), target.expression())
    if Fraction(there) == exact:  # a terminating decimal (not 1/3 of something)
        assert convert(there, target, source) == value


@settings(derandomize=True, max_examples=200)
@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(COMPATIBLE[2:6]), st.data())
def test_a_compound_answer_equal_in_quantity_is_right_in_any_spelling(
    micro: int, group: list[str], data: st.DataObject
) -> None:
    expected = Decimal(micro) / 1000
    card_unit = data.draw(st.sampled_from(group))
    typed_unit = data.draw(st.sampled_from(group))
    card_u, typed_u = lookup_unit(card_unit), lookup_unit(typed_unit)
    assert card_u is not None and typed_u is not None
    typed = convert(expected, card_u, typed_u)
    spelled = typed_unit.replace("/", data.draw(st.sampled_from(["/", " per ", " / "])), 1)
    text = f"{units.format_number(typed)} {spelled}"
    if len(text) <= units.MAX_INPUT and len(units.format_number(typed).partition(".")[2]) < 20:
        result = grade(fixed_card(str(expected), card_unit), text)
        assert result.verdict is Verdict.CORRECT, text


@settings(derandomize=True, max_examples=200)
@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(["mg", "mcg", "mg/mL", "mL"]))
def test_a_thousandfold_slip_is_never_right(micro: int, unit: str) -> None:
    expected = Decimal(micro) / 1000
    for slipped in (expected * 1000, expected / 1000):
        result = grade(fixed_card(str(expected), unit), units.format_number(slipped))
        assert result.verdict is Verdict.WRONG
        assert "1000x" in result.feedback[-1]


@settings(derandomize=True, max_examples=200)
@given(st.integers(min_value=0, max_value=10**5), st.integers(min_value=0, max_value=10**5))
def test_decimal_sums_are_never_graded_wrong(a: int, b: int) -> None:
    # the card computes a + b in floats (0.1 + 0.2); the exact decimal sum is right
    x, y = Decimal(a) / 10, Decimal(b) / 10
    params = [["a", "0", "1e5", "0.1"], ["b", "0", "1e5", "0.1"]]
    card = fixed_card("0", "mg", formula="a + b", params=params)
    card = dataclasses.replace(card, data={**card.data, "answer": None})
    question = Question(NUMERIC.interaction, (), unit="mg", values={"a": float(x), "b": float(y)})
    result = NUMERIC.grade(card, question, f"{x + y} mg", DeckContext("d"))
    assert result.verdict is Verdict.CORRECT
