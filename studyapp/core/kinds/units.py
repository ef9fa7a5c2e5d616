"""Quantities with units for numeric cards: parsing, exact conversion, formatting.

The units are the few a dosing exercise needs, nothing more:

* masses: ``g``, ``mg``, ``mcg`` (also written ``µg``, ``μg``, ``ug``, or as
  words: ``micrograms``, ``milligrams``, ``grams``);
* volumes: ``mL`` (``ml``, ``millilitres``) and ``units`` (``unit``, ``u``),
  the marks of a U-100 insulin syringe, where 1 mL = 100 units;
* ``%`` (a percentage, also ``percent``), which converts to nothing else.

Every factor is a power of ten, so conversion only moves the decimal point of
a :class:`~decimal.Decimal`: ``250 mcg`` is exactly ``0.25 mg`` and exactly
``0.00025 g``.

*Label units* are read but never converted (compound units and conversions
come with a real unit library later): ``°C``, the time units ``minutes``,
``hours``, ``days``, ``weeks``, ``months`` and ``years``, ``IU``
(international units: a drug's activity, never a syringe's units), and a
known unit per another (``mcg/mL``, ``mcg/day``, ``mg per kg``). An answer in
a label unit is read only on a card in that same unit.

Spellings are matched ignoring case, compatibility forms and spacing (``ML``,
``℃``, ``mcg / mL``). Numbers accept a decimal point or a decimal comma
(``0.5``, ``.5``, ``0,5``) and a sign. A comma followed by exactly three
digits after a non-zero integer part (``1,500``) is refused as ambiguous: in
a dosing exercise, reading a thousands separator as a decimal comma is a
1000x error.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import StrEnum

__all__ = [
    "IU",
    "IU_NOTE",
    "MAX_INPUT",
    "Dimension",
    "Quantity",
    "Unit",
    "UnitError",
    "convert",
    "format_number",
    "format_quantity",
    "format_signed",
    "known_spellings",
    "lookup_unit",
    "parse_number",
    "parse_quantity",
    "reading_hint",
    "suggest_unit",
]

MAX_INPUT = 100
"""The longest answer text read (longer input is refused, not parsed)."""

IU_NOTE = (
    "IU are not syringe units: an IU measures a drug's activity, "
    "a syringe unit is a volume (0.01 mL)"
)
"""Said whenever IU are given where another unit is meant (never "did you mean units?")."""


class Dimension(StrEnum):
    """What a unit measures; only units of one dimension convert."""

    MASS = "mass"
    VOLUME = "volume"
    PERCENT = "percentage"
    TEMPERATURE = "temperature"
    TIME = "time"
    ACTIVITY = "activity"
    """International units (IU): a drug's biological activity."""
    RATIO = "ratio"
    """A unit per another (``mcg/mL``)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit: its canonical symbol, its dimension and its power of ten.

    ``scale`` is the exponent of ten relative to the smallest unit of the
    dimension (mcg for masses, a syringe unit for volumes); ``None`` for a
    label unit, which converts to nothing else.
    """

    symbol: str
    dimension: Dimension
    scale: int | None
    per: str = ""
    """How the unit reads after "per" (``day`` for ``days``); default: the symbol."""

    @property
    def convertible(self) -> bool:
        """Whether it converts to the other units of its dimension."""
        return self.scale is not None


MCG = Unit("mcg", Dimension.MASS, 0)
MG = Unit("mg", Dimension.MASS, 3)
G = Unit("g", Dimension.MASS, 6)
UNITS = Unit("units", Dimension.VOLUME, 0)
ML = Unit("mL", Dimension.VOLUME, 2)
PERCENT = Unit("%", Dimension.PERCENT, 0)
CELSIUS = Unit("°C", Dimension.TEMPERATURE, None)
MINUTES = Unit("minutes", Dimension.TIME, None, "minute")
HOURS = Unit("hours", Dimension.TIME, None, "hour")
DAYS = Unit("days", Dimension.TIME, None, "day")
WEEKS = Unit("weeks", Dimension.TIME, None, "week")
MONTHS = Unit("months", Dimension.TIME, None, "month")
YEARS = Unit("years", Dimension.TIME, None, "year")
IU = Unit("IU", Dimension.ACTIVITY, None)

