"""Probing a ``numeric`` card's formula (see :mod:`studyapp.core.kinds._numeric_check`).

Rule: a formula is evaluated where it most likely breaks, at the ends of each
param's grid and at zero (:func:`probe`); every combination of them, or one
param at a time when there are too many. The first failure is reported.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from decimal import Decimal

from studyapp.core.kinds import safe_eval, units
from studyapp.core.kinds._numeric_lint import grid

__all__ = ["probe"]


def _probe_values(param: Sequence[str]) -> list[float]:
    """A param's values most likely to break a formula: the ends, and zero."""
    first, by, count = grid(param[1], param[2], param[3])
    values = {first, first + by * (count - 1)}
    if first <= 0 and (-first) % by == 0 and -first // by < count:
        values.add(Decimal(0))
    return sorted(float(v) for v in values)


def _probe_points(params: Sequence[Sequence[str]]) -> Iterator[dict[str, float]]:
    """Points to evaluate at: every combination, or one param at a time when too many."""
    names = [p[0] for p in params]
    choices = [_probe_values(p) for p in params]
    if math.prod(len(c) for c in choices) <= 512:
        for combo in itertools.product(*choices):
            yield dict(zip(names, combo, strict=True))
        return
    base = {n: c[0] for n, c in zip(names, choices, strict=True)}
    yield base
    for n, c in zip(names, choices, strict=True):
        for value in c[1:]:
            yield {**base, n: value}


def probe(expr: safe_eval.Expr, params: Sequence[Sequence[str]]) -> str | None:
    """Why ``expr`` fails at an edge of the params' grids, or ``None``."""
    for point in _probe_points(params):
        try:
            safe_eval.evaluate(expr, point)
        except safe_eval.FormulaError as exc:
            at = ", ".join(f"{k}={units.format_number(v)}" for k, v in point.items())
            return f"{exc.reason} when {at}" if at else exc.reason
    return None
