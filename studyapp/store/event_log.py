"""The local log as events for sync: this device's identity, the events waiting
to be pushed, and events pulled from the student's other devices appended.

:class:`EventRecords` is a part of :class:`studyapp.store.Store`. Rule: the
tables stay append-only (a pulled undo sets the derived ``undone_at`` of the
row it names, as a local undo does; a pulled ``plan_remove`` deletes the plan,
as removing it locally does), and a pulled event is stored once, by its
``event_id``, whatever the number of times it is pulled. Rows cross this
module as plain dicts of column values (``source`` names the table); mapping
them to and from the server's event record is done by ``studyapp.app.sync``.
After appending, the prompts the events touch are replayed from the log, in
time order then event id, so two devices holding the same events hold the
same states.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyapp.core.deck.model import PromptKey

if TYPE_CHECKING:
    from studyapp.core.study.scheduling import CardState, Policy

__all__ = ["REVIEW_DETAILS", "SOURCES", "Appended", "EventRecords", "PolicyFactory"]

PolicyFactory = Callable[[], "tuple[Policy, datetime | None]"]
"""The policy in use and when its parameters were adopted (read after appending,
so parameters pulled with the events count)."""

REVIEW_DETAILS = (
    "duration_ms",
    "state_before",
    "state_after",
    "scheduled_due",
    "stability",
    "difficulty",
    "answer",
    "picked",
)
"""The review log's columns an event carries as they are (its payload on the server)."""
SOURCES: dict[str, tuple[str, ...]] = {
    "review_log": (
        "event_id",
        "device_id",
        "action",
        "reviewed_at",
        "deck_id",
        "card_id",
        "sibling",
        "rating",
        "kind",
        *REVIEW_DETAILS,
    ),
    "answer_alias": ("event_id", "device_id", "created_at", "deck_id", "card_id", "alias"),
    "exam": (
        "event_id",
        "device_id",
        "id",
        "started_at",
        "finished_at",
        "spec",
        "mode",
        "score",
        "total",
    ),
    "exam_plan": (
        "event_id",
        "device_id",
        "created_at",
        "deck_id",
        "exam_date",
        "topics",
        "target",
    ),
    "fsrs_parameters": ("event_id", "device_id", "created_at", "parameters", "metrics", "adopted"),
    "undo_log": ("event_id", "device_id", "kind", "at", "refers_to"),
}
"""Each table that holds events (the ``source`` of a row), and the columns read."""

_EXAM_ANSWER_COLUMNS = (
    "position",
    "deck_id",
    "card_id",
    "sibling",
    "kind",
    "topic",
    "answer",
    "correct",
    "score",
    "time_ms",
    "flagged",
)


@dataclass(frozen=True)
class Appended:
    """What appending pulled events did."""

    new: int
    """Events not held before (the others were skipped)."""
    replayed: int
    """Prompts whose state was recomputed."""


