"""What the class report reads from the server: grouped queries over the
summary tables (migration 0005), never over the events.

Rule: every figure is summed in PostgreSQL and comes back as rows in the
field order of the core's fact records (``studyapp.core.progress.class_report``:
``StudentFacts``, ``TopicFacts``, ``CardFacts``, ``AnswerFacts``), which the
``class report`` command builds; this module imports nothing from the core.
Only the class's instructors may read the summaries (grants and row-level
security); :func:`require_instructor` says so in one line before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from studyapp.server import ServerError
from studyapp.server.connection import Connection, class_names, server_errors

__all__ = [
    "Filters",
    "answers",
    "cards",
    "report_secret",
    "require_instructor",
    "students",
    "topics",
]


@dataclass(frozen=True)
class Filters:
    """What the report covers: one deck and topic (or all), reviews since a day,
    as of a moment (``now``: the windows, overdue and predicted recall)."""

    now: datetime
    deck: str | None = None
    topic: str | None = None
    since: date | None = None

    def params(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "today": self.now.date(),
            "deck": self.deck,
            "topic": self.topic,
            "since": self.since,
        }


# Rows of studyapp.stat_day (d) and studyapp.stat_prompt (p) the filters keep.
_DAY = """
    (%(deck)s::text IS NULL OR d.deck_id = %(deck)s)
    AND (%(topic)s::text IS NULL OR d.topic = %(topic)s)
    AND (%(since)s::date IS NULL OR d.day >= %(since)s)
    AND d.day <= %(today)s
"""
_PROMPT = """
    (%(deck)s::text IS NULL OR p.deck_id = %(deck)s)
    AND (%(topic)s::text IS NULL OR coalesce(p.topic, '') = %(topic)s)
    AND (%(since)s::date IS NULL OR p.last_at >= %(since)s)
"""
_RECALL_NOW = "studyapp.recall(p.last_stability, extract(epoch FROM %(now)s - p.last_at) / 86400)"


def require_instructor(conn: Connection) -> None:
    """A :class:`ServerError` unless the connected login is one of the class's instructors."""
    names = class_names(conn.info.dbname)
    with server_errors("checking who may read the class report"):
        row = conn.execute(
            "SELECT current_user::text, pg_has_role(current_user, %s, 'USAGE')",
            (names.instructors,),
        ).fetchone()
    assert row is not None
    if not row[1]:
        raise ServerError(
            f"permission denied: the class report is for the instructors of {names.database} "
            f"({row[0]} is not one); a student sees their own standing with `studyapp class me`"
        )


def _rows(conn: Connection, doing: str, query: str, filters: Filters) -> list[tuple[Any, ...]]:
    with server_errors(doing):
        return conn.execute(query, filters.params()).fetchall()


