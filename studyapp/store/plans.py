"""Exam-date plans (see ``docs/scheduling.md``, "Studying toward an exam").

:class:`PlanRecords` is a part of :class:`studyapp.store.Store`. A plan is a
row of ``exam_plan``; it never writes the review log or ``card_state``. The
plans' calibration reads the student's spaced reviews from the log.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING

from studyapp.store.db import to_iso

if TYPE_CHECKING:
    # Planning is imported where plans are used: most decks have none.
    from studyapp.core.study.calibration import Observation
    from studyapp.core.study.planning import ExamPlan

__all__ = ["PlanRecords"]

CALIBRATION_REVIEWS = 1000
"""The most recent spaced reviews a calibration reads (the student as they are now)."""
SCANNED = 4
"""How many answers per spaced review wanted are scanned (learning steps are not spaced)."""


class PlanRecords:
    """The ``exam_plan`` table of the store."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def _transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def add_plan(self, plan: ExamPlan, at: datetime) -> ExamPlan:
        """Store ``plan``; return it with its id and creation time."""
        from studyapp.core.study.planning import ExamPlan

        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO exam_plan (deck_id, exam_date, topics, target, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    plan.deck_id,
                    plan.exam_date.isoformat(),
                    json.dumps(list(plan.topics)),
                    plan.target,
                    to_iso(at),
                ),
            )
        assert cursor.lastrowid is not None
        return ExamPlan(
            plan.deck_id, plan.exam_date, plan.topics, plan.target, cursor.lastrowid, at
        )

    def exam_plans(self, since: date | None = None) -> list[ExamPlan]:
        """Plans whose exam is on or after ``since`` (all when ``None``), soonest first."""
        rows = self.conn.execute(
            "SELECT id, deck_id, exam_date, topics, target, created_at FROM exam_plan "
            "WHERE exam_date >= ? ORDER BY exam_date, id",
            ("" if since is None else since.isoformat(),),
        ).fetchall()
        if not rows:  # the usual case: planning is never imported
            return []
        from studyapp.core.study.planning import ExamPlan

        return [
            ExamPlan(
                deck_id=deck_id,
                exam_date=date.fromisoformat(exam_date),
                topics=tuple(json.loads(topics)),
                target=target,
                id=plan_id,
                created_at=datetime.fromisoformat(created_at),
            )
            for plan_id, deck_id, exam_date, topics, target, created_at in rows
        ]

    def remove_plan(self, plan_id: int) -> bool:
        """Delete plan ``plan_id``; ``False`` if there is none. Reviews are kept.
        The removal is logged as an event naming the plan's, for sync."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO undo_log (kind, refers_to, at) SELECT 'plan_remove', event_id, "
                "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') FROM exam_plan WHERE id = ?",
                (plan_id,),
            )
            deleted = conn.execute("DELETE FROM exam_plan WHERE id = ?", (plan_id,)).rowcount
        return deleted == 1

    def spaced_reviews(
        self, since: datetime | None = None, limit: int = CALIBRATION_REVIEWS
    ) -> list[Observation]:
        """Among the latest ``SCANNED * limit`` live answers, those a day or more after
        the prompt's previous one (at most the latest ``limit``), each with the
        stability logged by that previous answer (the prediction the scheduler made
        then), oldest first; only answers whose previous one is at or after ``since``
        (when the parameters in use were adopted). Indexed: the latest rows by id,
        each with its prompt's previous row."""
        from studyapp.core.study.calibration import Observation

        rows = self.conn.execute(
            "SELECT at, rating, prev_at, prev_stability FROM ("
            "  SELECT r.id, r.reviewed_at AS at, r.rating, p.reviewed_at AS prev_at,"
            "    p.stability AS prev_stability"
            "  FROM (SELECT * FROM review_log WHERE action = 'review' AND undone_at IS NULL"
            "        ORDER BY id DESC LIMIT ?) AS r"
            "  JOIN review_log AS p ON p.id = ("
            "    SELECT id FROM review_log WHERE deck_id = r.deck_id AND card_id = r.card_id"
            "    AND sibling = r.sibling AND id < r.id AND action = 'review'"
            "    AND undone_at IS NULL ORDER BY id DESC LIMIT 1)"
            ") WHERE prev_stability > 0 AND prev_at >= ?"
            " AND julianday(at) - julianday(prev_at) >= 1"
            " ORDER BY id DESC LIMIT ?",
            (SCANNED * limit, "" if since is None else to_iso(since), limit),
        ).fetchall()
        out = []
        for at, rating, prev_at, stability in reversed(rows):
            days = (datetime.fromisoformat(at) - datetime.fromisoformat(prev_at)).days
            out.append(Observation(float(stability), days, rating > 1))
        return out
