"""Units for numeric cards: parsing answers, exact conversion, formatting."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.core.kinds.units import (
    IU,
    MCG,
    MG,
    ML,
    PERCENT,
    UNITS,
    Dimension,
    G,
    Quantity,
    UnitError,
    convert,
    format_number,
    format_quantity,
    lookup_unit,
    parse_number,
    parse_quantity,
    suggest_unit,
)

# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("250 mcg", "250", MCG),
        ("0.25mg", "0.25", MG),
        ("0.25 mg", "0.25", MG),
        ("  0.25   mg  ", "0.25", MG),
        ("1,5 mL", "1.5", ML),
        ("1,5ml", "1.5", ML),
        ("2 ML", "2", ML),
        ("2 Ml", "2", ML),
        ("12 units", "12", UNITS),
        ("12 unit", "12", UNITS),
        ("12 u", "12", UNITS),
        ("12 U", "12", UNITS),
        ("12 UNITS", "12", UNITS),
        ("0.15 %", "0.15", PERCENT),
        ("0.15%", "0.15", PERCENT),
        ("1 g", "1", G),
        ("5 MG", "5", MG),
        ("250 µg", "250", MCG),  # U+00B5 MICRO SIGN
        ("250 μg", "250", MCG),  # U+03BC GREEK SMALL LETTER MU
        ("250 ug", "250", MCG),
        ("250 MCG", "250", MCG),
        (".5", "0.5", None),
        (",5", "0.5", None),
        ("0,5", "0.5", None),
        ("0.5", "0.5", None),
        ("7", "7", None),
        ("5.", "5", None),
        ("-2", "-2", None),
        ("+2", "2", None),
        ("0,500 mg", "0.5", MG),
        ("1,5000", "1.5", None),
    ],
)
def test_parse_quantity(text: str, value: str, unit: object) -> None:
    assert parse_quantity(text) == Quantity(Decimal(value), unit)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no answer given"),
        ("   ", "no answer given"),
        ("abc", "'abc' does not start with a number"),
        ("mg 5", "'mg 5' does not start with a number"),
        ("5 IUs", "did you mean 'IU'?"),
        ("5 lbz", "unknown unit 'lbz'"),
        ("5 mg/xyz", "unknown unit 'mg/xyz'"),
        ("5 mg/", "unknown unit 'mg/'"),
        ("5 a", "unknown unit 'a'"),  # not pint's annum: a one-letter guess is refused
        ("5 mgs", "did you mean 'mg'?"),
        ("1/2", "write a number, then a unit"),
        ("1:0", "divides by zero"),
        ("1.5.2", "'1.5.2' is not a number"),
        ("1,5.2", "'1,5.2' is not a number"),
        (".", "'.' is not a number"),
        ("1,500", "'1,500' is ambiguous: write 1500 or 1.5"),
        ("12,250 mcg", "'12,250' is ambiguous: write 12250 or 12.25"),
        ("5" * 101, "longer than 100 characters"),
    ],
)
def test_parse_quantity_refuses_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(UnitError, match=None) as caught:
        parse_quantity(text)
    assert message in str(caught.value)


def test_lookup_and_suggest() -> None:
    assert lookup_unit(" ML ") == ML
    assert lookup_unit("µg") == MCG and lookup_unit("μg") == MCG
    assert lookup_unit("IU") == IU and lookup_unit("i.u.") == IU
    assert lookup_unit("lx") is None
    assert suggest_unit("mgs") == "mg"
    assert suggest_unit("mlt") == "mL"
    assert suggest_unit("xyzzy") is None


def test_parse_number_directly() -> None:
    assert parse_number("−3,5") == Decimal("-3.5")  # U+2212 MINUS SIGN
    with pytest.raises(UnitError):
        parse_number("3 mg")


# ------------------------------------------------------------------ conversion


def test_masses_convert_exactly() -> None:
    assert convert(Decimal(250), MCG, MG) == Decimal("0.25")
    assert convert(Decimal(250), MCG, G) == Decimal("0.00025")
    assert convert(Decimal("0.25"), MG, MCG) == Decimal(250)
    assert convert(Decimal("0.00025"), G, MG) == Decimal("0.25")
    assert isinstance(convert(Decimal(250), MCG, MG), Decimal)  # exact decimal, not a float


def test_volumes_convert_on_a_u100_syringe() -> None:
    assert convert(Decimal("0.4"), ML, UNITS) == Decimal(40)
    assert convert(Decimal(25), UNITS, ML) == Decimal("0.25")


@pytest.mark.parametrize(("a", "b"), [(MG, ML), (ML, PERCENT), (UNITS, MCG), (PERCENT, G)])
def test_different_dimensions_do_not_convert(a: object, b: object) -> None:
    with pytest.raises(UnitError, match="cannot convert"):
        convert(Decimal(1), a, b)  # type: ignore[arg-type]


def test_dimensions() -> None:
    assert {u.dimension for u in (MCG, MG, G)} == {Dimension.MASS}
    assert {u.dimension for u in (ML, UNITS)} == {Dimension.VOLUME}
    assert PERCENT.dimension is Dimension.PERCENT


# ------------------------------------------------------------------ formatting


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (Decimal("0.40"), None, "0.4"),
        (1500.0, None, "1500"),
        (2.5e-4, None, "0.00025"),
        (Decimal("1E+3"), None, "1000"),
        (0.1 + 0.2, None, "0.30000000000000004"),
        (0.1 + 0.2, 3, "0.3"),
        (0.0125, 3, "0.013"),  # half away from zero on the decimal as printed
        (2 / 3, 3, "0.667"),
        (-0.0, None, "0"),
        (-0.0001, 2, "0"),
        (5, None, "5"),
        (1e30, 3, "1000000000000000000000000000000"),
    ],
)
def test_format_number(value: Decimal | float, decimals: int | None, text: str) -> None:
    assert format_number(value, decimals) == text


def test_format_quantity() -> None:
    assert format_quantity(Quantity(Decimal("0.400"), ML)) == "0.4 mL"
    assert format_quantity(Quantity(Decimal(250), MCG)) == "250 mcg"
    assert format_quantity(Quantity(Decimal("0.15"), PERCENT)) == "0.15 %"
    assert format_quantity(Quantity(Decimal(3), None)) == "3"


# ------------------------------------------------------------------ properties

micrograms = st.integers(min_value=0, max_value=10**12)


@given(micrograms)
def test_mass_conversions_are_exact_in_integer_micrograms(mcg: int) -> None:
    as_mg = convert(Decimal(mcg), MCG, MG)
    as_g = convert(Decimal(mcg), MCG, G)
    assert as_mg * 1000 == mcg
    assert as_g * 1_000_000 == mcg
    assert convert(as_g, G, MG) == as_mg
    assert convert(as_mg, MG, MCG) == mcg
    assert convert(as_g, G, MCG) == mcg


@given(micrograms)
def test_parsed_mass_text_converts_exactly(mcg: int) -> None:
    text = format_number(convert(Decimal(mcg), MCG, MG)) + " mg"
    quantity = parse_quantity(text)
    assert quantity.unit == MG
    assert convert(quantity.value, MG, MCG) == mcg


decimals = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, places=6
)
unit_choice = st.sampled_from([MCG, MG, G, ML, UNITS, PERCENT, None])


@given(decimals, unit_choice)
def test_a_formatted_quantity_parses_back_to_itself(value: Decimal, unit: object) -> None:
    quantity = Quantity(value, unit)  # type: ignore[arg-type]
    parsed = parse_quantity(format_quantity(quantity))
    assert parsed.unit == unit
    assert parsed.value == value


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_a_formatted_float_parses_back_to_the_same_float(value: float) -> None:
    assert float(parse_number(format_number(value))) == value


@given(st.text(max_size=40))
def test_parsing_arbitrary_text_raises_only_unit_error(text: str) -> None:
    with contextlib.suppress(UnitError):
        parse_quantity(text)