def students(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """Every enrolled student (not dropped): login, name, reviews, recalls,
    passes, last day, days active in the last 7 and 30, overdue prompts,
    recalls and passes over the last 14 days and the 14 before."""
    query = f"""
        WITH d AS (
            SELECT d.student, sum(d.reviews) AS reviews, sum(d.recalls) AS recalls,
                   sum(d.passes) AS passes, max(d.day) AS last_day,
                   count(DISTINCT d.day) FILTER (WHERE d.day > %(today)s - 7) AS a7,
                   count(DISTINCT d.day) FILTER (WHERE d.day > %(today)s - 30) AS a30,
                   sum(d.recalls) FILTER (WHERE d.day > %(today)s - 14) AS rr,
                   sum(d.passes) FILTER (WHERE d.day > %(today)s - 14) AS rp,
                   sum(d.recalls) FILTER (WHERE d.day <= %(today)s - 14
                                           AND d.day > %(today)s - 28) AS pr,
                   sum(d.passes) FILTER (WHERE d.day <= %(today)s - 14
                                          AND d.day > %(today)s - 28) AS pp
            FROM studyapp.stat_day d WHERE {_DAY}
            GROUP BY d.student
        ), o AS (
            SELECT p.student, count(*) AS overdue FROM studyapp.stat_prompt p
            WHERE p.last_due < %(now)s AND {_PROMPT}
            GROUP BY p.student
        )
        SELECT r.login, r.display_name, coalesce(d.reviews, 0)::int,
               coalesce(d.recalls, 0)::int, coalesce(d.passes, 0)::int, d.last_day,
               coalesce(d.a7, 0)::int, coalesce(d.a30, 0)::int, coalesce(o.overdue, 0)::int,
               coalesce(d.rr, 0)::int, coalesce(d.rp, 0)::int,
               coalesce(d.pr, 0)::int, coalesce(d.pp, 0)::int
        FROM studyapp.roster r
        LEFT JOIN d ON d.student = r.login
        LEFT JOIN o ON o.student = r.login
        WHERE r.role = 'student' AND r.dropped_at IS NULL
        ORDER BY r.login
    """
    return _rows(conn, "reading the students' summaries", query, filters)


def topics(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """Per student x deck x topic: login, deck, topic, recalls, passes, prompts
    studied, mastery (mean predicted recall now)."""
    query = f"""
        WITH d AS (
            SELECT d.student, d.deck_id, d.topic, sum(d.recalls) AS recalls,
                   sum(d.passes) AS passes
            FROM studyapp.stat_day d WHERE {_DAY}
            GROUP BY 1, 2, 3
        ), p AS (
            SELECT p.student, p.deck_id, coalesce(p.topic, '') AS topic, count(*) AS prompts,
                   avg({_RECALL_NOW}) AS mastery
            FROM studyapp.stat_prompt p WHERE {_PROMPT}
            GROUP BY 1, 2, 3
        )
        SELECT coalesce(d.student, p.student), coalesce(d.deck_id, p.deck_id),
               coalesce(d.topic, p.topic), coalesce(d.recalls, 0)::int,
               coalesce(d.passes, 0)::int, coalesce(p.prompts, 0)::int, p.mastery
        FROM d FULL JOIN p USING (student, deck_id, topic)
        JOIN studyapp.roster r ON r.login = coalesce(d.student, p.student)
        WHERE r.role = 'student' AND r.dropped_at IS NULL
        ORDER BY 2, 3, 1
    """
    return _rows(conn, "reading the topics' summaries", query, filters)


def cards(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """Per prompt: deck, card, sibling, topic, kind, students, reviews,
    recalls, passes, lapses (summed over students), leeches (students with
    ``leech_lapses`` lapses or more)."""
    query = f"""
        SELECT p.deck_id, p.card_id, p.sibling, coalesce(max(p.topic), ''),
               coalesce(max(p.card_kind), ''), count(*)::int, sum(p.reviews)::int,
               sum(p.recalls)::int, sum(p.passes)::int, sum(p.lapses)::int,
               (count(*) FILTER (WHERE p.lapses >= %(leech)s))::int
        FROM studyapp.stat_prompt p WHERE {_PROMPT}
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
    """
    with server_errors("reading the cards' summaries"):
        return conn.execute(query, {**filters.params(), "leech": LEECH_LAPSES}).fetchall()


LEECH_LAPSES = 8
"""The app's default leech threshold (the core's ``LEECH_LAPSES``; a test checks they agree)."""


def answers(conn: Connection, filters: Filters) -> list[tuple[Any, ...]]:
    """Wrong answers per prompt: deck, card, sibling, kind, source (picked or
    typed), answer, times, students, and for typed answers the logins who gave
    it (a frozenset: spellings grouped together count a student once)."""
    query = """
        SELECT a.deck_id, a.card_id, a.sibling, coalesce(max(a.card_kind), ''), a.source,
               a.answer, sum(a.times)::int, count(*)::int,
               CASE WHEN a.source = 'typed' THEN array_agg(a.student) END
        FROM studyapp.stat_answer a
        WHERE (%(deck)s::text IS NULL OR a.deck_id = %(deck)s)
          AND (%(topic)s::text IS NULL OR EXISTS (
                SELECT FROM studyapp.stat_prompt p
                WHERE p.deck_id = a.deck_id AND p.card_id = a.card_id
                  AND p.sibling = a.sibling AND coalesce(p.topic, '') = %(topic)s))
        GROUP BY a.deck_id, a.card_id, a.sibling, a.source, a.answer
        HAVING sum(a.times) > 0
    """
    rows = _rows(conn, "reading the wrong answers", query, filters)
    return [(*row[:-1], frozenset(row[-1] or ())) for row in rows]


def report_secret(conn: Connection) -> str:
    """The class's secret for stable pseudonyms."""
    with server_errors("reading the class's report key"):
        row = conn.execute("SELECT secret FROM studyapp.report_key").fetchone()
    if row is None:
        raise ServerError("the class has no report key: run `studyapp class init`")
    return str(row[0])


MIN_STUDENTS = 5
"""Class aggregates shown to a student need this many contributing students
(enforced by the server's ``studyapp.class_standing``; a test checks it)."""


def standing(conn: Connection, at: datetime | None = None) -> list[tuple[Any, ...]]:
    """The connected student's standing per deck and topic: deck, topic, own
    retention, own mastery, then for retention and for mastery the number of
    contributing students and the class's quartiles (``None`` below
    :data:`MIN_STUDENTS`)."""
    with server_errors("reading your standing in the class"):
        return conn.execute(
            "SELECT * FROM studyapp.class_standing(coalesce(%s, now()))", (at,)
        ).fetchall()