_SPELLINGS: dict[str, Unit] = {
    "mcg": MCG,
    "μg": MCG,  # U+03BC GREEK SMALL LETTER MU (the micro sign reads as mu)
    "ug": MCG,
    "microgram": MCG,
    "micrograms": MCG,
    "mg": MG,
    "milligram": MG,
    "milligrams": MG,
    "g": G,
    "gram": G,
    "grams": G,
    "ml": ML,
    "millilitre": ML,
    "millilitres": ML,
    "milliliter": ML,
    "milliliters": ML,
    "units": UNITS,
    "unit": UNITS,
    "u": UNITS,
    "%": PERCENT,
    "percent": PERCENT,
    "per cent": PERCENT,
    "°c": CELSIUS,
    "c": CELSIUS,
    "degc": CELSIUS,
    "deg c": CELSIUS,
    "celsius": CELSIUS,
    "degrees c": CELSIUS,
    "degrees celsius": CELSIUS,
    "min": MINUTES,
    "mins": MINUTES,
    "minute": MINUTES,
    "minutes": MINUTES,
    "h": HOURS,
    "hr": HOURS,
    "hrs": HOURS,
    "hour": HOURS,
    "hours": HOURS,
    "d": DAYS,
    "day": DAYS,
    "days": DAYS,
    "wk": WEEKS,
    "wks": WEEKS,
    "week": WEEKS,
    "weeks": WEEKS,
    "mo": MONTHS,
    "month": MONTHS,
    "months": MONTHS,
    "y": YEARS,
    "yr": YEARS,
    "yrs": YEARS,
    "year": YEARS,
    "years": YEARS,
    "iu": IU,
    "i.u.": IU,
    "international unit": IU,
    "international units": IU,
}
"""Every accepted spelling (see :func:`_spelling`) to its unit."""
KNOWN_UNITS = tuple(dict.fromkeys(_SPELLINGS.values()))
"""Every unit, once."""
KNOWN_TEXT = "g, mg, mcg, mL, units, %, °C, minutes, hours, days, weeks, months, years, IU"
"""The units named in messages; also one of them per another (``mcg/mL``)."""


class UnitError(ValueError):
    """Text that is not a number with a known unit; the message says why."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as typed (exact) and its unit, ``None`` when none was written."""

    value: Decimal
    unit: Unit | None


def known_spellings() -> list[str]:
    """Every unit spelling accepted (lower case)."""
    return list(_SPELLINGS)


