"""Quantities with units for numeric cards: reading, exact conversion, formatting.

Rule: the *spellings* students type are ours (a small table, matched ignoring
case, so ``MG`` is a milligram and never pint's megagram); every *conversion*
is pint's (:mod:`studyapp.core.kinds._quantities`, with our pharmacy
definitions), done on exact fractions, so ``250 mcg`` is exactly ``0.25 mg``.
Reading a unit never imports pint (``studyapp check`` and start-up stay
fast), except for a spelling outside the table, which pint is asked to read.

Units: masses (kg, g, mg, mcg: also µg, μg, ug, microgram(s)), volumes (L,
dL, mL, and ``units``: the marks of a U-100 syringe, 1 mL = 100 units),
amounts (mol, mmol; Eq, mEq: to mmol with the card's ``valence``), IU
(international units: never converted to a mass or to syringe units), drops
(gtt: to mL with the card's ``drop_factor``), ``%``, temperature (°C, °F),
time (s, min, h, days, weeks, months, years), length and area (cm, m, m²),
and any unit per others: ``mg/mL``, ``mcg/kg/min``, ``mg per kg a day``,
``mg/m2``. A ratio strength ``1:1000`` reads as 1 g in 1000 mL.

Numbers accept a decimal point or a decimal comma (``0.5``, ``.5``,
``0,5``), a sign and an exponent (``6e2``). A comma followed by exactly three
digits after a non-zero integer part (``1,500``) is refused as ambiguous: in
a dosing exercise, reading a thousands separator as a decimal comma is a
1000x error.

The table of units is :mod:`studyapp.core.kinds._unit_table` and the showing
of numbers :mod:`studyapp.core.kinds._unit_format`; their names are exported here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from fractions import Fraction

from studyapp.core.kinds import _quantities
from studyapp.core.kinds._quantities import use_cache_folder, warm_in_background
from studyapp.core.kinds._unit_format import FLOAT_DIGITS, format_number, format_signed
from studyapp.core.kinds._unit_table import (
    CELSIUS,
    CM,
    DAYS,
    DL,
    EQ,
    FAHRENHEIT,
    G_PER_ML,
    GTT,
    HINTED,
    HOURS,
    IU,
    KG,
    KNOWN_TEXT,
    KNOWN_UNITS,
    MCG,
    MEQ,
    MG,
    MICROLITRE,
    MINUTES,
    ML,
    MMOL,
    MOL,
    MONTHS,
    NG,
    PERCENT,
    SECONDS,
    SPELLINGS,
    UNITS,
    WEEKS,
    YEARS,
    Dimension,
    G,
    L,
    M,
    Unit,
)

__all__ = [
    "CELSIUS",
    "CM",
    "DAYS",
    "DL",
    "EQ",
    "FAHRENHEIT",
    "FLOAT_DIGITS",
    "GTT",
    "G_PER_ML",
    "HOURS",
    "IU",
    "IU_NOTE",
    "KG",
    "KNOWN_TEXT",
    "KNOWN_UNITS",
    "MAX_INPUT",
    "MCG",
    "MEQ",
    "MG",
    "MICROLITRE",
    "MINUTES",
    "ML",
    "MMOL",
    "MOL",
    "MONTHS",
    "NG",
    "PERCENT",
    "SECONDS",
    "UNITS",
    "WEEKS",
    "YEARS",
    "Dimension",
    "G",
    "L",
    "M",
    "Quantity",
    "Unit",
    "UnitError",
    "convert",
    "format_number",
    "format_quantity",
    "format_signed",
    "iu_reason",
    "known_spellings",
    "lookup_unit",
    "parse_number",
    "parse_quantity",
    "reading_hint",
    "suggest_unit",
    "use_cache_folder",
    "warm_in_background",
]

MAX_INPUT = 100
"""The longest answer text read (longer input is refused, not parsed)."""

IU_NOTE = (
    "IU are not syringe units: an IU measures a drug's activity, "
    "a syringe unit is a volume (0.01 mL)"
)
"""Said whenever IU are given where another unit is meant (never "did you mean units?")."""


class UnitError(ValueError):
    """Text that is not a number with a known unit, or units that do not convert; says why."""


class IncompatibleUnits(UnitError):
    """Units that measure different things (``mg`` and ``mL``)."""


class MissingFactor(UnitError):
    """Units that convert only with a fact the card does not give (a valence, a drop factor)."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as typed (exact) and its unit, ``None`` when none was written."""

    value: Decimal
    unit: Unit | None


