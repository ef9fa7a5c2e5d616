"""The table of units students may type (see :mod:`studyapp.core.kinds.units`).

Rule: the *spellings* are ours, one table matched ignoring case (``MG`` is a
milligram, never pint's megagram), and each unit names its pint expression
(``terms``) without importing pint: reading a unit stays fast. What a unit
measures (:class:`Dimension`) is for messages and slip advice only; pint
decides what converts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Dimension(StrEnum):
    """What a unit measures, for messages and slip advice (pint decides what converts)."""

    MASS = "mass"
    VOLUME = "volume"
    AMOUNT = "amount of substance"
    EQUIVALENTS = "amount of charge"
    PERCENT = "percentage"
    TEMPERATURE = "temperature"
    TIME = "time"
    LENGTH = "length"
    AREA = "area"
    DROPS = "number of drops"
    ACTIVITY = "activity"
    """International units (IU): a drug's biological activity."""
    RATIO = "compound quantity"
    """A unit per another, or a power (``mcg/mL``, ``mg/kg/day``, ``m²``)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as shown (``symbol``), what it measures, and its pint expression.

    ``terms`` are ``(pint name, power)`` pairs: ``mcg/kg/min`` is
    ``(("microgram", 1), ("kilogram", -1), ("minute", -1))``.
    """

    symbol: str
    dimension: Dimension
    terms: tuple[tuple[str, int], ...]
    per: str = ""
    """How the unit reads after "per" (``day`` for ``days``); default: the symbol."""

    @property
    def convertible(self) -> bool:
        """Every unit converts to the units that measure the same thing."""
        return True

    def expression(self, substitutions: dict[str, str] | None = None) -> str:
        """The pint expression, with some names replaced (``drop`` by ``(mL / 20)``)."""
        subs = substitutions or {}
        parts = []
        for pint_name, power in self.terms:
            name = subs.get(pint_name, pint_name)
            parts.append(name if power == 1 else f"{name} ** {power}")
        return " * ".join(parts)

    def has(self, dimension: Dimension) -> bool:
        """Whether one of its atoms measures ``dimension`` (``mEq/L`` has equivalents)."""
        return any(_ATOM_DIMENSIONS.get(name) is dimension for name, _ in self.terms)


def _atom(symbol: str, pint_name: str, dimension: Dimension, per: str = "") -> Unit:
    """A unit of one pint name."""
    return Unit(symbol, dimension, ((pint_name, 1),), per)


MCG = _atom("mcg", "microgram", Dimension.MASS)
MG = _atom("mg", "milligram", Dimension.MASS)
G = _atom("g", "gram", Dimension.MASS)
KG = _atom("kg", "kilogram", Dimension.MASS)
NG = _atom("ng", "nanogram", Dimension.MASS)
UNITS = _atom("units", "syringe_unit", Dimension.VOLUME, "unit")
ML = _atom("mL", "milliliter", Dimension.VOLUME)
DL = _atom("dL", "deciliter", Dimension.VOLUME)
MICROLITRE = _atom("mcL", "microliter", Dimension.VOLUME)
L = _atom("L", "liter", Dimension.VOLUME)
MMOL = _atom("mmol", "millimole", Dimension.AMOUNT)
MOL = _atom("mol", "mole", Dimension.AMOUNT)
MEQ = _atom("mEq", "milliequivalent", Dimension.EQUIVALENTS)
EQ = _atom("Eq", "equivalent", Dimension.EQUIVALENTS)
IU = _atom("IU", "international_unit", Dimension.ACTIVITY)
GTT = _atom("gtt", "drop", Dimension.DROPS, "drop")
PERCENT = _atom("%", "percent", Dimension.PERCENT)
CELSIUS = _atom("°C", "degree_Celsius", Dimension.TEMPERATURE)
FAHRENHEIT = _atom("°F", "degree_Fahrenheit", Dimension.TEMPERATURE)
SECONDS = _atom("seconds", "second", Dimension.TIME, "s")
MINUTES = _atom("minutes", "minute", Dimension.TIME, "min")
HOURS = _atom("hours", "hour", Dimension.TIME, "h")
DAYS = _atom("days", "day", Dimension.TIME, "day")
WEEKS = _atom("weeks", "week", Dimension.TIME, "week")
MONTHS = _atom("months", "month", Dimension.TIME, "month")
YEARS = _atom("years", "year", Dimension.TIME, "year")
CM = _atom("cm", "centimeter", Dimension.LENGTH)
M = _atom("m", "meter", Dimension.LENGTH)

