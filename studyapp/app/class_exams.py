"""What this device knows of the class: the class exams open on the server and
the student's own sittings (read at each sync), and the student's standing
against the class (read by the statistics screen's worker). Both are kept in
the store's ``meta`` table with the time they were read, so the home screen
and the statistics screen show them without waiting on the network.

Rule: psycopg and :mod:`studyapp.server` are imported only by the functions
that talk to the server (:func:`fetch_exams`, :func:`read_standing`); the rest
reads the local copy. Whether an exam may be started is the core's
(:func:`studyapp.core.study.class_exam.status`), with the exams taken on any
device of this student (an exam event names its class exam) or counted by the
server.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyapp.core.study.class_exam import ClassExam, status

if TYPE_CHECKING:
    from studyapp.store import Store

__all__ = [
    "ClassExams",
    "Standing",
    "cached_exams",
    "cached_standing",
    "fetch_exams",
    "pick",
    "read_standing",
    "save_standing",
]

EXAMS_KEY = "class_exams"
STANDING_KEY = "class_standing"


@dataclass(frozen=True)
class ClassExams:
    """The class exams as last read from the server, and which this student has sat."""

    exams: list[ClassExam]
    """Open when they were read (the injected clock decides whether they still are)."""
    taken: frozenset[int]
    """Exams sat: saved on a device of this student, or counted by the server."""
    read_at: datetime | None

    def startable(self, now: datetime) -> list[ClassExam]:
        """The exams that can be started at ``now``: open, not taken."""
        return [exam for exam in self.exams if status(exam, now, self.taken) is None]


def fetch_exams(conn: Any, store: Store, now: datetime) -> None:
    """Read the open exams and this student's sittings from the server into the store."""
    from studyapp.server.exams import open_exams, own_sittings

    exams = [ClassExam.from_json(asdict(exam)).to_json() for exam in open_exams(conn)]
    sittings = sorted(own_sittings(conn))
    text = json.dumps({"read_at": now.isoformat(), "exams": exams, "sittings": sittings})
    store.set_meta(EXAMS_KEY, text)


def cached_exams(store: Store) -> ClassExams:
    """The exams as last read (none before a sync), with every exam taken so far."""
    text = store.meta(EXAMS_KEY)
    data: dict[str, Any] = json.loads(text) if text else {}
    exams = [ClassExam.from_json(exam) for exam in data.get("exams", [])]
    taken = frozenset(store.class_exams_taken()) | frozenset(data.get("sittings", []))
    read_at = data.get("read_at")
    return ClassExams(exams, taken, None if read_at is None else datetime.fromisoformat(read_at))


def pick(known: ClassExams, now: datetime, exam_id: int | None = None) -> ClassExam | None:
    """The exam a student asks to start: ``exam_id``, or the first one that can be
    started now, or else the first known (whose start is then refused, saying why)."""
    if exam_id is not None:
        return next((exam for exam in known.exams if exam.exam_id == exam_id), None)
    startable = known.startable(now)
    return startable[0] if startable else next(iter(known.exams), None)


@dataclass(frozen=True)
class Standing:
    """The student's standing per deck and topic, as ``class me`` prints it."""

    rows: list[tuple[Any, ...]]
    """deck, topic, my retention, my mastery, then for retention and for mastery:
    contributing students, lower quartile, median, upper quartile (``None``
    below ``min_students``)."""
    min_students: int
    """The fewest students whose figures the class's quartiles are shown for."""
    read_at: datetime


def read_standing(url: str, now: datetime) -> Standing:
    """The standing from the server at ``now`` (a
    :class:`~studyapp.server.ServerError` if it cannot be read)."""
    from importlib.util import find_spec

    from studyapp.server import ServerError

    if find_spec("psycopg") is None:
        from studyapp.app.sync import NO_PSYCOPG

        raise ServerError(NO_PSYCOPG)
    from studyapp.server.migrate import open_class
    from studyapp.server.report import MIN_STUDENTS, standing

    with open_class(url) as conn:
        rows = [tuple(row) for row in standing(conn)]
    return Standing(rows, MIN_STUDENTS, now)


def save_standing(store: Store, standing: Standing) -> None:
    data = {
        "read_at": standing.read_at.isoformat(),
        "min_students": standing.min_students,
        "rows": [list(row) for row in standing.rows],
    }
    store.set_meta(STANDING_KEY, json.dumps(data))


def cached_standing(store: Store) -> Standing | None:
    """The standing as last read, or ``None`` (never read on this device)."""
    text = store.meta(STANDING_KEY)
    if not text:
        return None
    data = json.loads(text)
    rows = [tuple(row) for row in data["rows"]]
    return Standing(rows, int(data["min_students"]), datetime.fromisoformat(data["read_at"]))
