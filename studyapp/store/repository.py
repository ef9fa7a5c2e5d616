"""The SQLite repository: an append-only review log and the card state derived from it.

Every write (an answer, an undo, a suspension) is one transaction that appends
to (or marks) the log and updates ``card_state`` together, so the state table
is always what replaying the log gives. ``rebuild`` recomputes it from the log.

Undo never deletes: it sets ``undone_at`` on the log row, and every query
that derives state or counts ignores such rows.

Exams are stored apart (``exam``, ``exam_answer``): saving one never touches
the review log or ``card_state``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.core.model import PromptKey
from studyapp.core.queue import DayCounts
from studyapp.core.scheduling import CardState, LogEvent, Policy, State
from studyapp.core.session import ReviewRecord
from studyapp.store.db import connect

if TYPE_CHECKING:
    # Exams are imported where they are used: reviews and `studyapp due` never need them.
    from studyapp.core.exam import ExamAnswerRow, ExamResult, ExamSummary, PoolFacts

__all__ = ["Store", "from_iso", "to_iso"]

_STATE_COLUMNS = (
    "state, step, stability, difficulty, due, last_review, lapses, reps, suspended, leech"
)


def to_iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a fixed width, so text order is time order."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("datetimes stored must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


_STATES = {state.value: state for state in State}


def _state_from_row(row: Sequence[Any]) -> CardState:
    return CardState(
        state=_STATES[row[0]],
        step=row[1],
        stability=row[2],
        difficulty=row[3],
        due=from_iso(row[4]),
        last_review=from_iso(row[5]),
        lapses=row[6],
        reps=row[7],
        suspended=bool(row[8]),
        leech=bool(row[9]),
    )


def _state_values(state: CardState) -> tuple[Any, ...]:
    return (
        state.state.value,
        state.step,
        state.stability,
        state.difficulty,
        to_iso(state.due),
        to_iso(state.last_review),
        state.lapses,
        state.reps,
        int(state.suspended),
        int(state.leech),
    )


class Store:
    """The study database. Open with :meth:`open`; close when done."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, path: Path | str) -> Store:
        return cls(connect(path))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- reads ------------------------------------------------------------
    def card_states(self, deck_ids: Sequence[str]) -> dict[PromptKey, CardState]:
        out: dict[PromptKey, CardState] = {}
        if not deck_ids:
            return out
        marks = ",".join("?" * len(deck_ids))
        rows = self.conn.execute(
            f"SELECT deck_id, card_id, sibling, {_STATE_COLUMNS} FROM card_state "
            f"WHERE deck_id IN ({marks})",
            tuple(deck_ids),
        )
        for row in rows:
            out[(row[0], row[1], row[2])] = _state_from_row(row[3:])
        return out

    def queue_states(
        self, deck_ids: Sequence[str], day_end: datetime
    ) -> tuple[dict[PromptKey, CardState], set[PromptKey]]:
        """What a study queue needs, without materialising every state.

        Returns the full states of the prompts that can be studied before
        ``day_end`` (in (re)learning, or due before it), and the bare keys of
        every other prompt that has a state (studied, so not new, but not due).
        """
        states: dict[PromptKey, CardState] = {}
        settled: set[PromptKey] = set()
        if not deck_ids:
            return states, settled
        marks = ",".join("?" * len(deck_ids))
        end = to_iso(day_end)
        due_filter = "(state IN ('learning', 'relearning') OR due IS NULL OR due < ?)"
        rows = self.conn.execute(
            f"SELECT deck_id, card_id, sibling, {_STATE_COLUMNS} FROM card_state "
            f"WHERE deck_id IN ({marks}) AND {due_filter}",
            (*deck_ids, end),
        )
        for row in rows:
            states[(row[0], row[1], row[2])] = _state_from_row(row[3:])
        settled.update(
            self.conn.execute(
                f"SELECT deck_id, card_id, sibling FROM card_state "
                f"WHERE deck_id IN ({marks}) AND NOT {due_filter}",
                (*deck_ids, end),
            )
        )
        return states, settled

    def upcoming(self, deck_ids: Sequence[str]) -> Iterator[tuple[datetime, PromptKey]]:
        """Due times of the unsuspended prompts of these decks, earliest first."""
        if not deck_ids:
            return
        marks = ",".join("?" * len(deck_ids))
        rows = self.conn.execute(
            f"SELECT due, deck_id, card_id, sibling FROM card_state "
            f"WHERE deck_id IN ({marks}) AND suspended = 0 AND due IS NOT NULL ORDER BY due",
            tuple(deck_ids),
        )
        for due, deck_id, card_id, sibling in rows:
            yield datetime.fromisoformat(due), (deck_id, card_id, sibling)

    def leech_counts(self, deck_ids: Sequence[str]) -> dict[str, int]:
        """The number of leech prompts per deck."""
        if not deck_ids:
            return {}
        marks = ",".join("?" * len(deck_ids))
        rows = self.conn.execute(
            f"SELECT deck_id, count(*) FROM card_state WHERE deck_id IN ({marks}) AND leech = 1 "
            "GROUP BY deck_id",
            tuple(deck_ids),
        )
        return {deck_id: count for deck_id, count in rows}

    def card_state(self, key: PromptKey) -> CardState:
        row = self.conn.execute(
            f"SELECT {_STATE_COLUMNS} FROM card_state WHERE deck_id=? AND card_id=? AND sibling=?",
            key,
        ).fetchone()
        return CardState() if row is None else _state_from_row(row)

    def day_counts(self, deck_ids: Sequence[str], since: datetime) -> dict[str, DayCounts]:
        out: dict[str, DayCounts] = {deck_id: DayCounts() for deck_id in deck_ids}
        if not deck_ids:
            return out
        marks = ",".join("?" * len(deck_ids))
        rows = self.conn.execute(
            "SELECT deck_id, card_id, state_before FROM review_log "
            f"WHERE reviewed_at >= ? AND action = 'review' AND undone_at IS NULL "
            f"AND deck_id IN ({marks})",
            (to_iso(since), *deck_ids),
        )
        for deck_id, card_id, before in rows:
            counts = out[deck_id]
            counts.touched_cards.add(card_id)
            if before == State.NEW.value:
                counts.new += 1
            elif before == State.REVIEW.value:
                counts.reviews += 1
        return out

    def history(self, key: PromptKey) -> list[dict[str, Any]]:
        """The log rows of one prompt, oldest first (undone rows included, marked)."""
        cursor = self.conn.execute(
            "SELECT id, action, reviewed_at, rating, duration_ms, state_before, state_after, "
            "scheduled_due, stability, difficulty, kind, answer, picked, undone_at FROM review_log "
            "WHERE deck_id=? AND card_id=? AND sibling=? ORDER BY id",
            key,
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def review_count(self) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM review_log WHERE action='review' AND undone_at IS NULL"
        ).fetchone()
        return int(row[0])

    # -- writes -----------------------------------------------------------
    def record_review(self, record: ReviewRecord) -> int:
        after = record.after
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, rating, "
                "duration_ms, state_before, state_after, scheduled_due, stability, difficulty, "
                "kind, answer, picked) VALUES (?, ?, ?, 'review', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *record.key,
                    to_iso(record.reviewed_at),
                    record.rating,
                    record.duration_ms,
                    record.before.state.value,
                    after.state.value,
                    to_iso(after.due),
                    after.stability,
                    after.difficulty,
                    record.kind,
                    record.answer,
                    record.picked,
                ),
            )
            self._put_state(conn, record.key, after)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def undo_review(self, log_id: int, key: PromptKey, previous: CardState) -> None:
        """Mark review ``log_id`` of ``key`` undone and restore ``previous``.

        Only the prompt's latest live log row can be undone: restoring the
        state from before an older one would no longer be what the log replays
        to (``ValueError``). A missing, already undone or foreign row is a
        ``LookupError``.
        """
        with self._transaction() as conn:
            later = conn.execute(
                "SELECT id FROM review_log WHERE deck_id=? AND card_id=? AND sibling=? "
                "AND id > ? AND undone_at IS NULL LIMIT 1",
                (*key, log_id),
            ).fetchone()
            if later is not None:
                raise ValueError(
                    f"review {log_id} cannot be undone: {key} has a later log entry ({later[0]})"
                )
            updated = conn.execute(
                "UPDATE review_log SET undone_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now') "
                "WHERE id = ? AND deck_id=? AND card_id=? AND sibling=? AND action = 'review' "
                "AND undone_at IS NULL",
                (log_id, *key),
            ).rowcount
            if updated != 1:
                raise LookupError(f"review {log_id} of {key} does not exist or was already undone")
            self._put_state(conn, key, previous)

    def set_suspended(self, key: PromptKey, suspended: bool, at: datetime) -> CardState:
        with self._transaction() as conn:
            current = self.card_state(key)
            state = replace(current, suspended=suspended)
            conn.execute(
                "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, "
                "state_before, state_after) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    *key,
                    "suspend" if suspended else "unsuspend",
                    to_iso(at),
                    current.state.value,
                    current.state.value,
                ),
            )
            self._put_state(conn, key, state)
        return state

    @staticmethod
    def _put_state(conn: sqlite3.Connection, key: PromptKey, state: CardState) -> None:
        if state == CardState():
            conn.execute("DELETE FROM card_state WHERE deck_id=? AND card_id=? AND sibling=?", key)
            return
        conn.execute(
            f"INSERT OR REPLACE INTO card_state (deck_id, card_id, sibling, {_STATE_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*key, *_state_values(state)),
        )

    # -- answer aliases ("I was right") -----------------------------------
    def add_alias(self, deck_id: str, card_id: str, alias: str, at: datetime) -> None:
        """Remember ``alias`` as an accepted answer of one card, for this student."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO answer_alias (deck_id, card_id, alias, created_at) "
                "VALUES (?, ?, ?, ?)",
                (deck_id, card_id, alias, to_iso(at)),
            )

    def aliases(self, deck_id: str) -> dict[str, tuple[str, ...]]:
        """card id -> the answers this student added for it, oldest first."""
        out: dict[str, list[str]] = {}
        rows = self.conn.execute(
            "SELECT card_id, alias FROM answer_alias WHERE deck_id = ? ORDER BY created_at, alias",
            (deck_id,),
        )
        for card_id, alias in rows:
            out.setdefault(card_id, []).append(alias)
        return {card_id: tuple(values) for card_id, values in out.items()}

    # -- exams (apart from the review log: they never change a schedule) ---
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
        from studyapp.core.exam import ExamMode, ExamSpec, ExamSummary

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

    def exam_answers(self, exam_id: int) -> list[ExamAnswerRow]:
        """The answers of one exam, in the order asked."""
        from studyapp.core.exam import ExamAnswerRow

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
        from studyapp.core.exam import PoolFacts

        missed, flagged = self.exam_marks(deck_ids)
        return PoolFacts(
            states=self.card_states(deck_ids),
            last_again=frozenset(self.last_again(deck_ids)),
            exam_missed=frozenset(missed),
            exam_flagged=frozenset(flagged),
        )

    # -- replay -----------------------------------------------------------
    def replay_states(self, policy: Policy) -> dict[PromptKey, CardState]:
        """Every prompt's state recomputed from the (non-undone) log."""
        rows = self.conn.execute(
            "SELECT deck_id, card_id, sibling, action, reviewed_at, rating, scheduled_due "
            "FROM review_log WHERE undone_at IS NULL ORDER BY deck_id, card_id, sibling, id"
        )
        out: dict[PromptKey, CardState] = {}
        for key, group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
            events = (
                LogEvent(r[3], datetime.fromisoformat(r[4]), r[5], from_iso(r[6])) for r in group
            )
            out[key] = policy.replay(events)
        return out

    def rebuild(self, policy: Policy) -> int:
        """Recompute ``card_state`` from the log; return the number of prompts."""
        with self._transaction() as conn:
            # Read the log under the write lock, so no answer lands in between.
            states = self.replay_states(policy)
            conn.execute("DELETE FROM card_state")
            for key, state in states.items():
                self._put_state(conn, key, state)
        return len(states)