def known_spellings() -> list[str]:
    """Every one-unit spelling accepted (lower case)."""
    return list(SPELLINGS)


def _spelling(text: str) -> str:
    """``text`` as looked up: compatibility forms folded, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_PER_RE = re.compile(r"\s*(?:/|\bper\b|\ba\b)\s*")
_POWER_RE = re.compile(r"(.+?)\s*(?:\^|\*\*)?\s*([23])")
_FOREIGN_RE = re.compile(r"[^\W\d_]{3,}")


def lookup_unit(text: str) -> Unit | None:
    """The unit spelled ``text`` (any case, surrounding spaces ignored), or ``None``.

    ``X/Y/Z``, ``X per Y`` and ``X a Y`` are X per (Y times Z); a length may
    be squared or cubed (``m2``, ``m²``, ``m^2``). A part outside our table is
    read by pint, when pint knows it (``microliter``).
    """
    spelling = _spelling(text).replace("·", "*")
    unit = SPELLINGS.get(spelling)
    if unit is not None or not spelling:
        return unit
    parts = _PER_RE.split(spelling)
    if len(parts) == 1:
        return _power_or_foreign(spelling)
    if any(not part for part in parts):
        return None
    units = [SPELLINGS.get(part) or _power_or_foreign(part) for part in parts]
    if any(u is None for u in units):
        return None
    terms: list[tuple[str, int]] = []
    symbols: list[str] = []
    for index, part in enumerate(units):
        assert part is not None
        sign = 1 if index == 0 else -1
        terms.extend((name, sign * power) for name, power in part.terms)
        symbols.append(part.symbol if index == 0 else (part.per or part.symbol))
    return Unit("/".join(symbols), Dimension.RATIO, tuple(terms))


def _power_or_foreign(spelling: str) -> Unit | None:
    """A squared or cubed length (``m2``), or a unit pint knows by this name."""
    match = _POWER_RE.fullmatch(spelling)
    if match:
        base = SPELLINGS.get(match.group(1))
        if base is not None and base.dimension is Dimension.LENGTH:
            power = int(match.group(2))
            sign = "²" if power == 2 else "³"
            dimension = Dimension.AREA if power == 2 else Dimension.VOLUME
            return Unit(base.symbol + sign, dimension, ((base.terms[0][0], power),))
    if not _FOREIGN_RE.fullmatch(spelling):
        return None
    return _foreign(spelling)


def _foreign(spelling: str) -> Unit | None:
    """A unit outside our table that pint reads (its names are case-sensitive)."""
    import pint  # lazy: only for a spelling outside our table

    try:
        name = _quantities.registry().get_name(spelling)
    except (pint.errors.PintError, AttributeError, ValueError, TypeError, SyntaxError):
        return None
    if name in ("enzyme_unit", "year"):  # "U" is our syringe unit; a bare "a" is no answer
        return None
    return Unit(spelling, Dimension.RATIO, ((name, 1),))


def suggest_unit(text: str) -> str | None:
    """The known spelling closest to an unknown unit ``text``, if any is close.

    Never ``units`` for ``IU`` (an IU is not a syringe unit): ``IU`` is a
    unit of its own.
    """
    spelling = _spelling(text)
    close = difflib.get_close_matches(spelling, list(SPELLINGS), n=1, cutoff=0.5)
    if not close:
        return None
    return SPELLINGS[close[0]].symbol


def reading_hint(unit: Unit | None) -> str:
    """What an answer to a card in ``unit`` may look like, for the input and for messages.

    ``the number only`` without a unit; ``a number in mg (or mcg, g)`` for a
    unit of the table (``a number in °C (or the number only)`` when it is the only
    one of its kind offered); ``a number in mg/mL (or an equal unit)`` for others.
    """
    if unit is None:
        return "the number only"
    if unit.dimension in (Dimension.RATIO, Dimension.AREA):
        return f"a number in {unit.symbol} (or an equal unit)"
    others = [u.symbol for u in HINTED if u.dimension is unit.dimension and u != unit]
    return f"a number in {unit.symbol} (or {', '.join(others) or 'the number only'})"


def convert(
    value: Decimal,
    source: Unit,
    target: Unit,
    *,
    valence: Decimal | None = None,
    drop_factor: Decimal | None = None,
) -> Decimal:
    """``value`` in ``source`` expressed in ``target``, exactly (through pint, on fractions).

    ``valence`` converts equivalents to moles, ``drop_factor`` (gtt/mL) drops
    to millilitres, and a percentage converts to a mass per volume as w/v
    (1 % = 1 g per 100 mL) when the other unit is one. Raises
    :class:`IncompatibleUnits` or :class:`MissingFactor`.
    """
    if source == target:
        return value
    if Dimension.ACTIVITY in (source.dimension, target.dimension) or (
        source.has(Dimension.ACTIVITY) != target.has(Dimension.ACTIVITY)
    ):
        raise IncompatibleUnits(iu_reason(source, target))
    subs = _bridges(source, target, valence, drop_factor)
    try:
        return _via_pint(value, source, target, subs)
    except _quantities.Incompatible as exc:
        if not (source.has(Dimension.PERCENT) or target.has(Dimension.PERCENT)):
            raise IncompatibleUnits(_incompatible(source, target, exc)) from exc
        failure = exc
    try:  # a percentage and a mass per volume: w/v, 1 % is 1 g in 100 mL
        return _via_pint(value, source, target, {**subs, "percent": "(gram / deciliter)"})
    except _quantities.Incompatible:
        raise IncompatibleUnits(_incompatible(source, target, failure)) from failure


def _via_pint(value: Decimal, source: Unit, target: Unit, subs: dict[str, str]) -> Decimal:
    """One exact conversion by pint."""
    exact = _quantities.convert(Fraction(value), source.expression(subs), target.expression(subs))
    return decimal_of(exact)


def _bridges(
    source: Unit, target: Unit, valence: Decimal | None, drop_factor: Decimal | None
) -> dict[str, str]:
    """Names to replace so units of a card's own facts convert (mEq to mmol, gtt to mL)."""
    subs: dict[str, str] = {}
    equivalents = source.has(Dimension.EQUIVALENTS) != target.has(Dimension.EQUIVALENTS)
    if equivalents:
        if valence is None:
            raise MissingFactor(
                f"{source.symbol} and {target.symbol} convert only with the ion's valence, "
                "which this card does not give"
            )
        subs["milliequivalent"] = f"(millimole / {valence})"
        subs["equivalent"] = f"(mole / {valence})"
    drops = source.has(Dimension.DROPS) != target.has(Dimension.DROPS)
    if drops:
        if drop_factor is None:
            raise MissingFactor(
                f"{source.symbol} and {target.symbol} convert only with the giving set's "
                "drop factor, which this card does not give"
            )
        subs["drop"] = f"(milliliter / {drop_factor})"
    return subs


