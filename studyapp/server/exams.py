"""Class exams on the server: publishing one fixed set of questions, the exams
open now, and the sittings the report analyses.

Rule: instructors publish and read every sitting; a student reads an exam only
while it is open (row-level security, migration 0006). A sitting is recorded
by the server's trigger from the student's ``exam`` event (payload
``class_exam``: the exam's id): the first one started before the exam closed,
once per student. Imports nothing from the core: the report's item analysis
is the core's, on the rows :func:`sittings` returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from studyapp.server import ServerError
from studyapp.server.connection import Connection, server_errors

__all__ = ["ClassExam", "Sittings", "open_exams", "own_sittings", "publish_exam", "sittings"]


@dataclass(frozen=True)
class ClassExam:
    exam_id: int
    title: str
    deck_id: str
    topic: str | None
    time_limit_s: int
    opens_at: datetime
    closes_at: datetime
    questions: list[dict[str, Any]]
    """``{deck, card, sibling, kind, topic}`` per question, in the published order."""


@dataclass(frozen=True)
class Sittings:
    """One exam's sittings: ``scores[student][position]`` and what was answered."""

    exam: ClassExam
    scores: Mapping[str, Mapping[int, float]]
    answers: Mapping[str, Mapping[int, str]]


_COLUMNS = "exam_id, title, deck_id, topic, time_limit_s, opens_at, closes_at, questions"


def publish_exam(
    conn: Connection,
    *,
    title: str,
    deck_id: str,
    topic: str | None,
    time_limit_s: int,
    opens_at: datetime,
    closes_at: datetime,
    questions: Sequence[Mapping[str, Any]],
) -> ClassExam:
    """Store an exam (instructors only); the exam as stored."""
    if closes_at <= opens_at:
        raise ServerError("an exam must close after it opens (--closes after --opens)")
    if not questions:
        raise ServerError(f"no question to ask from {deck_id}")
    with server_errors(f"publishing the exam '{title}'"):
        row = conn.execute(
            f"INSERT INTO studyapp.class_exam (title, deck_id, topic, time_limit_s, opens_at,"
            f" closes_at, questions) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {_COLUMNS}",
            (
                title,
                deck_id,
                topic,
                time_limit_s,
                opens_at,
                closes_at,
                Jsonb([dict(q) for q in questions]),
            ),
        ).fetchone()
    assert row is not None
    return ClassExam(*row)


def open_exams(conn: Connection) -> list[ClassExam]:
    """The exams the connected role may read now (a student: those open now)."""
    with server_errors("reading the class exams"):
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM studyapp.class_exam"
            " WHERE now() >= opens_at AND now() < closes_at ORDER BY closes_at, exam_id"
        ).fetchall()
    return [ClassExam(*row) for row in rows]


def own_sittings(conn: Connection) -> dict[int, datetime]:
    """The connected student's counted sittings: exam id -> when it started
    (row-level security shows a student their own rows only)."""
    with server_errors("reading your class exam sittings"):
        rows = conn.execute(
            "SELECT exam_id, started_at FROM studyapp.exam_sitting WHERE student = current_user"
        ).fetchall()
    return {int(exam_id): started_at for exam_id, started_at in rows}


def sittings(conn: Connection, deck_id: str | None = None) -> list[Sittings]:
    """Every exam (of ``deck_id``) with its recorded sittings, oldest first."""
    with server_errors("reading the class exams' sittings"):
        exams = [
            ClassExam(*row)
            for row in conn.execute(
                f"SELECT {_COLUMNS} FROM studyapp.class_exam"
                " WHERE %(deck)s::text IS NULL OR deck_id = %(deck)s ORDER BY opens_at, exam_id",
                {"deck": deck_id},
            ).fetchall()
        ]
        rows = conn.execute(
            "SELECT s.exam_id, s.student, r.position, r.score, r.answer"
            " FROM studyapp.exam_sitting s"
            " LEFT JOIN studyapp.exam_response r USING (exam_id, student)"
            " WHERE s.exam_id = ANY(%s)",
            ([e.exam_id for e in exams],),
        ).fetchall()
    scores: dict[int, dict[str, dict[int, float]]] = {e.exam_id: {} for e in exams}
    answers: dict[int, dict[str, dict[int, str]]] = {e.exam_id: {} for e in exams}
    for exam_id, student, position, score, answer in rows:
        scores[exam_id].setdefault(student, {})
        answers[exam_id].setdefault(student, {})
        if position is not None:
            scores[exam_id][student][position] = score
            if answer is not None:
                answers[exam_id][student][position] = answer
    return [Sittings(e, scores[e.exam_id], answers[e.exam_id]) for e in exams]
