"""What ``check`` proves about a generated numeric card over all its cases.

Rule: every case a card can draw is a real, possible exercise. The params'
grids are enumerated (every combination up to :data:`MAX_CASES`; beyond, the
grid's corners and a fixed, seeded sample), and for each case:

* the formula computes (no division by zero, no logarithm of zero);
* the template's conditions hold (a clearance is positive, a stock is
  stronger than its dilution, a dose fits in the vial);
* a mass, volume, rate or any other physical answer is not negative;
* a ``syringe: u100`` card's fill fits in the syringe (error) and lands on one
  of its marks, one unit apart (a warning: "draw to the 2.3-unit mark" cannot
  be done).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from studyapp.core.kinds import safe_eval, units
from studyapp.core.kinds._templates import Condition, Template

__all__ = ["MAX_CASES", "Finding", "cases", "grid", "lint_cases"]

MAX_CASES = 20_000
"""Grids with more combinations are checked at their corners and on a seeded sample."""
SAMPLE = 5_000
U100_CAPACITY = 100
MARK_TOLERANCE = 1e-6
_SIGNED = (units.Dimension.TEMPERATURE,)
"""Dimensions whose answers may be negative (besides a card without a unit)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: an error (the card is rejected) or a warning."""

    rule: str
    message: str
    error: bool = True
    key: str = ""
    """What kind of problem, so that one message per kind is reported (with a count)."""


def grid(low: str, high: str, step: str) -> tuple[Decimal, Decimal, int]:
    """``(min, step, count)`` of a param's grid."""
    first, last, by = Decimal(low), Decimal(high), Decimal(step)
    return first, by, int((last - first) // by) + 1


def _grid_values(param: Sequence[str]) -> list[float]:
    """Every value of one param's grid, ``min, min + step, ... <= max``."""
    first, by, count = grid(param[1], param[2], param[3])
    return [float(first + by * index) for index in range(count)]


def cases(params: Sequence[Sequence[str]]) -> Iterator[dict[str, float]]:
    """Every combination of the params' values, or corners and a seeded sample."""
    names = [p[0] for p in params]
    counts = [len(_grid_values(p)) for p in params]
    if math.prod(counts) <= MAX_CASES:
        for combo in itertools.product(*(_grid_values(p) for p in params)):
            yield dict(zip(names, combo, strict=True))
        return
    grids = [_grid_values(p) for p in params]
    for combo in itertools.product(*({g[0], g[-1]} for g in grids)):
        yield dict(zip(names, combo, strict=True))
    rng = random.Random(0)  # the same sample on every check
    for _ in range(SAMPLE):
        yield {name: rng.choice(values) for name, values in zip(names, grids, strict=True)}


def _at(point: Mapping[str, float]) -> str:
    """``when age=60, weight=72``."""
    return "when " + ", ".join(f"{k}={units.format_number(v)}" for k, v in point.items())


def lint_cases(
    formula: str,
    params: Sequence[Sequence[str]],
    unit: units.Unit | None,
    template: Template | None,
    syringe: bool,
) -> list[Finding]:
    """Every problem of the card's cases: the first of each kind, with a count."""
    names = [p[0] for p in params]
    expr = safe_eval.parse(formula, names)
    conditions = [
        (safe_eval.parse(c.expression, [*names, "answer"]), c)
        for c in (template.conditions if template else ())
    ]
    first: dict[str, Finding] = {}
    counts: dict[str, int] = {}
    total = 0
    for point in cases(params):
        total += 1
        for finding in _case(expr, conditions, point, unit, syringe):
            key = finding.rule + finding.key
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, finding)
    return [
        Finding(f.rule, f"{f.message} ({counts[k]} of {total} cases)", f.error, f.key)
        for k, f in first.items()
    ]


def _case(
    expr: safe_eval.Expr,
    conditions: Sequence[tuple[safe_eval.Expr, Condition]],
    point: dict[str, float],
    unit: units.Unit | None,
    syringe: bool,
) -> Iterator[Finding]:
    """The problems of one case."""
    try:
        answer = safe_eval.evaluate(expr, point)
    except safe_eval.FormulaError as exc:
        yield Finding("formula-error", f"formula: {exc.reason} {_at(point)}", key=exc.reason)
        return
    values = {**point, "answer": answer}
    for condition_expr, condition in conditions:
        try:
            value = safe_eval.evaluate(condition_expr, values)
        except safe_eval.FormulaError as exc:
            yield Finding("impossible-case", f"{exc.reason} {_at(point)}", key=exc.reason)
            continue
        if value < 0 or (condition.strict and value == 0):
            message = f"{condition.meaning} {_at(point)}"
            yield Finding("impossible-case", message, key=condition.expression)
    if answer < 0 and unit is not None and unit.dimension not in _SIGNED:
        shown = units.format_number(answer, 4)
        message = f"a negative {unit.symbol} ({shown}) {_at(point)}"
        yield Finding("impossible-case", message, key="negative")
    if syringe:
        yield from _syringe(answer, unit, point)


def _syringe(answer: float, unit: units.Unit | None, point: dict[str, float]) -> Iterator[Finding]:
    """A fill over the syringe's capacity (error) or between its marks (warning)."""
    fill = answer * 100 if unit == units.ML else answer
    shown = units.format_number(fill, 2)
    if fill > U100_CAPACITY + MARK_TOLERANCE:
        yield Finding(
            "impossible-case",
            f"a fill of {shown} units is more than a U-100 syringe holds {_at(point)}",
            key="over",
        )
    elif abs(fill - round(fill)) > MARK_TOLERANCE:
        yield Finding(
            "between-marks",
            f"a fill of {shown} units falls between the 1-unit marks of the U-100 syringe "
            f"shown {_at(point)}",
            error=False,
            key="marks",
        )
