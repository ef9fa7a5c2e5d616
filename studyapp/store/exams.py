"""Exam records, kept apart from the review log: saving an exam never changes a schedule.

:class:`ExamRecords` is a part of :class:`studyapp.store.Store`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING

from studyapp.core.deck.model import PromptKey
from studyapp.store.db import to_iso

if TYPE_CHECKING:
    # Exams are imported where they are used: reviews and `studyapp due` never need them.
    from studyapp.core.study.exam import ExamAnswerRow, ExamResult, ExamSummary, PoolFacts
    from studyapp.core.study.scheduling import CardState

__all__ = ["ExamRecords"]


class ExamRecords:
    """The exam tables (``exam``, ``exam_answer``) of the store."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def _transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def card_states(self, deck_ids: Sequence[str]) -> dict[PromptKey, CardState]: ...

    def save_exam(self, result: ExamResult) -> int:
        """Store a finished exam and every answer in one transaction; return its id."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO exam (started_at, finished_at, spec, mode, score, total) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    to_iso(result.started_at),
                    to_iso(result.finished_at),
                    json.dumps(result.spec.to_json(), sort_keys=True),
                    result.mode.value,
                    result.score,
                    result.total,
                ),
            )
            exam_id = cursor.lastrowid
            assert exam_id is not None
            conn.executemany(
                "INSERT INTO exam_answer (exam_id, position, deck_id, card_id, sibling, kind, "
                "topic, answer, correct, score, time_ms, flagged) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        exam_id,
                        item.position,
                        *item.key,
                        item.kind,
                        item.topic,
                        item.answer,
                        int(item.correct),
                        item.score,
                        item.time_ms,
                        int(item.flagged),
                    )
                    for item in result.items
                ],
            )
        return exam_id

    def exam_history(self, limit: int | None = None) -> list[ExamSummary]:
        """Past exams, newest first."""
        from studyapp.core.study.exam import ExamMode, ExamSpec, ExamSummary

        rows = self.conn.execute(
            "SELECT id, started_at, finished_at, spec, mode, score, total FROM exam "
            "ORDER BY started_at DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [
            ExamSummary(
                id=row[0],
                started_at=datetime.fromisoformat(row[1]),
                finished_at=datetime.fromisoformat(row[2]),
                spec=ExamSpec.from_json(json.loads(row[3])),
                mode=ExamMode(row[4]),
                score=row[5],
                total=row[6],
            )
            for row in rows
        ]

    def class_exams_taken(self) -> set[int]:
        """The class exams sat on this device or pulled from the student's others
        (an exam's spec names its class exam)."""
        rows = self.conn.execute(
            "SELECT DISTINCT json_extract(spec, '$.class_exam') FROM exam "
            "WHERE json_extract(spec, '$.class_exam') IS NOT NULL"
        )
        return {int(row[0]) for row in rows}

    def exam_answers(self, exam_id: int) -> list[ExamAnswerRow]:
        """The answers of one exam, in the order asked."""
        from studyapp.core.study.exam import ExamAnswerRow

        rows = self.conn.execute(
            "SELECT position, deck_id, card_id, sibling, kind, topic, answer, correct, score, "
            "time_ms, flagged FROM exam_answer WHERE exam_id = ? ORDER BY position",
            (exam_id,),
        )
        return [
            ExamAnswerRow(
                position=row[0],
                key=(row[1], row[2], row[3]),
                kind=row[4],
                topic=row[5],
                answer=row[6],
                correct=bool(row[7]),
                score=row[8],
                time_ms=row[9],
                flagged=bool(row[10]),
            )
            for row in rows
        ]

    def exam_marks(self, deck_ids: Sequence[str]) -> tuple[set[PromptKey], set[PromptKey]]:
        """Prompts missed, and prompts flagged, the last time each was in an exam."""
        missed: set[PromptKey] = set()
        flagged: set[PromptKey] = set()
        if not deck_ids:
            return missed, flagged
        marks = ",".join("?" * len(deck_ids))
        rows = self.conn.execute(
            "SELECT deck_id, card_id, sibling, correct, flagged FROM ("
            "  SELECT deck_id, card_id, sibling, correct, flagged, row_number() OVER ("
            "    PARTITION BY deck_id, card_id, sibling ORDER BY exam_id DESC, position DESC"
            f"  ) AS latest FROM exam_answer WHERE deck_id IN ({marks})"
            ") WHERE latest = 1",
            tuple(deck_ids),
        )
        for deck_id, card_id, sibling, correct, flag in rows:
            key = (deck_id, card_id, sibling)
            if not correct:
                missed.add(key)
            if flag:
                flagged.add(key)
        return missed, flagged

    def last_again(self, deck_ids: Sequence[str]) -> set[PromptKey]:
        """Prompts whose latest (not undone) review was rated Again."""
        if not deck_ids:
            return set()
        marks = ",".join("?" * len(deck_ids))
        rows = self.conn.execute(
            "SELECT deck_id, card_id, sibling FROM ("
            "  SELECT deck_id, card_id, sibling, rating, row_number() OVER ("
            "    PARTITION BY deck_id, card_id, sibling ORDER BY id DESC"
            "  ) AS latest FROM review_log"
            f"  WHERE action = 'review' AND undone_at IS NULL AND deck_id IN ({marks})"
            ") WHERE latest = 1 AND rating = 1",
            tuple(deck_ids),
        )
        return {(deck_id, card_id, sibling) for deck_id, card_id, sibling in rows}

    def pool_facts(self, deck_ids: Sequence[str]) -> PoolFacts:
        """What choosing an exam's questions needs to know about these decks."""
        from studyapp.core.study.exam import PoolFacts

        missed, flagged = self.exam_marks(deck_ids)
        return PoolFacts(
            states=self.card_states(deck_ids),
            last_again=frozenset(self.last_again(deck_ids)),
            exam_missed=frozenset(missed),
            exam_flagged=frozenset(flagged),
        )