class EventRecords:
    """This device's events, for sync."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def _transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        @staticmethod
        def _put_state(conn: sqlite3.Connection, key: PromptKey, state: CardState) -> None: ...

        def _rebuild_in(
            self, conn: sqlite3.Connection, policy: Policy, reschedule_before: datetime | None
        ) -> int: ...

        def replay_states(
            self,
            policy: Policy,
            reschedule_before: datetime | None = None,
            keys: Collection[PromptKey] | None = None,
        ) -> dict[PromptKey, CardState]: ...

    # -- identity and cursors -------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def device_id(self) -> str:
        """This database's device id (made by migration 0006)."""
        value = self.meta("device_id")
        assert value is not None, "migration 0006 stores the device id"
        return value

    def pushed_through(self) -> int:
        """The acknowledged cursor: local events up to this number are on the server."""
        return int(self.meta("pushed_through") or 0)

    def waiting(self) -> int:
        """How many of this device's events the server has not acknowledged."""
        row = self.conn.execute(
            "SELECT count(*) FROM local_event WHERE n > ?", (self.pushed_through(),)
        ).fetchone()
        return int(row[0])

    def acknowledge(self, through: int) -> None:
        """The server holds every local event up to ``through`` (never moves back)."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('pushed_through', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), "
                "CAST(excluded.value AS INTEGER))",
                (str(through),),
            )

    # -- reading this device's events ------------------------------------------
    def unpushed(self) -> list[tuple[int, str, dict[str, Any]]]:
        """``(n, source, row)`` of every event after the acknowledged cursor, in the
        order this device wrote them (a plan removed since has no row: skipped).
        One query per table, whatever the number of events."""
        after = self.pushed_through()
        found: list[tuple[int, str, dict[str, Any]]] = []
        for source, columns in SOURCES.items():
            rows = self.conn.execute(
                f"SELECT local_event.n, {', '.join(f'{source}.{c}' for c in columns)} "
                f"FROM local_event JOIN {source} ON {source}.event_id = local_event.event_id "
                "WHERE local_event.n > ? AND local_event.source = ?",
                (after, source),
            )
            found += [(row[0], source, dict(zip(columns, row[1:], strict=True))) for row in rows]
        counts = self._review_counts(after)
        for _, source, row in found:
            if source == "exam":
                row["answers"] = self._exam_answers(row.pop("id"))
            elif source == "review_log" and row["event_id"] in counts:
                row["reps"], row["lapses"] = counts[row["event_id"]]
        found.sort(key=lambda entry: entry[0])
        return found

    def _review_counts(self, after: int) -> dict[str, tuple[int, int]]:
        """event id -> (reps, lapses) of each unsent answer as of that answer: the
        prompt's answers not undone up to it (every device's, in log order), and of
        those the ones rated Again on a card in review (FSRS's lapse). The class
        report reads them (docs/class-server.md: a review's payload)."""
        rows = self.conn.execute(
            "WITH wanted AS (SELECT DISTINCT r.deck_id, r.card_id, r.sibling FROM local_event l "
            "  JOIN review_log r ON r.event_id = l.event_id "
            "  WHERE l.n > ? AND l.source = 'review_log' AND r.action = 'review') "
            "SELECT r.event_id, count(*) OVER w, "
            "  sum(CASE WHEN r.rating = 1 AND r.state_before = 'review' THEN 1 ELSE 0 END) OVER w "
            "FROM review_log r JOIN wanted w2 ON w2.deck_id = r.deck_id "
            "  AND w2.card_id = r.card_id AND w2.sibling = r.sibling "
            "WHERE r.action = 'review' AND r.undone_at IS NULL "
            "WINDOW w AS (PARTITION BY r.deck_id, r.card_id, r.sibling "
            "  ORDER BY r.reviewed_at, r.id ROWS UNBOUNDED PRECEDING)",
            (after,),
        )
        return {event_id: (int(reps), int(lapses)) for event_id, reps, lapses in rows}

    def last_local_event(self) -> int:
        """The number of the newest local event (0: none)."""
        row = self.conn.execute("SELECT coalesce(max(n), 0) FROM local_event").fetchone()
        return int(row[0])

    def _exam_answers(self, exam_id: int) -> list[dict[str, Any]]:
        answers = self.conn.execute(
            f"SELECT {', '.join(_EXAM_ANSWER_COLUMNS)} FROM exam_answer WHERE exam_id = ? "
            "ORDER BY position",
            (exam_id,),
        ).fetchall()
        return [dict(zip(_EXAM_ANSWER_COLUMNS, a, strict=True)) for a in answers]

    # -- appending pulled events ------------------------------------------------
    def append_events(
        self,
        rows: Sequence[tuple[str, dict[str, Any]]],
        policy: PolicyFactory,
        meta: Mapping[str, str] | None = None,
    ) -> Appended:
        """Append ``(source, row)`` pulled from other devices and replay the prompts
        they touch, in one transaction with setting ``meta`` (the pull cursor);
        an event already held is skipped."""
        with self._transaction() as conn:
            for key, value in (meta or {}).items():
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            new = 0
            touched: set[PromptKey] = set()
            parameters = False
            for source, row in rows:
                if self._holds(conn, source, row["event_id"]):
                    continue
                new += 1
                parameters |= source == "fsrs_parameters"
                touched |= _APPEND[source](conn, row)
            if new:
                # An undo held before the event it names (pulled from another
                # device before it) applies now.
                undone = conn.execute(
                    "UPDATE review_log SET undone_at = (SELECT min(at) FROM undo_log "
                    "WHERE kind = 'undo' AND refers_to = review_log.event_id) "
                    "WHERE undone_at IS NULL AND event_id IN "
                    "(SELECT refers_to FROM undo_log WHERE kind = 'undo') "
                    "RETURNING deck_id, card_id, sibling"
                ).fetchall()
                touched |= {(r[0], r[1], r[2]) for r in undone}
            if parameters:
                chosen, since = policy()
                return Appended(new, self._rebuild_in(conn, chosen, since))
            if touched:
                chosen, since = policy()
                self._replay_keys(conn, touched, chosen, since)
            return Appended(new, len(touched))

    @staticmethod
    def _holds(conn: sqlite3.Connection, source: str, event_id: str) -> bool:
        found = conn.execute(f"SELECT 1 FROM {source} WHERE event_id = ?", (event_id,)).fetchone()
        return found is not None

    def _replay_keys(
        self,
        conn: sqlite3.Connection,
        keys: set[PromptKey],
        policy: Policy,
        reschedule_before: datetime | None,
    ) -> None:
        from studyapp.core.study.scheduling import CardState

        states = self.replay_states(policy, reschedule_before, keys)
        for key in sorted(keys):
            self._put_state(conn, key, states.get(key, CardState()))


_REVIEW_COLUMNS = SOURCES["review_log"]


def _insert(
    conn: sqlite3.Connection, table: str, row: dict[str, Any], columns: Sequence[str]
) -> int:
    cursor = conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        tuple(row.get(column) for column in columns),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _append_review(conn: sqlite3.Connection, row: dict[str, Any]) -> set[PromptKey]:
    _insert(conn, "review_log", row, _REVIEW_COLUMNS)
    return {(row["deck_id"], row["card_id"], row["sibling"])}


def _append_undo(conn: sqlite3.Connection, row: dict[str, Any]) -> set[PromptKey]:
    _insert(conn, "undo_log", row, ("event_id", "device_id", "kind", "at", "refers_to"))
    if row["kind"] == "plan_remove":
        conn.execute("DELETE FROM exam_plan WHERE event_id = ?", (row["refers_to"],))
        return set()
    conn.execute(
        "UPDATE review_log SET undone_at = ? WHERE event_id = ? AND undone_at IS NULL",
        (row["at"], row["refers_to"]),
    )
    target = conn.execute(
        "SELECT deck_id, card_id, sibling FROM review_log WHERE event_id = ?", (row["refers_to"],)
    ).fetchone()
    return set() if target is None else {(target[0], target[1], target[2])}


def _append_alias(conn: sqlite3.Connection, row: dict[str, Any]) -> set[PromptKey]:
    conn.execute(
        "INSERT OR IGNORE INTO answer_alias (deck_id, card_id, alias, created_at, event_id, "
        "device_id) VALUES (?, ?, ?, ?, ?, ?)",
        (
            row["deck_id"],
            row["card_id"],
            row["alias"],
            row["created_at"],
            row["event_id"],
            row["device_id"],
        ),
    )
    return set()


def _append_exam(conn: sqlite3.Connection, row: dict[str, Any]) -> set[PromptKey]:
    columns = ("event_id", "device_id", "started_at", "finished_at", "spec", "mode")
    exam_id = _insert(conn, "exam", row, (*columns, "score", "total"))
    conn.executemany(
        f"INSERT INTO exam_answer (exam_id, {', '.join(_EXAM_ANSWER_COLUMNS)}) "
        f"VALUES (?, {', '.join('?' * len(_EXAM_ANSWER_COLUMNS))})",
        [(exam_id, *(answer.get(c) for c in _EXAM_ANSWER_COLUMNS)) for answer in row["answers"]],
    )
    return set()


def _append_plan(conn: sqlite3.Connection, row: dict[str, Any]) -> set[PromptKey]:
    removed = conn.execute(
        "SELECT 1 FROM undo_log WHERE kind = 'plan_remove' AND refers_to = ?", (row["event_id"],)
    ).fetchone()
    if removed is None:
        _insert(
            conn,
            "exam_plan",
            row,
            ("event_id", "device_id", "created_at", "deck_id", "exam_date", "topics", "target"),
        )
    return set()


def _append_parameters(conn: sqlite3.Connection, row: dict[str, Any]) -> set[PromptKey]:
    _insert(
        conn,
        "fsrs_parameters",
        {**row, "adopted": 1, "metrics": row.get("metrics") or json.dumps({})},
        ("event_id", "device_id", "created_at", "parameters", "metrics", "adopted"),
    )
    return set()


_APPEND: dict[str, Callable[[sqlite3.Connection, dict[str, Any]], set[PromptKey]]] = {
    "review_log": _append_review,
    "undo_log": _append_undo,
    "answer_alias": _append_alias,
    "exam": _append_exam,
    "exam_plan": _append_plan,
    "fsrs_parameters": _append_parameters,
}
