"""A student's standing in the class, as lines of text: per deck and topic,
their retention and mastery against the class's median and quartiles (what
`studyapp class me` prints, and the class lines of the statistics screen).

Rule: formatting only, of the rows the server's ``class_standing`` function
returns (:func:`studyapp.server.report.standing`). Where fewer than the minimum
number of students contribute, the server withholds the quartiles and this
says so. Topics and deck ids are printed with control characters replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from studyapp.render.class_report import clean, percent

__all__ = ["standing_lines"]


def _versus(
    mine: float | None,
    students: int,
    quartiles: Sequence[float | None],
    min_students: int,
) -> str:
    q1, q2, q3 = quartiles
    you = f"you {percent(mine)}"
    if q2 is None:
        return f"{you}; class: fewer than {min_students} students ({students}), not shown"
    spread = f"quartiles {percent(q1)}-{percent(q3)}, {students} students"
    return f"{you}; class median {percent(q2)} ({spread})"


def standing_lines(rows: Sequence[Sequence[Any]], min_students: int) -> list[str]:
    """Three lines per deck and topic: ``deck / topic``, then retention and mastery."""
    lines = []
    for deck, topic, my_r, my_m, rn, r1, r2, r3, mn, m1, m2, m3 in rows:
        lines.append(f"{clean(deck)} / {clean(topic) or '-'}")
        lines.append(f"  retention: {_versus(my_r, rn, (r1, r2, r3), min_students)}")
        lines.append(f"  mastery:   {_versus(my_m, mn, (m1, m2, m3), min_students)}")
    return lines