SPELLINGS: dict[str, Unit] = {
    **dict.fromkeys(["mcg", "μg", "ug", "microgram", "micrograms"], MCG),
    **dict.fromkeys(["mg", "milligram", "milligrams"], MG),
    **dict.fromkeys(["g", "gm", "gram", "grams"], G),
    **dict.fromkeys(["kg", "kilogram", "kilograms", "kilo", "kilos"], KG),
    **dict.fromkeys(["ng", "nanogram", "nanograms"], NG),
    **dict.fromkeys(["ml", "millilitre", "millilitres", "milliliter", "milliliters"], ML),
    **dict.fromkeys(["cc"], ML),
    **dict.fromkeys(["mcl", "μl", "ul", "microlitre", "microlitres", "microliter"], MICROLITRE),
    **dict.fromkeys(["microliters"], MICROLITRE),
    **dict.fromkeys(["dl", "decilitre", "decilitres", "deciliter", "deciliters"], DL),
    **dict.fromkeys(["l", "litre", "litres", "liter", "liters"], L),
    **dict.fromkeys(["units", "unit", "u"], UNITS),
    **dict.fromkeys(["mmol", "millimole", "millimoles"], MMOL),
    **dict.fromkeys(["mol", "mole", "moles"], MOL),
    **dict.fromkeys(["meq", "milliequivalent", "milliequivalents"], MEQ),
    **dict.fromkeys(["eq", "equivalent", "equivalents"], EQ),
    **dict.fromkeys(["iu", "i.u.", "international unit", "international units"], IU),
    **dict.fromkeys(["gtt", "gtts", "drop", "drops"], GTT),
    **dict.fromkeys(["%", "percent", "per cent"], PERCENT),
    **dict.fromkeys(["°c", "c", "degc", "deg c", "celsius", "degrees c"], CELSIUS),
    **dict.fromkeys(["degree celsius", "degrees celsius"], CELSIUS),
    **dict.fromkeys(["°f", "f", "degf", "deg f", "fahrenheit", "degrees f"], FAHRENHEIT),
    **dict.fromkeys(["s", "sec", "secs", "second", "seconds"], SECONDS),
    **dict.fromkeys(["min", "mins", "minute", "minutes"], MINUTES),
    **dict.fromkeys(["h", "hr", "hrs", "hour", "hours"], HOURS),
    **dict.fromkeys(["d", "day", "days"], DAYS),
    **dict.fromkeys(["wk", "wks", "week", "weeks"], WEEKS),
    **dict.fromkeys(["mo", "month", "months"], MONTHS),
    **dict.fromkeys(["y", "yr", "yrs", "year", "years"], YEARS),
    **dict.fromkeys(["cm", "centimetre", "centimetres", "centimeter", "centimeters"], CM),
    **dict.fromkeys(["m", "metre", "metres", "meter", "meters"], M),
}
"""Every spelling of one unit (see :func:`_spelling`) to its unit."""
_ATOM_DIMENSIONS = {u.terms[0][0]: u.dimension for u in SPELLINGS.values()}
KNOWN_UNITS = tuple(dict.fromkeys(SPELLINGS.values()))
"""Every unit of the table, once."""
KNOWN_TEXT = (
    "kg, g, mg, mcg, L, mL, units, mmol, mEq, IU, gtt, %, °C, minutes, hours, days, "
    "weeks, months, years, cm, m, and any unit per others (mg/kg/day)"
)
"""The units named in messages."""
HINTED: tuple[Unit, ...] = (MCG, MG, G, ML, UNITS, MMOL, MEQ, GTT, PERCENT, CELSIUS)
HINTED += (MINUTES, HOURS, DAYS, WEEKS, MONTHS, YEARS)
"""The units a reading hint offers (``a number in mg (or mcg, g)``)."""
G_PER_ML = Unit("g/mL", Dimension.RATIO, (("gram", 1), ("milliliter", -1)))
"""What a ratio strength ``1:1000`` (1 g in 1000 mL) is read in."""