def iu_reason(source: Unit, target: Unit) -> str:
    """Why IU never convert."""
    if source.has(Dimension.ACTIVITY) and target.has(Dimension.VOLUME):
        return IU_NOTE
    return (
        f"cannot convert {source.symbol} to {target.symbol}: an IU measures a drug's "
        "activity, which has no fixed mass or volume"
    )


def _incompatible(source: Unit, target: Unit, exc: Exception) -> str:
    """The message for units measuring different things."""
    return f"cannot convert {source.symbol} to {target.symbol} ({exc})"


def decimal_of(value: Fraction) -> Decimal:
    """A fraction as a decimal: exact when it terminates, else to 30 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        if exact * value.denominator == value.numerator:
            return exact.normalize() if exact else Decimal(0)
        ctx.prec = 30
        return +exact


_NUMBER_RE = re.compile(r"[+\-−]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+\-−]?\d{1,3})?")
_AMBIGUOUS_RE = re.compile(r"[+\-−]?[1-9]\d{0,2},\d{3}")


def parse_number(text: str) -> Decimal:
    """The exact value of a number typed as ``0.5``, ``.5``, ``0,5``, ``-2`` or ``6e2``."""
    text = text.strip()
    if not _NUMBER_RE.fullmatch(text):
        raise UnitError(f"'{text}' is not a number")
    if _AMBIGUOUS_RE.fullmatch(text):
        whole, _, rest = text.partition(",")
        raise UnitError(
            f"'{text}' is ambiguous: write {whole}{rest} or {whole}.{rest.rstrip('0') or '0'}"
        )
    normal = text.replace(",", ".").replace("−", "-")
    try:
        return Decimal(normal)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise UnitError(f"'{text}' is not a number") from exc


_QUANTITY_RE = re.compile(r"\s*([+\-−]?[\d.,]+(?:[eE][+\-−]?\d+)?)\s*(.*?)\s*")
_RATIO_STRENGTH_RE = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*:\s*(\d+(?:[.,]\d+)?)\s*")


def parse_quantity(text: str) -> Quantity:
    """Read an answer such as ``250 mcg``, ``0.25mg``, ``1,5 mL``, ``5 mg/mL`` or ``1:1000``.

    Raises :class:`UnitError` with a message fit to show the student.
    """
    if len(text) > MAX_INPUT:
        raise UnitError(f"the answer is longer than {MAX_INPUT} characters")
    if not text.strip():
        raise UnitError("no answer given")
    ratio = _RATIO_STRENGTH_RE.fullmatch(text)
    if ratio is not None:
        return _ratio_strength(*ratio.groups())
    match = _QUANTITY_RE.fullmatch(text)
    if match is None:
        raise UnitError(f"'{text.strip()}' does not start with a number")
    value = parse_number(match.group(1))
    unit_text = match.group(2)
    if not unit_text:
        return Quantity(value, None)
    if not (unit_text[0].isalpha() or unit_text[0] in "%°℃℉"):
        raise UnitError(f"could not read '{text.strip()}': write a number, then a unit")
    unit = lookup_unit(unit_text)
    if unit is None:
        raise UnitError(_unknown_unit_message(unit_text))
    return Quantity(value, unit)


def _ratio_strength(part: str, whole: str) -> Quantity:
    """``1:1000``: 1 g in 1000 mL, as g/mL."""
    top, bottom = parse_number(part), parse_number(whole)
    if bottom == 0:
        raise UnitError(f"'{part}:{whole}' divides by zero")
    return Quantity(decimal_of(Fraction(top) / Fraction(bottom)), G_PER_ML)


def _unknown_unit_message(text: str) -> str:
    """What to tell a student who typed an unknown unit."""
    suggestion = suggest_unit(text)
    hint = f"; did you mean '{suggestion}'?" if suggestion else ""
    return f"unknown unit '{text}' (known: {KNOWN_TEXT}){hint}"


def format_quantity(quantity: Quantity, decimals: int | None = None) -> str:
    """``0.4 mL``, ``250 mcg``, ``0.15 %``; a bare number when there is no unit."""
    number = format_number(quantity.value, decimals)
    return f"{number} {quantity.unit.symbol}" if quantity.unit else number
