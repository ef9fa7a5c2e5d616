"""Quantities with units for numeric cards: parsing, exact conversion, formatting.

The units are the few a dosing exercise needs, nothing more:

* masses: ``g``, ``mg``, ``mcg`` (also written ``µg``, ``μg``, ``ug``);
* volumes: ``mL`` (``ml``) and ``units`` (``unit``, ``u``), the marks of a
  U-100 insulin syringe, where 1 mL = 100 units;
* ``%`` (a percentage, which converts to nothing else).

Spellings are matched case-insensitively (``ML``, ``Mg``). Every factor is a
power of ten, so conversion only moves the decimal point of a
:class:`~decimal.Decimal`: ``250 mcg`` is exactly ``0.25 mg`` and exactly
``0.00025 g``.

Numbers accept a decimal point or a decimal comma (``0.5``, ``.5``, ``0,5``).
A comma followed by exactly three digits after a non-zero integer part
(``1,500``) is refused as ambiguous: in a dosing exercise, reading a thousands
separator as a decimal comma is a 1000x error.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import StrEnum

__all__ = [
    "MAX_INPUT",
    "Dimension",
    "Quantity",
    "Unit",
    "UnitError",
    "convert",
    "format_number",
    "format_quantity",
    "known_spellings",
    "lookup_unit",
    "parse_number",
    "parse_quantity",
    "suggest_unit",
]

MAX_INPUT = 100
"""The longest answer text read (longer input is refused, not parsed)."""


class Dimension(StrEnum):
    """What a unit measures; only units of one dimension convert."""

    MASS = "mass"
    VOLUME = "volume"
    PERCENT = "percentage"


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit: its canonical symbol, its dimension and its power of ten.

    ``scale`` is the exponent of ten relative to the smallest unit of the
    dimension (mcg for masses, a syringe unit for volumes).
    """

    symbol: str
    dimension: Dimension
    scale: int


MCG = Unit("mcg", Dimension.MASS, 0)
MG = Unit("mg", Dimension.MASS, 3)
G = Unit("g", Dimension.MASS, 6)
UNITS = Unit("units", Dimension.VOLUME, 0)
ML = Unit("mL", Dimension.VOLUME, 2)
PERCENT = Unit("%", Dimension.PERCENT, 0)

_SPELLINGS: dict[str, Unit] = {
    "mcg": MCG,
    "µg": MCG,  # U+00B5 MICRO SIGN
    "μg": MCG,  # U+03BC GREEK SMALL LETTER MU
    "ug": MCG,
    "mg": MG,
    "g": G,
    "ml": ML,
    "units": UNITS,
    "unit": UNITS,
    "u": UNITS,
    "%": PERCENT,
}
"""Every accepted spelling, lower-cased, to its unit."""
KNOWN_UNITS = tuple(dict.fromkeys(_SPELLINGS.values()))
"""Every unit, once."""


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


def lookup_unit(text: str) -> Unit | None:
    """The unit spelled ``text`` (any case, surrounding spaces ignored), or ``None``."""
    return _SPELLINGS.get(text.strip().casefold())


def suggest_unit(text: str) -> str | None:
    """The known spelling closest to an unknown unit ``text``, if any is close."""
    close = difflib.get_close_matches(text.strip().casefold(), list(_SPELLINGS), n=1, cutoff=0.5)
    if not close:
        return None
    return _SPELLINGS[close[0]].symbol


def convert(value: Decimal, source: Unit, target: Unit) -> Decimal:
    """``value`` in ``source`` expressed in ``target``, exactly.

    Raises :class:`UnitError` when the units measure different things.
    """
    if source.dimension is not target.dimension:
        raise UnitError(
            f"cannot convert {source.dimension.value} ({source.symbol}) "
            f"to {target.dimension.value} ({target.symbol})"
        )
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
    if not (unit_text[0].isalpha() or unit_text[0] == "%"):
        raise UnitError(f"could not read '{text.strip()}': write a number, then a unit")
    unit = lookup_unit(unit_text)
    if unit is None:
        raise UnitError(_unknown_unit_message(unit_text))
    return Quantity(value, unit)


def _unknown_unit_message(text: str) -> str:
    """What to tell a student who typed an unknown unit."""
    suggestion = suggest_unit(text)
    hint = f"; did you mean '{suggestion}'?" if suggestion else ""
    return f"unknown unit '{text}' (known: g, mg, mcg, mL, units, %){hint}"


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


def format_quantity(quantity: Quantity, decimals: int | None = None) -> str:
    """``0.4 mL``, ``250 mcg``, ``0.15 %``; a bare number when there is no unit."""
    number = format_number(quantity.value, decimals)
    return f"{number} {quantity.unit.symbol}" if quantity.unit else number
