"""Reading a ``numeric`` answer (see :mod:`studyapp.core.kinds.numeric`) and judging it.

Rule: an answer is read into the card's unit exactly (:func:`read_answer`, with
:mod:`studyapp.core.kinds.units`); text that cannot be read is never wrong, it
is ``UNREADABLE`` and asked again. A value read is right within the card's
tolerance or once rounded as shown (:func:`is_right`); a wrong one is matched
against the slips worth naming (:func:`find_slip`: a sign, 1000x, 100x, 60x).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from studyapp.core.deck.model import Card
from studyapp.core.kinds import units
from studyapp.core.kinds.grading import Verdict
from studyapp.core.kinds.syringe import U100_UNITS_PER_ML

__all__ = ["Reading", "find_slip", "is_right", "read_answer"]


def _allowed_error(tolerance: Sequence[str], expected: float) -> float:
    """The largest accepted difference from ``expected``, in the card's unit."""
    kind, amount = tolerance
    if kind == "rel":
        return float(Decimal(amount)) / 100 * abs(expected)
    return float(Decimal(amount))


def _close(given: float, expected: float, allowed: float) -> bool:
    """``given`` is within ``allowed`` of ``expected`` (plus float rounding noise)."""
    return abs(given - expected) <= allowed + 1e-9 * max(abs(given), abs(expected))


def _shown(value: float, decimals: int | None) -> Decimal:
    """``value`` as shown with ``decimals`` places (exact, for comparing)."""
    return Decimal(units.format_number(value, decimals))


def is_right(card: Card, given: float, expected: float) -> bool:
    """Within tolerance, or equal to the expected answer once both are rounded as shown."""
    data = card.data
    if _close(given, expected, _allowed_error(data["tolerance"], expected)):
        return True
    decimals = data["decimals"]
    return decimals is not None and _shown(given, decimals) == _shown(expected, decimals)


_MASS_SLIP = (1000, "check mg vs mcg")
_SLIPS: dict[units.Dimension | None, list[tuple[int, str]]] = {
    None: [_MASS_SLIP],
    units.Dimension.MASS: [_MASS_SLIP],
    units.Dimension.VOLUME: [
        _MASS_SLIP,
        (U100_UNITS_PER_ML, "check mL vs units on a U-100 syringe"),
    ],
    units.Dimension.PERCENT: [(100, "check percent vs fraction")],
    units.Dimension.RATIO: [_MASS_SLIP],
}
"""The slips worth naming, by the dimension of the card's unit: (factor, advice)."""
_PER_TIME_SLIP = (60, "check per minute vs per hour")
"""Also named for a rate per minute or per hour (mL/h, mcg/kg/min, gtt/min)."""


def _slips(unit: units.Unit | None) -> list[tuple[int, str]]:
    """The slips to look for on a card in ``unit``."""
    factors = list(_SLIPS.get(unit.dimension if unit else None, _SLIPS[None]))
    if unit is not None and any(
        name in ("minute", "hour") and power < 0 for name, power in unit.terms
    ):
        factors.append(_PER_TIME_SLIP)
    return factors


def find_slip(card: Card, given: float, expected: float) -> tuple[str, str] | None:
    """The slip a wrong answer looks like, as ``(rule, advice)``: a dropped or
    added sign; 1000x (mg/mcg); 100x (mL/units, percent/fraction); 60x (per min/per h)."""
    if expected == 0 or given == 0:
        return None
    allowed = _allowed_error(card.data["tolerance"], expected)
    if _close(-given, expected, allowed):
        advice = f"the sign must match: {units.format_signed(given)} vs "
        return "sign", advice + units.format_signed(expected)
    for factor, advice in _slips(units.lookup_unit(card.data["unit"] or "")):
        if _close(given / factor, expected, allowed):
            return "slip", f"{advice}: your answer is {factor}x too large"
        if _close(given * factor, expected, allowed):
            return "slip", f"{advice}: your answer is {factor}x too small"
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    """An answer read in the card's unit (``value``), or why it gives no value.

    ``verdict`` is ``UNREADABLE`` (ask again) or ``WRONG`` (a quantity of
    another kind) when ``value`` is ``None``; ``notes`` are feedback lines.
    """

    value: Decimal | None
    notes: tuple[str, ...] = ()
    verdict: Verdict | None = None
    rule: str = ""


def read_answer(
    unit_symbol: str | None,
    text: str,
    *,
    valence: Decimal | None = None,
    drop_factor: Decimal | None = None,
) -> Reading:
    """Read ``text`` as a quantity in the card's unit (``unit_symbol``).

    Conversions are exact (pint, on fractions): ``5 mg/mL`` for a ``mcg/mL``
    card reads as 5000. ``valence`` and ``drop_factor`` are the card's (mEq to
    mmol, gtt to mL). Unreadable (asked again, never wrong): no number first,
    an unknown unit, ``1,500``, a unit on a card without one, or units that
    convert only with a fact the card does not give. Wrong: a quantity of
    another kind (``mg`` for ``mL``), or IU for anything but IU (saying why).
    """
    target = units.lookup_unit(unit_symbol or "")
    try:
        quantity = units.parse_quantity(text)
    except units.UnitError as exc:
        return _unreadable(target, f"Could not read the answer: {exc}.")
    given = quantity.unit
    if given is None or given == target:
        return Reading(quantity.value)
    if given.has(units.Dimension.ACTIVITY) and (target is None or not target.has(given.dimension)):
        why = units.IU_NOTE if target is None else units.iu_reason(given, target)
        return Reading(None, (f"{_first_upper(why)}.",), Verdict.WRONG, "iu")
    if target is None:
        return _unreadable(target, f"This question has no unit, so '{given.symbol}' is not read.")
    try:
        converted = units.convert(
            quantity.value, given, target, valence=valence, drop_factor=drop_factor
        )
    except units.MissingFactor as exc:
        return _unreadable(target, f"Could not convert: {exc}.")
    except units.IncompatibleUnits as exc:
        if given.has(units.Dimension.ACTIVITY) or target.has(units.Dimension.ACTIVITY):
            return Reading(None, (f"{_first_upper(str(exc))}.",), Verdict.WRONG, "iu")
        note = f"Expected {_describe(target)}, not {given.symbol}."
        return Reading(None, (note,), Verdict.WRONG, "dimension")
    shown = units.format_quantity(quantity)
    exact = units.format_number(converted)
    value = exact if len(exact.partition(".")[2]) <= 6 else f"{units.format_number(converted, 4)}…"
    note = f"{shown} = {value} {target.symbol}"
    return Reading(converted, (note,))


def _first_upper(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def _unreadable(target: units.Unit | None, why: str) -> Reading:
    """Ask again, saying what can be read."""
    hint = f"Type {units.reading_hint(target)}."
    return Reading(None, (why, hint), Verdict.UNREADABLE, "unreadable")


def _describe(unit: units.Unit) -> str:
    """``a volume in mL``, ``a mass in mg``, ``a percentage (%)``, ``a quantity in mg/mL``."""
    if unit.dimension is units.Dimension.PERCENT:
        return "a percentage (%)"
    if unit.dimension is units.Dimension.RATIO:
        return f"a quantity in {unit.symbol}"
    return f"a {unit.dimension.value} in {unit.symbol}"
