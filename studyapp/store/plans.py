"""Exam-date plans (see ``docs/scheduling.md``, "Studying toward an exam").

:class:`PlanRecords` is a part of :class:`studyapp.store.Store`. A plan is a
row of ``exam_plan``; it never writes the review log or ``card_state``.
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
    from studyapp.core.study.planning import ExamPlan

__all__ = ["PlanRecords"]


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
        """Delete plan ``plan_id``; ``False`` if there is none. Reviews are kept."""
        with self._transaction() as conn:
            deleted = conn.execute("DELETE FROM exam_plan WHERE id = ?", (plan_id,)).rowcount
        return deleted == 1
