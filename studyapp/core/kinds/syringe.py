"""A U-100 insulin syringe drawn in plain text (100 units = 1 mL)."""

from __future__ import annotations

import math

from studyapp.core.kinds import units

__all__ = ["MAX_ART_WIDTH", "U100_SCALE", "U100_UNITS_PER_ML", "syringe_fill"]

U100_UNITS_PER_ML = 100
U100_SCALE = 100
"""A U-100 syringe holds 100 units (1 mL)."""
MAX_ART_WIDTH = 70


_CELLS = 50
"""Barrel width in characters: one per 2 units."""
_NEEDLE = "-----["
_LEFT = len(_NEEDLE)


def syringe_fill(fill_units: float) -> list[str]:
    """Plain-text art of a 0-100 unit U-100 syringe filled to ``fill_units``.

    Four lines, at most 70 characters wide: the labels 0, 10, ... 100, a
    ruler, the barrel (``█`` per 2 units, ``▌`` for an odd unit) and a caret
    under the fill mark with the amount. Above 100 units the barrel is full
    and the last line says the dose is over capacity. Raises ``ValueError``
    for a negative or non-finite amount.
    """
    if not math.isfinite(fill_units) or fill_units < 0:
        raise ValueError(f"cannot draw a fill of {fill_units} units")
    amount = units.format_number(fill_units, 1)
    noun = "unit" if amount == "1" else "units"
    volume = units.format_number(fill_units / U100_UNITS_PER_ML, 3)
    labels = [" "] * (_LEFT + _CELLS + 3)
    for mark in range(0, U100_SCALE + 1, 10):
        at = _LEFT + mark // 2
        labels[at : at + len(str(mark))] = str(mark)
    ruler = "".join("|" if i % 5 == 0 else "." for i in range(_CELLS + 1))
    over = fill_units > U100_SCALE
    whole = round(min(fill_units, U100_SCALE))
    barrel = ("█" * (whole // 2) + ("▌" if whole % 2 else "")).ljust(_CELLS)
    lines = [
        "".join(labels).rstrip(),
        " " * _LEFT + ruler,
        f"{_NEEDLE}{barrel}]==||",
    ]
    if over:
        lines.append(f"{' ' * _LEFT}OVER CAPACITY: {amount} units ({volume} mL) > 100 units")
    else:
        lines.append(_caret_line(_LEFT + whole // 2, f"{amount} {noun} ({volume} mL)"))
    return [line[:MAX_ART_WIDTH] for line in lines]


def _caret_line(column: int, label: str) -> str:
    """A ``^`` at ``column`` with ``label`` after it, or before it when near the right edge."""
    if column + 2 + len(label) <= MAX_ART_WIDTH:
        return f"{' ' * column}^ {label}"
    return f"{label} ^".rjust(column + 1)
