"""The SQLite repository: an append-only review log and the card state derived from it.

Every write (an answer, an undo, a suspension) is one transaction that appends
to (or marks) the log and updates ``card_state`` together, so the state table
is always what replaying the log gives. ``rebuild`` recomputes it from the log.

Undo never deletes: it appends an undo event naming the row it takes back
(``undo_log``, migration 0006) and sets the row's ``undone_at`` from it in the
same transaction; every query that derives state or counts ignores such rows.
A prompt's log is replayed in time order, then event id (one device's ids
sort in the order it wrote them), so devices that sync replay alike.

Exams are stored apart (``exam``, ``exam_answer``): saving one never touches
the review log or ``card_state``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from itertools import chain, groupby
from pathlib import Path
from typing import Any

from studyapp.core.deck.model import PromptKey
from studyapp.core.study.queue import DayCounts
from studyapp.core.study.review_log import ReviewRecord, SuspendChange
from studyapp.core.study.scheduling import CardState, LogEvent, Policy, State
from studyapp.store.db import WriteFailed, checkpoint, connect, from_iso, rollback, to_iso, why
from studyapp.store.event_log import EventRecords
from studyapp.store.exams import ExamRecords
from studyapp.store.parameters import ParameterRecords
from studyapp.store.plans import PlanRecords

__all__ = ["Store", "from_iso", "to_iso"]

_STATE_COLUMNS = (
    "state, step, stability, difficulty, due, last_review, lapses, reps, suspended, leech"
)


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


class Store(EventRecords, ExamRecords, ParameterRecords, PlanRecords):
    """The study database. Open with :meth:`open`; close when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path
        """The database file (``None``: in memory or not known), for error messages."""

    @classmethod
    def open(cls, path: Path | str, *, busy_ms: int = 5000) -> Store:
        return cls(connect(path, busy_ms=busy_ms), None if str(path) == ":memory:" else Path(path))

    def close(self) -> None:
        self.conn.close()

    def checkpoint(self) -> bool:
        """Bring the database file up to date with the write-ahead log (see
        :func:`studyapp.store.db.checkpoint`): at the end of a session, after an
        import or a rebuild."""
        return checkpoint(self.conn)

    def reopen(self) -> Store | None:
        """A second connection to the same database file, for reading in another thread
        while this one writes (WAL lets readers and one writer work side by side);
        ``None`` for an in-memory database. The caller closes it."""
        return None if self.path is None else Store.open(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write: all of it committed, or none of it and :class:`WriteFailed`
        saying why (disk full, read-only, locked, I/O error)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                rollback(self.conn)
                raise
        except sqlite3.OperationalError as exc:
            raise WriteFailed(why(exc, self.path)) from exc

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
        # `+deck_id`: read through the time index (the day's rows only). Without
        # statistics SQLite prefers the per-card index for `deck_id IN (...)`, which
        # reads every review the decks ever had (0.6 s on 100,000, at each start-up).
        rows = self.conn.execute(
            "SELECT deck_id, card_id, state_before FROM review_log "
            f"WHERE reviewed_at >= ? AND action = 'review' AND undone_at IS NULL "
            f"AND +deck_id IN ({marks})",
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
            self._mark_undone(conn, log_id, key, ("review",))
            self._put_state(conn, key, previous)

    @staticmethod
    def _mark_undone(
        conn: sqlite3.Connection, log_id: int, key: PromptKey, actions: tuple[str, ...]
    ) -> None:
        """Set ``undone_at`` on log row ``log_id`` (one of ``actions``) of ``key``,
        the prompt's latest live row (see :meth:`undo_review`)."""
        what = "/".join(actions)
        marks = ",".join("?" * len(actions))
        target = conn.execute(
            f"SELECT event_id FROM review_log WHERE id = ? AND deck_id=? AND card_id=? "
            f"AND sibling=? AND action IN ({marks}) AND undone_at IS NULL",
            (log_id, *key, *actions),
        ).fetchone()
        if target is None:
            raise LookupError(f"{what} {log_id} of {key} does not exist or was already undone")
        later = conn.execute(
            "SELECT id FROM review_log WHERE deck_id=? AND card_id=? AND sibling=? "
            "AND undone_at IS NULL AND (reviewed_at, event_id) > "
            "(SELECT reviewed_at, event_id FROM review_log WHERE id = ?) LIMIT 1",
            (*key, log_id),
        ).fetchone()
        if later is not None:
            raise ValueError(
                f"{what} {log_id} cannot be undone: {key} has a later log entry ({later[0]})"
            )
        conn.execute(
            "INSERT INTO undo_log (kind, refers_to, at) "
            "VALUES ('undo', ?, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))",
            (target[0],),
        )
        conn.execute(
            "UPDATE review_log SET undone_at = (SELECT at FROM undo_log WHERE id = "
            "last_insert_rowid()) WHERE id = ?",
            (log_id,),
        )

    def set_suspended(self, key: PromptKey, suspended: bool, at: datetime) -> CardState:
        """Suspend or unsuspend one prompt (logged even when it already was)."""
        with self._transaction() as conn:
            current = self.card_state(key)
            state = replace(current, suspended=suspended)
            self._log_suspension(conn, key, current, suspended, at)
            self._put_state(conn, key, state)
        return state

    def suspend_prompts(
        self, keys: Sequence[PromptKey], suspended: bool, at: datetime
    ) -> list[SuspendChange]:
        """Suspend (or unsuspend) those of ``keys`` that are not already, in one
        transaction: every prompt of a card at once. Returns what changed, for undo."""
        changes: list[SuspendChange] = []
        with self._transaction() as conn:
            for key in keys:
                before = self.card_state(key)
                if before.suspended != suspended:
                    log_id = self._log_suspension(conn, key, before, suspended, at)
                    self._put_state(conn, key, replace(before, suspended=suspended))
                    changes.append(SuspendChange(log_id, key, before))
        return changes

    def undo_suspension(self, changes: Sequence[SuspendChange]) -> None:
        """Mark the log rows of ``changes`` undone and restore each prompt's state
        before them, in one transaction (the rules of :meth:`undo_review`)."""
        with self._transaction() as conn:
            for change in changes:
                self._mark_undone(conn, change.log_id, change.key, ("suspend", "unsuspend"))
                self._put_state(conn, change.key, change.before)

    @staticmethod
    def _log_suspension(
        conn: sqlite3.Connection, key: PromptKey, before: CardState, suspended: bool, at: datetime
    ) -> int:
        cursor = conn.execute(
            "INSERT INTO review_log (deck_id, card_id, sibling, action, reviewed_at, "
            "state_before, state_after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                *key,
                "suspend" if suspended else "unsuspend",
                to_iso(at),
                before.state.value,
                before.state.value,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

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

    # -- replay -----------------------------------------------------------
    def replay_states(
        self,
        policy: Policy,
        reschedule_before: datetime | None = None,
        keys: Collection[PromptKey] | None = None,
    ) -> dict[PromptKey, CardState]:
        """Every prompt's state (or those of ``keys``) recomputed from the
        (non-undone) log, in time order then event id (imported reviews may be
        older than rows logged before them; events pulled from other devices
        too). ``reschedule_before``: see :meth:`Policy.replay`."""
        select = (
            "SELECT deck_id, card_id, sibling, action, reviewed_at, rating, scheduled_due "
            "FROM review_log WHERE undone_at IS NULL"
        )
        order = " ORDER BY deck_id, card_id, sibling, reviewed_at, event_id"
        rows: Iterable[Sequence[Any]] = (
            self.conn.execute(select + order)
            if keys is None
            else chain.from_iterable(
                self.conn.execute(
                    select + " AND deck_id = ? AND card_id = ? AND sibling = ?" + order, key
                )
                for key in sorted(keys)
            )
        )
        out: dict[PromptKey, CardState] = {}
        for key, group in groupby(rows, key=lambda r: (r[0], r[1], r[2])):
            events = (
                LogEvent(r[3], datetime.fromisoformat(r[4]), r[5], from_iso(r[6])) for r in group
            )
            out[key] = (
                policy.replay(events)
                if reschedule_before is None
                else policy.replay(events, reschedule_before)
            )
        return out

    def rebuild(self, policy: Policy, reschedule_before: datetime | None = None) -> int:
        """Recompute ``card_state`` from the log; return the number of prompts."""
        with self._transaction() as conn:
            return self._rebuild_in(conn, policy, reschedule_before)

    def _rebuild_in(
        self, conn: sqlite3.Connection, policy: Policy, reschedule_before: datetime | None
    ) -> int:
        # Called inside a transaction: the log is read under the write lock,
        # so no answer lands in between.
        states = self.replay_states(policy, reschedule_before)
        conn.execute("DELETE FROM card_state")
        for key, state in states.items():
            self._put_state(conn, key, state)
        return len(states)
