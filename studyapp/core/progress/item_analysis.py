"""Classical item analysis of one class exam: facility, discrimination, flags.

Rule: pure functions over a students x questions table of scores (0 to 1 per
question; most questions are right or wrong, 1 or 0); nothing here knows
where the scores came from. The figures are those LMS quiz reports use,
defined with a worked example in ``docs/class-report.md``:

- **facility** of a question: the mean of its scores (the proportion correct);
- **discrimination**: the point-biserial correlation of the question's score
  with the rest of the test (the student's total minus this question), i.e.
  Pearson's r over the students; ``None`` when either side does not vary;
- **flags**: ``too easy`` (facility above :data:`TOO_EASY`), ``too hard``
  (below :data:`TOO_HARD`), ``negative`` (discrimination below 0: the
  students who do well on the rest of the test do worse on this question, the
  sign of a wrong key or an ambiguous question), ``weak`` (0 to
  :data:`WEAK`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "TOO_EASY",
    "TOO_HARD",
    "WEAK",
    "ExamAnalysis",
    "ItemAnalysis",
    "analyse_exam",
    "pearson",
]

TOO_EASY = 0.90
"""A question more than 90% of the class gets right tells little."""
TOO_HARD = 0.30
"""A question fewer than 30% get right is too hard, or badly keyed."""
WEAK = 0.20
"""Discrimination below 0.20 separates strong from weak students poorly."""


@dataclass(frozen=True)
class ItemAnalysis:
    """One question of an exam."""

    position: int
    """1-based, in the published order."""
    label: str
    """What identifies the question (deck and card)."""
    answered: int
    """Students whose sitting includes the question."""
    facility: float | None
    discrimination: float | None
    flags: tuple[str, ...]
    options: Mapping[str, int] = field(default_factory=dict)
    """How many students gave each answer (an option, or "(blank)")."""


@dataclass(frozen=True)
class ExamAnalysis:
    """An exam's sittings: the score distribution and each question."""

    students: int
    questions: int
    mean: float | None
    """Mean total score."""
    scores: tuple[float, ...]
    """Every student's total, ascending."""
    items: tuple[ItemAnalysis, ...]


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation of two equally long series; ``None`` if either is constant."""
    n = len(xs)
    if n != len(ys):
        raise ValueError("pearson needs two series of the same length")
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def _flags(facility: float | None, discrimination: float | None) -> tuple[str, ...]:
    flags = []
    if facility is not None and facility > TOO_EASY:
        flags.append("too easy")
    if facility is not None and facility < TOO_HARD:
        flags.append("too hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative")
    elif discrimination is not None and discrimination < WEAK:
        flags.append("weak")
    return tuple(flags)


def analyse_exam(
    scores: Mapping[str, Mapping[int, float]],
    labels: Sequence[str],
    answers: Mapping[str, Mapping[int, str]] | None = None,
) -> ExamAnalysis:
    """The analysis of an exam with ``len(labels)`` questions.

    ``scores[student][position]`` is the student's score on the question at
    ``position`` (1-based; a question missing from a sitting scores 0, as an
    unanswered one); ``answers[student][position]`` is what they answered,
    for the per-option distribution.
    """
    students = sorted(scores)
    positions = range(1, len(labels) + 1)
    matrix = [[float(scores[s].get(p, 0.0)) for p in positions] for s in students]
    totals = [sum(row) for row in matrix]
    items = []
    for index, position in enumerate(positions):
        column = [row[index] for row in matrix]
        rest = [total - item for total, item in zip(totals, column, strict=True)]
        facility = sum(column) / len(column) if column else None
        discrimination = pearson(column, rest)
        given = Counter((answers or {}).get(s, {}).get(position) or "(blank)" for s in students)
        items.append(
            ItemAnalysis(
                position,
                labels[index],
                len(students),
                facility,
                discrimination,
                _flags(facility, discrimination),
                dict(sorted(given.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    mean = sum(totals) / len(totals) if totals else None
    return ExamAnalysis(len(students), len(labels), mean, tuple(sorted(totals)), tuple(items))