def _spelling(text: str) -> str:
    """``text`` as looked up: compatibility forms folded, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


_RATIO_RE = re.compile(r"(.+?)\s*(?:/|\bper\b|\ba\b)\s*(.+)")


def lookup_unit(text: str) -> Unit | None:
    """The unit spelled ``text`` (any case, surrounding spaces ignored), or ``None``.

    ``X/Y``, ``X per Y`` and ``X a Y`` are one unit per another (``mcg/mL``,
    ``mcg a day``) when both are known units that are not themselves ratios.
    """
    spelling = _spelling(text)
    unit = _SPELLINGS.get(spelling)
    if unit is not None or not spelling:
        return unit
    match = _RATIO_RE.fullmatch(spelling)
    if match is None:
        return None
    top, bottom = (_SPELLINGS.get(part) for part in match.groups())
    if top is None or bottom is None:
        return None
    return Unit(f"{top.symbol}/{bottom.per or bottom.symbol}", Dimension.RATIO, None)


def suggest_unit(text: str) -> str | None:
    """The known spelling closest to an unknown unit ``text``, if any is close.

    Never ``units`` for ``IU`` (an IU is not a syringe unit): ``IU`` is a
    unit of its own.
    """
    spelling = _spelling(text)
    close = difflib.get_close_matches(spelling, list(_SPELLINGS), n=1, cutoff=0.5)
    if not close:
        return None
    return _SPELLINGS[close[0]].symbol


def reading_hint(unit: Unit | None) -> str:
    """What an answer to a card in ``unit`` may look like, for the input and for messages.

    ``the number only`` without a unit; ``a number in mg (or mcg, g)`` for a
    convertible unit; ``a number in °C (or the number only)`` for a label unit.
    """
    if unit is None:
        return "the number only"
    if not unit.convertible:
        return f"a number in {unit.symbol} (or the number only)"
    others = [u.symbol for u in KNOWN_UNITS if u.dimension is unit.dimension and u != unit]
    return f"a number in {unit.symbol}" + (f" (or {', '.join(others)})" if others else "")


def convert(value: Decimal, source: Unit, target: Unit) -> Decimal:
    """``value`` in ``source`` expressed in ``target``, exactly.

    Raises :class:`UnitError` when the units measure different things, or
    when one is a label unit (which converts to nothing else).
    """
    if source == target:
        return value
    if source.dimension is not target.dimension:
        raise UnitError(
            f"cannot convert {source.dimension.value} ({source.symbol}) "
            f"to {target.dimension.value} ({target.symbol})"
        )
    if source.scale is None or target.scale is None:
        raise UnitError(f"cannot convert {source.symbol} to {target.symbol} yet")
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, len(value.as_tuple().digits) + 1)  # never round
        return value.scaleb(source.scale - target.scale)


_NUMBER_RE = re.compile(r"[+\-−]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_AMBIGUOUS_RE = re.compile(r"[+\-−]?[1-9]\d{0,2},\d{3}")


def parse_number(text: str) -> Decimal:
    """The exact value of a number typed as ``0.5``, ``.5``, ``0,5`` or ``-2``."""
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


_QUANTITY_RE = re.compile(r"\s*([+\-−]?[\d.,]+)\s*(.*?)\s*")


def parse_quantity(text: str) -> Quantity:
    """Read an answer such as ``250 mcg``, ``0.25mg``, ``1,5 mL``, ``12 u`` or ``0.15 %``.

    Raises :class:`UnitError` with a message fit to show the student.
    """
    if len(text) > MAX_INPUT:
        raise UnitError(f"the answer is longer than {MAX_INPUT} characters")
    if not text.strip():
        raise UnitError("no answer given")
    match = _QUANTITY_RE.fullmatch(text)
    if match is None:
        raise UnitError(f"'{text.strip()}' does not start with a number")
    value = parse_number(match.group(1))
    unit_text = match.group(2)
    if not unit_text:
        return Quantity(value, None)
    if not (unit_text[0].isalpha() or unit_text[0] in "%°℃"):
        raise UnitError(f"could not read '{text.strip()}': write a number, then a unit")
    unit = lookup_unit(unit_text)
    if unit is None:
        raise UnitError(_unknown_unit_message(unit_text))
    return Quantity(value, unit)


def _unknown_unit_message(text: str) -> str:
    """What to tell a student who typed an unknown unit."""
    suggestion = suggest_unit(text)
    hint = f"; did you mean '{suggestion}'?" if suggestion else ""
    return f"unknown unit '{text}' (known: {KNOWN_TEXT}){hint}"


def format_number(value: Decimal | float | int, decimals: int | None = None) -> str:
    """``value`` in plain decimal notation without trailing zeros.

    ``0.40`` gives ``"0.4"``, ``1500.0`` gives ``"1500"``, ``2.5e-4`` gives
    ``"0.00025"``. With ``decimals``, the value is first rounded (half away
    from zero) to that many decimal places. Floats are read through their
    shortest ``repr``, so ``0.1 + 0.2`` shows as ``0.30000000000000004``
    unless rounded.
    """
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not number.is_finite():
        return str(value)
    if decimals is not None:
        number = _round(number, decimals)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def _round(number: Decimal, decimals: int) -> Decimal:
    """``number`` rounded half away from zero to ``decimals`` places, never raising."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, number.adjusted() + decimals + 2)
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_signed(value: Decimal | float | int) -> str:
    """``+70`` or ``−70`` (a real minus sign): a number whose sign matters."""
    text = format_number(-value if value < 0 else value)
    return f"−{text}" if value < 0 else f"+{text}"


def format_quantity(quantity: Quantity, decimals: int | None = None) -> str:
    """``0.4 mL``, ``250 mcg``, ``0.15 %``; a bare number when there is no unit."""
    number = format_number(quantity.value, decimals)
    return f"{number} {quantity.unit.symbol}" if quantity.unit else number
