"""The pint unit registry behind :mod:`studyapp.core.kinds.units`, loaded lazily.

Rule: nothing here runs at import time. :func:`registry` imports pint and
builds its registry on first use (pint's default definitions plus our own,
``pharmacy_units.txt`` beside this file), with exact numbers
(:class:`~fractions.Fraction`), so no conversion rounds. Building it costs a
few hundred milliseconds once (docs/performance.md), a tenth of that with
pint's cache of parsed definitions (:func:`use_cache_folder`, given by the
app: the core never picks a folder); a front end that opens a deck with
numeric cards calls :func:`warm_in_background` so the first answer graded
does not pay for it; :func:`registry` is thread-safe.
"""

from __future__ import annotations

import threading
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

__all__ = [
    "DEFINITIONS",
    "Incompatible",
    "convert",
    "dimensionality",
    "is_warm",
    "registry",
    "use_cache_folder",
    "warm_in_background",
]

DEFINITIONS = Path(__file__).with_name("pharmacy_units.txt")
"""Our pharmacy units, in pint's definition syntax."""

_lock = threading.Lock()
_registry: list[pint.UnitRegistry[Any]] = []
_cache_folder: list[Path] = []


class Incompatible(ValueError):
    """Two units that measure different things; the message names both dimensions."""


def use_cache_folder(folder: Path) -> None:
    """Let pint keep its parsed definitions in ``folder`` (the app's cache): building the
    registry then takes a tenth of the time. Only for a registry not built yet."""
    _cache_folder[:] = [folder]


def registry() -> pint.UnitRegistry[Any]:
    """The shared registry, built on first call (by whichever thread gets here first)."""
    if _registry:
        return _registry[0]
    with _lock:
        if not _registry:
            import pint  # lazy: a few hundred ms, paid off the UI thread (see the docstring)

            cache = _cache_folder[0] if _cache_folder else None
            reg: pint.UnitRegistry[Any] = pint.UnitRegistry(
                non_int_type=Fraction, cache_folder=cache, autoconvert_offset_to_baseunit=False
            )
            reg.load_definitions(str(DEFINITIONS))
            _registry.append(reg)
    return _registry[0]


def is_warm() -> bool:
    """Whether the registry is built already."""
    return bool(_registry)


def warm_in_background() -> threading.Thread | None:
    """Build the registry in a daemon thread (``None`` when it is built already)."""
    if _registry:
        return None
    thread = threading.Thread(target=registry, name="studyapp-units-warm", daemon=True)
    thread.start()
    return thread


def dimensionality(expression: str) -> str:
    """The dimensions of a unit expression, as pint writes them (``[mass] / [length] ** 3``)."""
    dims = registry().parse_units(expression).dimensionality
    parts = [f"{name}" if power == 1 else f"{name}^{power}" for name, power in dims.items()]
    return " * ".join(parts) or "dimensionless"


def convert(value: Fraction, source: str, target: str) -> Fraction:
    """``value`` in the unit expression ``source``, in ``target``, exactly.

    Raises :class:`Incompatible` when they measure different things.
    """
    import pint  # already imported by registry(): costs nothing here

    reg = registry()
    source_scale, source_units = _split(reg, source)
    target_scale, target_units = _split(reg, target)
    try:
        result = reg.Quantity(value * source_scale, source_units).to(target_units).magnitude
    except pint.DimensionalityError as exc:
        raise Incompatible(f"{dimensionality(source)} is not {dimensionality(target)}") from exc
    return Fraction(result) / target_scale


def _split(reg: pint.UnitRegistry[Any], expression: str) -> tuple[Fraction, Any]:
    """``(mL / 20)`` as ``(1/20, milliliter)``; an expression without a substitution as is.

    Substitutions (parenthesised) carry a card's own fact (a valence, a drop
    factor, w/v percent); an offset unit such as °C never has one, and cannot
    be multiplied, so it goes to pint untouched.
    """
    if "(" not in expression:  # every substitution is parenthesised
        return Fraction(1), expression
    parsed = reg.parse_expression(expression)
    return Fraction(parsed.magnitude), parsed.units
