"""Checking a study database and salvaging a damaged one (``studyapp doctor``).

:func:`examine` reports, read-only: ``PRAGMA integrity_check``, the schema
version, ``card_state`` against a replay of the review log, and orphan rows.
:func:`salvage` copies every row it can still read of the tables that hold
the student's work (the review log, exams, aliases, plans, parameters) into a
fresh database; the caller rebuilds the states from the log and swaps it in.
Rows are read forwards and backwards by key, then probed one by one in
between, so one bad page costs only the rows on it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyapp.core.study.scheduling import SchedulerConfig
from studyapp.store.db import SCHEMA_VERSION, why

__all__ = ["SALVAGED", "Examination", "Salvage", "examine", "salvage"]

SALVAGED = (
    "review_log",
    "answer_alias",
    "exam",
    "exam_answer",
    "exam_plan",
    "fsrs_parameters",
    "undo_log",
    "local_event",
    "meta",
)
"""The tables of the student's work, in an order that satisfies their references;
``card_state`` is not salvaged: it is rebuilt from the log. ``meta`` (the device
id, the sync cursors) replaces the fresh database's: the device stays itself."""

_KEYS = {
    "answer_alias": ("deck_id", "card_id", "alias"),
    "exam_answer": ("exam_id", "position"),
    "meta": ("key",),
}
"""The primary keys of the tables without rowid (the others are read by rowid)."""

_PROBE_LIMIT = 200_000
"""At most this many single-row probes per table across a damaged stretch."""


@dataclass
class Examination:
    """What ``studyapp doctor`` found."""

    opened: bool = True
    integrity: list[str] = field(default_factory=list)
    version: int | None = None
    reviews: int | None = None
    state_mismatches: int | None = None
    orphans: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def healthy(self) -> bool:
        return (
            self.error is None
            and self.integrity == ["ok"]
            and self.version == SCHEMA_VERSION
            and self.state_mismatches == 0
            and not any(self.orphans.values())
        )


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def examine(path: Path, base: SchedulerConfig) -> Examination:
    """Check the database at ``path`` without changing it."""
    report = Examination()
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as exc:
        return Examination(opened=False, error=why(exc, path))
    try:
        report.integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(20)")]
        report.version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        report.reviews = int(
            conn.execute(
                "SELECT count(*) FROM review_log WHERE action = 'review' AND undone_at IS NULL"
            ).fetchone()[0]
        )
        report.state_mismatches = _mismatches(conn, base)
        report.orphans = _orphans(conn)
    except sqlite3.Error as exc:
        report.error = why(exc, path)
    finally:
        conn.close()
    return report


def _mismatches(conn: sqlite3.Connection, base: SchedulerConfig) -> int:
    """Prompts whose stored state differs from a replay of the log (with the
    parameters ``studyapp optimize`` adopted, as ``rebuild`` replays it)."""
    from studyapp.core.study.scheduling import CardState, Policy
    from studyapp.store.repository import Store

    store = Store(conn)
    adopted = store.adopted_parameters()
    policy = Policy(store.scheduler_config(base))
    replayed = store.replay_states(policy, adopted.since)
    stored_keys = {
        (d, c, s) for d, c, s in conn.execute("SELECT deck_id, card_id, sibling FROM card_state")
    }
    empty = CardState()
    return sum(
        store.card_state(key) != replayed.get(key, empty) for key in stored_keys | replayed.keys()
    )


def _orphans(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        "exam answers without their exam": int(
            conn.execute(
                "SELECT count(*) FROM exam_answer WHERE exam_id NOT IN (SELECT id FROM exam)"
            ).fetchone()[0]
        ),
        "card states without any log row": int(
            conn.execute(
                "SELECT count(*) FROM card_state s WHERE NOT EXISTS (SELECT 1 FROM review_log l "
                "WHERE l.deck_id = s.deck_id AND l.card_id = s.card_id AND l.sibling = s.sibling)"
            ).fetchone()[0]
        ),
    }


@dataclass
class Salvage:
    """Rows copied and rows that could not be read, per table."""

    saved: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    """Why nothing at all could be read (not a database, say)."""


def salvage(damaged: Path, fresh: sqlite3.Connection) -> Salvage:
    """Copy every readable row of :data:`SALVAGED` from ``damaged`` into ``fresh``
    (an empty, migrated database), in one transaction."""
    result = Salvage()
    try:
        source = _open_read_only(damaged)
        columns_of = {t: _columns(source, t) for t in SALVAGED}
    except sqlite3.Error as exc:
        result.error = why(exc)
        return result
    fresh.execute("BEGIN IMMEDIATE")
    try:
        for table in SALVAGED:
            wanted = [c for c in _columns(fresh, table) if c in columns_of[table]]
            rows, lost = _readable_rows(source, table, wanted) if wanted else ({}, 0)
            if rows:
                verb = "INSERT OR REPLACE" if table == "meta" else "INSERT OR IGNORE"
                fresh.executemany(
                    f"{verb} INTO {table} ({', '.join(wanted)}) "
                    f"VALUES ({', '.join('?' * len(wanted))})",
                    rows.values(),
                )
            result.saved[table] = len(rows)
            result.unreadable[table] = lost
        fresh.execute("COMMIT")
    except BaseException:
        fresh.execute("ROLLBACK")
        raise
    finally:
        source.close()
    return result


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    try:
        return [str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")]
    except sqlite3.Error:
        return []


def _readable_rows(
    conn: sqlite3.Connection, table: str, columns: list[str]
) -> tuple[dict[Any, tuple[Any, ...]], int]:
    """The rows of ``table`` that can be read, by key, and how many could not
    (for rowid tables: the row ids missing in the damaged stretches)."""
    keys = _KEYS.get(table, ("rowid",))
    select = ", ".join(keys) + ", " + ", ".join(columns)
    rows: dict[Any, tuple[Any, ...]] = {}
    width = len(keys)
    for order in ("ASC", "DESC"):
        by = ", ".join(f"{k} {order}" for k in keys)
        for row in _until_error(conn, f"SELECT {select} FROM {table} ORDER BY {by}"):
            rows[row[:width]] = row[width:]
    if keys != ("rowid",) or not rows:
        return rows, 0
    ids = sorted(k[0] for k in rows)
    missing = [i for i in range(ids[0], ids[-1] + 1) if (i,) not in rows][:_PROBE_LIMIT]
    lost = 0
    for rowid in missing:
        probe = list(_until_error(conn, f"SELECT {select} FROM {table} WHERE rowid = {rowid}"))
        if probe:
            rows[probe[0][:1]] = probe[0][1:]
        else:
            lost += _row_was_there(table)
    return rows, lost


def _row_was_there(table: str) -> int:
    """Whether a row id missing between two read rows counts as a lost row:
    the review log and exams never delete, so a gap there is damage."""
    return 1 if table in ("review_log", "exam", "fsrs_parameters") else 0


def _until_error(conn: sqlite3.Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` up to the first one that cannot be read."""
    try:
        cursor = conn.execute(sql)
        while True:
            row = cursor.fetchone()
            if row is None:
                return
            yield tuple(row)
    except sqlite3.Error:
        return
